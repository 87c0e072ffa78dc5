package ai.openmldb.operator.api;

/** The condition types in {@code status.conditions}. */
public final class ConditionType {
  /** Every pod ready, on the desired revision, and every table healthy. */
  public static final String READY = "Ready";
  /** A roll (or initial creation) is under way. */
  public static final String PROGRESSING = "Progressing";
  /** Something needs the user: invalid spec, halted roll, unreachable ZooKeeper. */
  public static final String DEGRADED = "Degraded";
  /** spec.upgrade.paused holds the roll. */
  public static final String PAUSED = "Paused";

  private ConditionType() {}
}
