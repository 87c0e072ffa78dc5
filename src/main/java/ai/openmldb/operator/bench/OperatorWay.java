package ai.openmldb.operator.bench;

/** The operator way: the real reconciler against the simulated Kubernetes API. */
final class OperatorWay {
  private OperatorWay() {}

  static WayResult run(BenchOptions o, String zkConnect) throws Exception {
    throw new UnsupportedOperationException("the operator's rolling upgrade is not wired yet");
  }
}
