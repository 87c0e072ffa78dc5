package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.api.Component;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The order pods are rolled in: nameservers (followers first, the ZooKeeper-elected leader last),
 * then tablets, apiservers and taskmanagers, each by ordinal.
 */
public final class RollOrder {
  private RollOrder() {}

  /** Every desired pod in roll order. */
  public static List<PodState> ordered(ClusterObservation obs, Optional<String> nameserverLeader) {
    List<PodState> out = new ArrayList<>();
    for (Component c : Component.UPGRADE_ORDER) {
      List<PodState> pods = new ArrayList<>(obs.pods(c));
      if (c == Component.NAMESERVER) {
        // stable sort: the leader moves to the end, the followers keep their ordinal order
        pods.sort(Comparator.comparing(p -> isLeader(p, nameserverLeader)));
      }
      out.addAll(pods);
    }
    return out;
  }

  /** Names of the pods that need a restart, in roll order: the plan shown in status. */
  public static List<String> plan(ClusterObservation obs, Optional<String> nameserverLeader) {
    return ordered(obs, nameserverLeader).stream()
        .filter(p -> p.exists() && !p.upToDate())
        .map(PodState::name)
        .toList();
  }

  /** The first pod that runs an old revision, if any. */
  public static Optional<PodState> next(ClusterObservation obs, Optional<String> nameserverLeader) {
    return ordered(obs, nameserverLeader).stream()
        .filter(p -> p.exists() && !p.upToDate())
        .findFirst();
  }

  static boolean isLeader(PodState pod, Optional<String> nameserverLeader) {
    return nameserverLeader.map(l -> l.equals(pod.endpoint())).orElse(false);
  }
}
