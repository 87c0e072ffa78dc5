package ai.openmldb.operator.bench;

/** A way of upgrading a cluster that the benchmark compares. */
public enum Way {
  /** What a StatefulSet RollingUpdate does: restart pods in order, rely on auto-failover. */
  NAIVE("naive"),
  /** The official tool run as a script: one leader at a time, waiting for each op. */
  SERIAL("serial"),
  /**
   * The same procedure paced as the real tool is: its {@code WaitingOP} sleeps 2 s whenever the op
   * is still kInited/kDoing, and recoverdata sleeps 1 s before its first wait per table
   * ({@code tools/tool.py}, {@code tools/openmldb_ops.py}). Not run by default (minutes).
   */
  SERIAL_TOOL("serial-tool"),
  /** This operator, the real reconciler against the simulated Kubernetes API. */
  OPERATOR("operator");

  private final String id;

  Way(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
