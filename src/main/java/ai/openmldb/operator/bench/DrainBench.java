package ai.openmldb.operator.bench;

final class DrainBench {
  private DrainBench() {}

  static DrainResult run(BenchOptions o, String zk) {
    return new DrainResult(o.drain(), 0, 0, 0);
  }
}
