package ai.openmldb.operator.bench;

final class ScaleCheck {
  private ScaleCheck() {}

  static ScaleResult run(int tablets, int partitions) {
    return new ScaleResult(tablets, partitions);
  }
}
