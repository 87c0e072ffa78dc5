package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.Component;
import java.util.Map;

/**
 * What a pod's container would run: the component, the image (its tag is the version) and the
 * OpenMLDB flags read from the pod's flags ConfigMap with {@code ${POD_NAME}} substituted.
 *
 * @param flags flag name (without dashes) to value, e.g. endpoint, zk_cluster, zk_root_path
 */
public record PodProcessSpec(
    String namespace, String podName, Component component, String image, Map<String, String> flags) {
  public PodProcessSpec {
    flags = Map.copyOf(flags);
  }

  /** The image tag, i.e. the OpenMLDB version the process runs. */
  public String version() {
    int colon = image.lastIndexOf(':');
    return colon < 0 ? "latest" : image.substring(colon + 1);
  }
}
