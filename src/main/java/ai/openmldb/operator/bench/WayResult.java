package ai.openmldb.operator.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one way of upgrading did to the cluster, measured from the outside.
 *
 * @param wallSeconds from the version change until every pod runs the new version and the
 *     cluster is healthy again (every replica alive and loaded, no op running)
 * @param leaderlessPartitionSeconds sum over partitions of the time no running tablet held the
 *     partition as leader
 * @param writeUnavailablePartitionSeconds sum over partitions of the time a write was refused
 *     (leaderless, or fenced by the operator while its follower catches up)
 * @param fencedPartitionSeconds the part of the above spent fenced (the operator's write pause)
 * @param acknowledgedWrites writes a leader accepted during the roll
 * @param lostWrites acknowledged writes missing afterwards
 * @param leaderMoves kChangeLeaderOP ops that completed
 * @param failedOps ops that ended kFailed
 * @param leadersRestored every partition's leader is where it was before the roll
 * @param allOnTarget every pod runs the new version
 * @param podWaitSeconds time some pod was not ready (being restarted)
 * @param opWaitSeconds time some nameserver op was unfinished
 * @param busySeconds time the world was busy: a pod restarting, an op running, or a fenced
 *     partition's follower catching up
 * @param overheadSeconds {@code wallSeconds - busySeconds}: the way's own time
 * @param maxLeaderless most partitions leaderless at once
 * @param unhealthyAfter why the cluster was not healthy when the roll ended (null: healthy); a
 *     roll ends when the cluster is healthy or stays quiescent without becoming healthy
 * @param failedOpList the ops that ended kFailed
 * @param series leaderless partitions over time (seconds, count), for the chart
 * @param firstRoll the way's first roll of the cluster when warm-up rolls came before this one
 *     (null otherwise): the same figures for a process that had not rolled before
 * @param measuredRolls every measured roll, in order, when more than one was measured (this one
 *     is their median by wall/busy); empty otherwise
 * @param freshOperatorRoll the operator way's roll by a newly started operator against the warm
 *     cluster, after the measured rolls ({@link FreshOperator}); null otherwise
 */
public record WayResult(
    Way way,
    double wallSeconds,
    double leaderlessPartitionSeconds,
    double writeUnavailablePartitionSeconds,
    double fencedPartitionSeconds,
    long acknowledgedWrites,
    long lostWrites,
    long leaderMoves,
    long failedOps,
    boolean leadersRestored,
    boolean allOnTarget,
    double podWaitSeconds,
    double opWaitSeconds,
    double busySeconds,
    double overheadSeconds,
    int maxLeaderless,
    String unhealthyAfter,
    List<String> failedOpList,
    List<double[]> series,
    WayResult firstRoll,
    List<WayResult> measuredRolls,
    WayResult freshOperatorRoll) {

  /**
   * A way's result from all its rolls, in order: the median of the last {@code measured} by
   * wall/busy (the upper one of an even count), with the first roll's figures when the first roll
   * is not the median itself, and every measured roll.
   */
  static WayResult of(List<WayResult> rolls, int measured) {
    List<WayResult> last = List.copyOf(rolls.subList(rolls.size() - measured, rolls.size()));
    List<WayResult> sorted = new ArrayList<>(last);
    sorted.sort(Comparator.comparingDouble(WayResult::wallOverBusy));
    WayResult median = sorted.get(sorted.size() / 2);
    WayResult first = rolls.get(0);
    return median.with(first == median ? null : first, last.size() > 1 ? last : List.of(), null);
  }

  /** This roll, with the figures of a newly started operator's roll. */
  public WayResult withFreshOperatorRoll(WayResult fresh) {
    return with(firstRoll, measuredRolls, fresh);
  }

  private WayResult with(WayResult first, List<WayResult> measured, WayResult fresh) {
    return new WayResult(way, wallSeconds, leaderlessPartitionSeconds,
        writeUnavailablePartitionSeconds, fencedPartitionSeconds, acknowledgedWrites, lostWrites,
        leaderMoves, failedOps, leadersRestored, allOnTarget, podWaitSeconds, opWaitSeconds,
        busySeconds, overheadSeconds, maxLeaderless, unhealthyAfter, failedOpList, series, first,
        measured, fresh);
  }

  /** Every measured roll: {@link #measuredRolls} or, when only one was measured, this one. */
  public List<WayResult> allMeasured() {
    return measuredRolls == null || measuredRolls.isEmpty() ? List.of(this) : measuredRolls;
  }

  /** {@code wall / busy}: 1.0 means the way never made the world wait for it. */
  public double wallOverBusy() {
    return busySeconds <= 0 ? 0 : wallSeconds / busySeconds;
  }
}
