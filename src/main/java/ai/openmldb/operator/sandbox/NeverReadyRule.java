package ai.openmldb.operator.sandbox;

/**
 * Chaos: pods that never start (like a bad image stuck in ImagePullBackOff). A null field matches
 * anything, so {@code (tablet-1, 0.9.3)} means "tablet-1 once it runs 0.9.3": reverting the version
 * brings it back.
 */
public record NeverReadyRule(String podName, String imageTag) {
  boolean matches(String pod, String image) {
    int colon = image == null ? -1 : image.lastIndexOf(':');
    String tag = colon < 0 ? "latest" : image.substring(colon + 1);
    return (podName == null || podName.equals(pod)) && (imageTag == null || imageTag.equals(tag));
  }
}
