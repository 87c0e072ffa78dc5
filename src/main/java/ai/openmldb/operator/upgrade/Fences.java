package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.openmldb.ReplicaInfo;
import java.util.List;
import java.util.Optional;

/** Fenced leaders that can safely serve again: their tablet is up and no op will move them. */
final class Fences {
  private Fences() {}

  static List<ReplicaRef> liftable(ClusterObservation obs, Partitions parts) {
    return parts.all().stream()
        .filter(p -> p.serving().isEmpty() && !parts.opInFlight(p))
        .flatMap(p -> p.fencedLeader().filter(r -> tabletUp(obs, r)).map(r -> p.ref(r.endpoint()))
            .stream())
        .toList();
  }

  private static boolean tabletUp(ClusterObservation obs, ReplicaInfo replica) {
    Optional<PodState> pod = obs.pods(Component.TABLET).stream()
        .filter(p -> p.endpoint().equals(replica.endpoint()))
        .findFirst();
    return pod.isPresent() && pod.get().exists() && pod.get().ready()
        && obs.openmldb().map(s -> s.liveTablets().contains(replica.endpoint())).orElse(false)
        && !java.util.Objects.equals(pod.get().uid(), obs.intent().deletedPodUid());
  }
}
