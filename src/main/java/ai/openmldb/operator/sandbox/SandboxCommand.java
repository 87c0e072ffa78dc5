package ai.openmldb.operator.sandbox;

/** {@code sandbox}: the real operator in an embedded world, showing a rolling upgrade. */
public final class SandboxCommand {
  private SandboxCommand() {}

  public static int run(String[] args) {
    System.err.println("sandbox: not wired yet");
    return 1;
  }
}
