package ai.openmldb.operator.reconcile;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a rolling cluster's next wake waits after a reconcile ({@link OpenMLDBWakeups}): the
 * shorter of that reconcile's observation and the previous one's. Spacing wakes by an
 * observation's duration keeps the nameserver answering this operator about half of the time at
 * most, and a cluster whose observations are all slow is still read that seldom; but one stalled
 * observation (a GC pause, ZooKeeper or the nameserver pausing once) would hold back the next wake
 * by as long again, after the stall itself (a 90 ms pause cost 180 ms in the bench's trace).
 */
final class ObservationPace {
  private final Map<String, Long> previous = new ConcurrentHashMap<>();

  /** The spacing after a reconcile of {@code cluster} whose last observation took {@code nanos}. */
  Duration after(String cluster, long nanos) {
    Long before = previous.put(cluster, nanos);
    return Duration.ofNanos(before == null ? nanos : Math.min(before, nanos));
  }

  /** The cluster is not rolling: its next roll starts afresh. */
  void forget(String cluster) {
    previous.remove(cluster);
  }
}
