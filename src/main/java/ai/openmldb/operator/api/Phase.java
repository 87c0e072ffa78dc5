package ai.openmldb.operator.api;

/** Values of {@code status.phase}. */
public final class Phase {
  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String UPGRADING = "Upgrading";
  public static final String PAUSED = "Paused";
  public static final String HALTED = "Halted";
  public static final String INVALID = "Invalid";

  private Phase() {}
}
