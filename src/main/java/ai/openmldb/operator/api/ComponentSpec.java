package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.LinkedHashMap;
import java.util.Map;

/** One OpenMLDB component: how many pods, their resources and extra OpenMLDB flags. */
public class ComponentSpec {
  /** Flags the operator writes itself; a user value would split the pod from its identity. */
  public static final java.util.List<String> OPERATOR_FLAGS =
      java.util.List.of("endpoint", "zk_cluster", "zk_root_path", "zk_session_timeout", "use_name");

  static final String OPERATOR_FLAGS_RULE =
      "!('endpoint' in self) && !('zk_cluster' in self) && !('zk_root_path' in self)"
          + " && !('zk_session_timeout' in self) && !('use_name' in self)";

  @JsonPropertyDescription("Number of pods.")
  @Min(0)
  @Max(1000)
  private Integer replicas;

  @JsonPropertyDescription("Container resources.")
  private ResourceRequirements resources;

  @JsonPropertyDescription(
      "Extra OpenMLDB flags, name to value without the leading dashes (e.g. thread_pool_size: '32'). "
          + "endpoint, zk_cluster and zk_root_path are set by the operator and cannot be overridden.")
  @Size(max = 256)
  // Only constant-cost map lookups here: a rule iterating over the (unbounded) names and values would
  // exceed the API server's CEL cost budget. Names and line breaks in values are checked by the
  // operator's spec validation instead (a newline in a value would inject other flags).
  @ValidationRule(
      value = OPERATOR_FLAGS_RULE,
      message = "flags: endpoint, zk_cluster, zk_root_path, zk_session_timeout and use_name are set by the"
          + " operator; remove them (use spec.zookeeper for the ZooKeeper settings)")
  private Map<String, String> flags = new LinkedHashMap<>();

  public ComponentSpec() {}

  public ComponentSpec(int replicas) {
    this.replicas = replicas;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getFlags() {
    return flags;
  }

  public void setFlags(Map<String, String> flags) {
    this.flags = flags;
  }
}
