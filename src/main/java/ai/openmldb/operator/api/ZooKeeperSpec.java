package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The ZooKeeper ensemble OpenMLDB registers in, and the operator reads. */
public class ZooKeeperSpec {
  /** An absolute ZooKeeper path whose segments are not "." or "..". */
  public static final String ROOT_PATH_PATTERN =
      "^(/[A-Za-z0-9_.-]*[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$";

  /** A Kubernetes object name (RFC 1123 subdomain). */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  @JsonPropertyDescription("Connect string: host:port[,host:port...] (OpenMLDB's --zk_cluster).")
  @Required
  @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$")
  @Size(max = 1024)
  private String cluster;

  @JsonPropertyDescription("Root path of this OpenMLDB cluster in ZooKeeper (OpenMLDB's --zk_root_path).")
  @Required
  // Every segment needs a character other than '.': ZooKeeper refuses "." and ".." segments.
  @Pattern(ROOT_PATH_PATTERN)
  @Size(max = 256)
  @ValidationRule(
      value = "self != '/zookeeper' && !self.startsWith('/zookeeper/')",
      message = "spec.zookeeper.rootPath: /zookeeper is ZooKeeper's own tree; use a path such as /openmldb")
  // Moving a running cluster to another root path would start an empty cluster beside the old one.
  @ValidationRule(
      value = "self == oldSelf",
      message = "spec.zookeeper.rootPath cannot be changed on an existing cluster; set it back",
      reason = "FieldValueForbidden")
  private String rootPath;

  @JsonPropertyDescription("ZooKeeper session timeout in milliseconds (OpenMLDB's --zk_session_timeout).")
  @Default("10000")
  @Min(1000)
  @Max(600000)
  private Integer sessionTimeoutMs = 10000;

  @JsonPropertyDescription(
      "Optional Secret holding ZooKeeper digest credentials under the key 'auth' (user:password).")
  @Pattern(DNS_SUBDOMAIN)
  @Size(max = 253)
  private String authSecretName;

  public String getCluster() {
    return cluster;
  }

  public void setCluster(String cluster) {
    this.cluster = cluster;
  }

  public String getRootPath() {
    return rootPath;
  }

  public void setRootPath(String rootPath) {
    this.rootPath = rootPath;
  }

  public Integer getSessionTimeoutMs() {
    return sessionTimeoutMs;
  }

  public void setSessionTimeoutMs(Integer sessionTimeoutMs) {
    this.sessionTimeoutMs = sessionTimeoutMs;
  }

  public String getAuthSecretName() {
    return authSecretName;
  }

  public void setAuthSecretName(String authSecretName) {
    this.authSecretName = authSecretName;
  }
}
