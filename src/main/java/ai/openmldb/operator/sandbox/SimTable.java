package ai.openmldb.operator.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The nameserver's metadata of one table ({@code TableInfo}): partitions, and per partition the
 * replicas ({@code PartitionMeta}: endpoint, is_leader, is_alive) and the term history. Guarded
 * by the owning {@link SimulatedCluster}'s lock.
 */
final class SimTable {
  final String db;
  final String name;
  final int tid;
  final int replicaNum;
  final List<Partition> partitions = new ArrayList<>();

  SimTable(String db, String name, int tid, int replicaNum) {
    this.db = db;
    this.name = name;
    this.tid = tid;
    this.replicaNum = replicaNum;
  }

  /**
   * The partition {@code pid}: at index {@code pid}, where a table's partitions are created. Every
   * write of the load and every op looks a partition up under the cluster lock; a scan of a
   * 20,000-partition table per lookup held the lock so long that the op queues fell well behind
   * the op latency (a one-table drain of 10,000 leaders: 410.6 s, 260.7 s since, against a 250 s
   * queue bound).
   */
  Optional<Partition> partition(int pid) {
    if (pid >= 0 && pid < partitions.size() && partitions.get(pid).pid == pid) {
      return Optional.of(partitions.get(pid));
    }
    return partitions.stream().filter(p -> p.pid == pid).findFirst();
  }

  static final class Partition {
    final int pid;
    final List<Meta> replicas = new ArrayList<>();
    final List<long[]> termOffsets = new ArrayList<>();
    long term;

    Partition(int pid) {
      this.pid = pid;
    }

    Optional<Meta> replica(String endpoint) {
      return replicas.stream().filter(m -> m.endpoint.equals(endpoint)).findFirst();
    }

    /** is_leader and is_alive: where clients send writes. */
    Optional<Meta> servingLeader() {
      return replicas.stream().filter(m -> m.leader && m.alive).findFirst();
    }
  }

  static final class Meta {
    final String endpoint;
    boolean leader;
    boolean alive;
    /**
     * The replica's offset and whether its tablet holds it, as of the nameserver's last refresh
     * from the tablets ({@code UpdateTableStatusFun}: {@code offset}, {@code
     * tablet_has_partition}); what {@code ShowTable} shows.
     */
    long reportedOffset;
    boolean reportedLoaded;

    Meta(String endpoint, boolean leader, boolean alive) {
      this.endpoint = endpoint;
      this.leader = leader;
      this.alive = alive;
    }
  }
}
