package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.openmldb.ClusterConnection;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaches a cluster's nameserver once per connection, in the background, while nothing rolls:
 * one {@code ConfGet} and one {@code ShowOPStatus}. The first observation of a roll otherwise
 * pays, on the roll's critical path, for opening the HTTP connection and, in an operator that has
 * not called a nameserver since it started, for loading the HTTP client and the reply parser
 * (~150 ms in the bench, where it was the largest single cost before the first pod deletion).
 * Like the ZooKeeper session kept warm, it is no polling: at most one pair of reads per
 * connection, and none again while the connection lives.
 */
final class NameserverPrimer {
  private static final Logger LOG = LoggerFactory.getLogger(NameserverPrimer.class);

  private final Set<ClusterConnection> primed =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /**
   * Starts the reads unless this connection was primed already or cannot be used yet (no
   * session, or no nameserver holds the leader lock yet). Reads that fail leave the connection
   * unprimed, so a later reconcile tries again.
   */
  void prime(ClusterConnection connection) {
    if (connection == null || !connection.connected()
        || connection.view().nameserverLeader().isEmpty() || !primed.add(connection)) {
      return;
    }
    SideBySide.start(() -> {
      try {
        connection.nameserver().autoFailover();
        // not through the roll's kept op list: the roll's first pass reads its own ops
        connection.nameserver().showOpStatus();
      } catch (RuntimeException e) {
        // only a head start: the roll reads for itself and reports what it cannot read
        primed.remove(connection);
        LOG.debug("priming the nameserver of {} failed: {}", connection.rootPath(), e.toString());
      }
    });
  }

  boolean primed(ClusterConnection connection) {
    return primed.contains(connection);
  }
}
