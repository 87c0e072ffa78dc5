package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.openmldb.ReplicaInfo;
import ai.openmldb.operator.upgrade.ClusterObservation.OpenMLDBState;
import java.util.Optional;

/**
 * The precondition for taking a pod down: every other pod ready, every tablet registered, a
 * nameserver leader, every table healthy and no nameserver op running.
 */
final class HealthGate {
  private HealthGate() {}

  /** What blocks taking {@code candidate} down (null: the final check), or empty. */
  static Optional<String> blocker(
      ClusterObservation obs, OpenMLDBState os, Partitions parts, PodState candidate) {
    for (Component c : Component.UPGRADE_ORDER) {
      for (PodState p : obs.pods(c)) {
        if (candidate != null && p.name().equals(candidate.name())) {
          continue;
        }
        if (!p.exists()) {
          return Optional.of("pod " + p.name() + " does not exist");
        }
        if (!p.ready()) {
          return Optional.of("pod " + p.name() + " is not ready");
        }
        if (c == Component.TABLET && !os.liveTablets().contains(p.endpoint())) {
          return Optional.of("tablet " + p.endpoint() + " is not registered in ZooKeeper");
        }
      }
      if (obs.pods(c).size() < obs.desired(c)) {
        return Optional.of(c.id() + " has fewer pods than spec." + c.id() + ".replicas");
      }
    }
    if (os.nameserverLeader().isEmpty()) {
      return Optional.of("no nameserver holds the leader lock");
    }
    Optional<Partitions.Part> sick = parts.firstUnhealthy();
    if (sick.isPresent()) {
      Partitions.Part p = sick.get();
      String why = p.serving().isEmpty()
          ? "has no alive leader"
          : "has replicas not alive: " + p.partition().replicas().stream()
              .filter(r -> !r.alive()).map(ReplicaInfo::endpoint).toList();
      return Optional.of("partition " + p.name() + " " + why);
    }
    if (parts.anyOpInFlight()) {
      return Optional.of("a nameserver op is still running");
    }
    return Optional.empty();
  }
}
