package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.api.SingleReplicaPolicy;
import ai.openmldb.operator.api.UpgradeSpec;
import java.time.Duration;

/**
 * The roll's knobs, from {@code spec.upgrade} with defaults filled in.
 *
 * @param maxCatchUpLag a replica within this many entries of its leader counts as caught up for
 *     recovery and is close enough to be fenced for; the switch itself waits for an exact match
 * @param fenceTimeout how long a partition may stay fenced (not writable) waiting for its
 *     candidate to reach the final offset before the fence is lifted and the roll halts
 */
public record UpgradeSettings(
    boolean paused,
    SingleReplicaPolicy singleReplicaPolicy,
    int maxConcurrentLeaderMoves,
    Duration podReadyTimeout,
    Duration leaderMoveTimeout,
    Duration catchUpTimeout,
    Duration fenceTimeout,
    long maxCatchUpLag) {

  public static final long DEFAULT_MAX_CATCH_UP_LAG = 1000;
  public static final Duration DEFAULT_FENCE_TIMEOUT = Duration.ofSeconds(30);

  public static UpgradeSettings defaults() {
    return from(new UpgradeSpec());
  }

  /** Reads a (possibly partial or null) spec block, using the CRD defaults for missing values. */
  public static UpgradeSettings from(UpgradeSpec spec) {
    UpgradeSpec d = new UpgradeSpec();
    UpgradeSpec s = spec == null ? d : spec;
    Duration move = seconds(s.getLeaderMoveTimeoutSeconds(), d.getLeaderMoveTimeoutSeconds());
    return new UpgradeSettings(
        Boolean.TRUE.equals(s.getPaused()),
        s.getSingleReplicaPolicy() == null ? d.getSingleReplicaPolicy() : s.getSingleReplicaPolicy(),
        Math.max(1, or(s.getMaxConcurrentLeaderMoves(), d.getMaxConcurrentLeaderMoves())),
        seconds(s.getPodReadyTimeoutSeconds(), d.getPodReadyTimeoutSeconds()),
        move,
        seconds(s.getCatchUpTimeoutSeconds(), d.getCatchUpTimeoutSeconds()),
        move.compareTo(DEFAULT_FENCE_TIMEOUT) < 0 ? move : DEFAULT_FENCE_TIMEOUT,
        DEFAULT_MAX_CATCH_UP_LAG);
  }

  public UpgradeSettings withPaused(boolean value) {
    return new UpgradeSettings(value, singleReplicaPolicy, maxConcurrentLeaderMoves, podReadyTimeout,
        leaderMoveTimeout, catchUpTimeout, fenceTimeout, maxCatchUpLag);
  }

  public UpgradeSettings withSingleReplicaPolicy(SingleReplicaPolicy value) {
    return new UpgradeSettings(paused, value, maxConcurrentLeaderMoves, podReadyTimeout,
        leaderMoveTimeout, catchUpTimeout, fenceTimeout, maxCatchUpLag);
  }

  public UpgradeSettings withMaxConcurrentLeaderMoves(int value) {
    return new UpgradeSettings(paused, singleReplicaPolicy, value, podReadyTimeout,
        leaderMoveTimeout, catchUpTimeout, fenceTimeout, maxCatchUpLag);
  }

  public UpgradeSettings withFenceTimeout(Duration value) {
    return new UpgradeSettings(paused, singleReplicaPolicy, maxConcurrentLeaderMoves,
        podReadyTimeout, leaderMoveTimeout, catchUpTimeout, value, maxCatchUpLag);
  }

  /** The watchdog of a step: how long it may wait without progress before the roll halts. */
  public Duration timeoutOf(Step step) {
    return switch (step) {
      case Restart -> podReadyTimeout;
      case MoveLeaders, RestoreLeaders -> leaderMoveTimeout;
      default -> catchUpTimeout;
    };
  }

  private static int or(Integer value, Integer fallback) {
    return value == null ? fallback : value;
  }

  private static Duration seconds(Integer value, Integer fallback) {
    return Duration.ofSeconds(Math.max(1, or(value, fallback)));
  }
}
