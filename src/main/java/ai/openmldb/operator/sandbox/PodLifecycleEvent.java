package ai.openmldb.operator.sandbox;

/**
 * Something the simulated kubelet or StatefulSet controller did to a pod, for live output.
 *
 * @param detail image, reason or message, may be empty
 */
public record PodLifecycleEvent(Type type, String namespace, String pod, String detail) {
  /** What happened. */
  public enum Type {
    CREATED,
    STARTED,
    READY,
    NOT_READY,
    STUCK,
    DELETED
  }
}
