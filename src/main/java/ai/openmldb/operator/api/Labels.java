package ai.openmldb.operator.api;

import java.util.Map;

/** Label and annotation keys the operator puts on the objects it owns. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String VERSION = "app.kubernetes.io/version";

  public static final String APP = "openmldb";
  public static final String OPERATOR = "openmldb-operator";

  /** Hash of the desired pod template; a pod whose value differs must be restarted. */
  public static final String REVISION_ANNOTATION = "openmldb.ai/revision";

  /**
   * Comma-separated nameserver op ids the user acknowledges as handled: a roll halted by a
   * {@code kFailed} op continues once its id is listed here.
   */
  public static final String ACKNOWLEDGE_FAILED_OPS_ANNOTATION =
      "openmldb.ai/acknowledge-failed-ops";

  /** Set to a new value to retry a roll that halted and waits for the user. */
  public static final String RETRY_ANNOTATION = "openmldb.ai/retry";

  private Labels() {}

  /** Labels selecting the pods of one component of one cluster (stable: used in selectors). */
  public static Map<String, String> selector(String cluster, Component component) {
    return Map.of(NAME, APP, INSTANCE, cluster, COMPONENT, component.id());
  }

  /** Selector labels plus the managed-by marker. */
  public static Map<String, String> forComponent(String cluster, Component component) {
    return Map.of(
        NAME, APP, INSTANCE, cluster, COMPONENT, component.id(), MANAGED_BY, OPERATOR);
  }
}
