package ai.openmldb.operator.openmldb;

import java.util.List;
import java.util.Optional;

/** One partition of a table and its replicas ({@code TablePartition}). */
public record PartitionInfo(int pid, List<ReplicaInfo> replicas) {
  public PartitionInfo {
    replicas = List.copyOf(replicas);
  }

  /** The replica that serves writes: leader and alive. */
  public Optional<ReplicaInfo> servingLeader() {
    return replicas.stream().filter(r -> r.leader() && r.alive()).findFirst();
  }

  /** The replica on one endpoint. */
  public Optional<ReplicaInfo> replicaOn(String endpoint) {
    return replicas.stream().filter(r -> r.endpoint().equals(endpoint)).findFirst();
  }

  /** Alive followers, the candidates for a leader move. */
  public List<ReplicaInfo> aliveFollowers() {
    return replicas.stream().filter(r -> !r.leader() && r.alive()).toList();
  }

  /** True when every replica is alive and exactly one of them leads. */
  public boolean healthy() {
    return replicas.stream().allMatch(ReplicaInfo::alive)
        && replicas.stream().filter(ReplicaInfo::leader).count() == 1;
  }
}
