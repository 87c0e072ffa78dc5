package ai.openmldb.operator.sandbox;

import java.util.List;

/**
 * What a {@link WriteLoadGenerator} saw.
 *
 * @param acknowledged writes a leader accepted
 * @param refused attempts refused (no alive leader, leader down or fenced)
 * @param present acknowledged writes found in the partition's data when the report was made
 * @param lost acknowledged writes no longer there ({@code acknowledged - present})
 * @param lostWrites the lost writes (up to 50), as {@code db.table/pid#id}
 * @param writeUnavailablePartitionSeconds sum over partitions of the time a write was refused
 * @param leaderlessPartitionSeconds sum over partitions of the time no running tablet led them (a fenced leader still leads)
 * @param seconds how long the generator ran
 */
public record WriteLoadReport(
    long acknowledged,
    long refused,
    long present,
    long lost,
    List<String> lostWrites,
    double writeUnavailablePartitionSeconds,
    double leaderlessPartitionSeconds,
    double seconds) {

  @Override
  public String toString() {
    return String.format(
        "writes acknowledged=%d refused=%d present=%d lost=%d; partition-seconds write-unavailable=%.2f leaderless=%.2f over %.1fs",
        acknowledged, refused, present, lost, writeUnavailablePartitionSeconds,
        leaderlessPartitionSeconds, seconds);
  }
}
