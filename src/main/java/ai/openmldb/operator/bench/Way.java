package ai.openmldb.operator.bench;

/** A way of upgrading a cluster that the benchmark compares. */
public enum Way {
  /** What a StatefulSet RollingUpdate does: restart pods in order, rely on auto-failover. */
  NAIVE("naive"),
  /** The official tool run as a script: one leader at a time, waiting for each op. */
  SERIAL("serial"),
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
