package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.openmldb.OpStatus;
import ai.openmldb.operator.openmldb.PartitionInfo;
import ai.openmldb.operator.openmldb.ReplicaInfo;
import ai.openmldb.operator.openmldb.TableInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Queries over the nameserver's tables and ops that the planner asks again and again. */
final class Partitions {
  private final List<Part> all = new ArrayList<>();
  private final Map<String, Part> byKey = new HashMap<>();
  private final List<OpStatus> ops;
  private final Set<String> inFlight = new HashSet<>();
  private final Map<String, Long> replicaCounts = new HashMap<>();
  private final Map<String, Long> leaderCounts = new HashMap<>();

  Partitions(List<TableInfo> tables, List<OpStatus> ops) {
    this.ops = ops;
    for (TableInfo t : tables) {
      for (PartitionInfo p : t.partitions()) {
        Part part = new Part(t, p);
        all.add(part);
        byKey.putIfAbsent(key(t.db(), t.name(), p.pid()), part);
        for (ReplicaInfo r : p.replicas()) {
          replicaCounts.merge(r.endpoint(), 1L, Long::sum);
        }
        part.serving().ifPresent(r -> leaderCounts.merge(r.endpoint(), 1L, Long::sum));
      }
    }
    for (OpStatus o : ops) {
      if (!o.finished()) {
        inFlight.add(key(o.db(), o.name(), o.pid()));
      }
    }
  }

  private static String key(String db, String table, int pid) {
    return db + "/" + table + "/" + pid;
  }

  /** One partition with its table, as the planner walks them. */
  record Part(TableInfo table, PartitionInfo partition) {
    ReplicaRef ref(String endpoint) {
      return new ReplicaRef(table.db(), table.name(), table.tid(), partition.pid(), endpoint);
    }

    Optional<ReplicaInfo> on(String endpoint) {
      return partition.replicaOn(endpoint);
    }

    Optional<ReplicaInfo> serving() {
      return partition.servingLeader();
    }

    /** A leader entry that is not alive: fenced by the operator, or left by a leader change. */
    Optional<ReplicaInfo> fencedLeader() {
      return partition.replicas().stream().filter(r -> r.leader() && !r.alive()).findFirst();
    }

    boolean singleReplica() {
      return partition.replicas().size() == 1;
    }

    String name() {
      return table.db() + "." + table.name() + "/" + partition.pid();
    }
  }

  List<Part> all() {
    return all;
  }

  /** Partitions with a replica on the endpoint. */
  List<Part> on(String endpoint) {
    return all().stream().filter(p -> p.on(endpoint).isPresent()).toList();
  }

  Optional<Part> find(String db, String table, int pid) {
    return Optional.ofNullable(byKey.get(key(db, table, pid)));
  }

  /** An op on this partition has not finished: its state is about to change. */
  boolean opInFlight(Part part) {
    return inFlight.contains(key(part.table().db(), part.table().name(), part.partition().pid()));
  }

  boolean anyOpInFlight() {
    return !inFlight.isEmpty();
  }

  /** The first unhealthy partition, for messages. */
  Optional<Part> firstUnhealthy() {
    return all().stream().filter(p -> !p.partition().healthy()).findFirst();
  }

  /** Number of replicas each endpoint holds, to place temporary replicas like the official tool. */
  long replicaCount(String endpoint) {
    return replicaCounts.getOrDefault(endpoint, 0L);
  }

  /** Number of partitions each endpoint serves as leader, to spread moved leaders. */
  long leaderCount(String endpoint) {
    return leaderCounts.getOrDefault(endpoint, 0L);
  }
}
