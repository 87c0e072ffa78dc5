package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A persistent volume claim template for tablet data. */
public class StorageSpec {
  /** A positive Kubernetes quantity. */
  public static final String SIZE_PATTERN =
      "^([0-9]*[1-9][0-9]*(\\.[0-9]+)?|[0-9]+\\.[0-9]*[1-9][0-9]*)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";

  @JsonPropertyDescription("Requested size, e.g. 20Gi.")
  @Required
  // A positive Kubernetes quantity: binary (Gi) or decimal (lower-case k, M, G...) suffix. The
  // earlier pattern accepted "20K" (not a quantity) and "0", which the API server refuses only
  // when the operator creates the StatefulSet.
  @Pattern(SIZE_PATTERN)
  @Size(max = 32)
  private String size;

  @JsonPropertyDescription("StorageClass name; empty uses the cluster default.")
  @Size(max = 253)
  private String storageClassName;

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }
}
