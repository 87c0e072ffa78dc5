package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.LinkedHashMap;
import java.util.Map;

/** One OpenMLDB component: how many pods, their resources and extra OpenMLDB flags. */
public class ComponentSpec {
  @JsonPropertyDescription("Number of pods.")
  @Min(0)
  @Max(1000)
  private Integer replicas;

  @JsonPropertyDescription("Container resources.")
  private ResourceRequirements resources;

  @JsonPropertyDescription(
      "Extra OpenMLDB flags, name to value without the leading dashes (e.g. thread_pool_size: '32'). "
          + "endpoint, zk_cluster and zk_root_path are set by the operator and cannot be overridden.")
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
