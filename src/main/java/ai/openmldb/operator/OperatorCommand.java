package ai.openmldb.operator;

/** {@code run}: the operator against a real cluster. */
public final class OperatorCommand {
  private OperatorCommand() {}

  /** Returns {@link Integer#MIN_VALUE} when the operator keeps running in its own threads. */
  public static int run(String[] args) {
    System.err.println("run: not wired yet");
    return 1;
  }
}
