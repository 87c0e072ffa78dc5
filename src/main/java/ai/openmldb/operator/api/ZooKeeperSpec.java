package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The ZooKeeper ensemble OpenMLDB registers in, and the operator reads. */
public class ZooKeeperSpec {
  @JsonPropertyDescription("Connect string: host:port[,host:port...] (OpenMLDB's --zk_cluster).")
  @Required
  @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$")
  private String cluster;

  @JsonPropertyDescription("Root path of this OpenMLDB cluster in ZooKeeper (OpenMLDB's --zk_root_path).")
  @Required
  @Pattern("^(/[A-Za-z0-9_.-]+)+$")
  private String rootPath;

  @JsonPropertyDescription("ZooKeeper session timeout in milliseconds (OpenMLDB's --zk_session_timeout).")
  @Default("10000")
  @Min(1000)
  @Max(600000)
  private Integer sessionTimeoutMs = 10000;

  @JsonPropertyDescription(
      "Optional Secret holding ZooKeeper digest credentials under the key 'auth' (user:password).")
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
