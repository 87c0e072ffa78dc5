package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Where the OpenMLDB image comes from; the tag is always {@code spec.version}. */
public class ImageSpec {
  public static final String REPOSITORY_PATTERN =
      "^[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*((:[0-9]{1,5})?/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$";

  @JsonPropertyDescription("Image repository; the tag is spec.version.")
  @Default("4pdosc/openmldb-online")
  // Registry host (optionally with a port), then path components; no tag or digest (the tag is
  // spec.version), which the earlier pattern let through as "repo:tag".
  @Pattern(REPOSITORY_PATTERN)
  @Size(max = 255)
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
