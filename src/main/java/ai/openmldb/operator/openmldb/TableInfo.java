package ai.openmldb.operator.openmldb;

import java.util.List;

/** A table as {@code ShowTable} reports it ({@code TableInfo}). */
public record TableInfo(
    String db, String name, int tid, int partitionNum, int replicaNum, List<PartitionInfo> partitions) {
  public TableInfo {
    partitions = List.copyOf(partitions);
  }

  /** Every partition healthy: the official tool's "all ok" per table. */
  public boolean healthy() {
    return partitions.stream().allMatch(PartitionInfo::healthy);
  }

  public PartitionInfo partition(int pid) {
    return partitions.stream()
        .filter(p -> p.pid() == pid)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(db + "." + name + " has no partition " + pid));
  }
}
