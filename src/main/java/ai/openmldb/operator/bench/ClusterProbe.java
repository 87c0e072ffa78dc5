package ai.openmldb.operator.bench;

import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedCluster.SimPartitionInfo;
import ai.openmldb.operator.sandbox.SimulatedCluster.SimReplicaInfo;
import ai.openmldb.operator.sandbox.SimulatedCluster.SimTableInfo;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/** Read-only checks of a simulated cluster that every way is judged by, and a polling wait. */
final class ClusterProbe {
  private ClusterProbe() {}

  /**
   * Every replica alive in the metadata and loaded on a running tablet, exactly the recorded
   * leader acts as leader, and no nameserver op is unfinished.
   */
  static boolean healthy(SimulatedCluster cluster) {
    return unhealthy(cluster) == null;
  }

  /** Why the cluster is not healthy, or null when it is. */
  static String unhealthy(SimulatedCluster cluster) {
    if (cluster.nameserverLeader().isEmpty()) {
      return "no nameserver leader";
    }
    if (cluster.pendingOps() > 0) {
      return cluster.pendingOps() + " ops unfinished";
    }
    for (SimTableInfo t : cluster.tables()) {
      for (SimPartitionInfo p : t.partitions()) {
        int leaders = 0;
        for (SimReplicaInfo r : p.replicas()) {
          if (!r.alive() || !r.loaded() || r.leader() != r.actsAsLeader()) {
            return t.name() + "/" + p.pid() + " " + r;
          }
          leaders += r.leader() ? 1 : 0;
        }
        if (leaders != 1) {
          return t.name() + "/" + p.pid() + " has " + leaders + " leaders";
        }
      }
    }
    return null;
  }

  /** {@code db.table/pid} to the endpoint of its alive leader ("-" when none). */
  static Map<String, String> leaders(SimulatedCluster cluster) {
    Map<String, String> out = new TreeMap<>();
    for (SimTableInfo t : cluster.tables()) {
      for (SimPartitionInfo p : t.partitions()) {
        out.put(t.db() + "." + t.name() + "/" + p.pid(),
            p.leader().map(SimReplicaInfo::endpoint).orElse("-"));
      }
    }
    return out;
  }

  /** Leader changes the nameserver carried out (kChangeLeaderOP ops that finished kDone). */
  static long leaderMoves(SimulatedCluster cluster) {
    return cluster.opSummaries().stream()
        .filter(s -> s.contains(" kChangeLeaderOP ") && s.endsWith(" kDone"))
        .count();
  }

  /** Ops that ended kFailed. */
  static long failedOps(SimulatedCluster cluster) {
    return cluster.opSummaries().stream().filter(s -> s.endsWith(" kFailed")).count();
  }

  /** The ops that ended kFailed ({@code op_id type db.name/pid status}). */
  static java.util.List<String> failedOpSummaries(SimulatedCluster cluster) {
    return cluster.opSummaries().stream().filter(s -> s.endsWith(" kFailed")).toList();
  }

  /** Polls {@code condition} every 10 ms; throws when it does not hold within {@code limit}. */
  static void await(String what, Duration limit, BooleanSupplier condition)
      throws InterruptedException {
    await(what, limit, 10, condition);
  }

  /** Polls {@code condition} every {@code pollMs}; throws when it does not hold in time. */
  static void await(String what, Duration limit, long pollMs, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + limit.toSeconds() + "s: " + what);
      }
      Thread.sleep(pollMs);
    }
  }
}
