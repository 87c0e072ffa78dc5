package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.UpgradeStatus;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader switch counters ({@code status.upgrade.leadersMoved}, {@code leadersRestored}) this
 * operator last wrote, per cluster and roll. A reconcile can start from an informer copy older
 * than the last status patch; its closing patch would then write older, smaller counters back.
 * Counters only grow within a roll, so a reconcile's copy is raised to what was written.
 */
final class SwitchCounts {
  private record Written(String rollStartedAt, int moved, int restored) {}

  private final Map<String, Written> written = new ConcurrentHashMap<>();

  /** Records the counters just written for the roll {@code st} describes. */
  void remember(String cluster, UpgradeStatus st) {
    written.put(cluster, new Written(st.getStartedAt(), st.getLeadersMoved(),
        st.getLeadersRestored()));
  }

  /** Raises the copy's counters to the last written ones of the same roll. */
  void keepAtLeast(String cluster, UpgradeStatus st) {
    Written w = written.get(cluster);
    if (w == null || st == null || !Objects.equals(w.rollStartedAt(), st.getStartedAt())) {
      return;
    }
    st.setLeadersMoved(Math.max(st.getLeadersMoved(), w.moved()));
    st.setLeadersRestored(Math.max(st.getLeadersRestored(), w.restored()));
  }
}
