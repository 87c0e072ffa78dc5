package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.ArrayList;
import java.util.List;

/** Where the OpenMLDB image comes from; the tag is always {@code spec.version}. */
public class ImageSpec {
  @JsonPropertyDescription("Image repository; the tag is spec.version.")
  @Default("4pdosc/openmldb-online")
  @Pattern("^[a-z0-9]+([._/:-][a-z0-9]+)*$")
  private String repository = "4pdosc/openmldb-online";

  @JsonPropertyDescription("Image pull policy.")
  @Default("IfNotPresent")
  @Pattern("^(Always|IfNotPresent|Never)$")
  private String pullPolicy = "IfNotPresent";

  @JsonPropertyDescription("Names of Secrets in the cluster's namespace used to pull the image.")
  private List<String> pullSecrets = new ArrayList<>();

  public String getRepository() {
    return repository;
  }

  public void setRepository(String repository) {
    this.repository = repository;
  }

  public String getPullPolicy() {
    return pullPolicy;
  }

  public void setPullPolicy(String pullPolicy) {
    this.pullPolicy = pullPolicy;
  }

  public List<String> getPullSecrets() {
    return pullSecrets;
  }

  public void setPullSecrets(List<String> pullSecrets) {
    this.pullSecrets = pullSecrets;
  }
}
