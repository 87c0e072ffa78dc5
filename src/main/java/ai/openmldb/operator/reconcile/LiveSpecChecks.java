package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.SpecProblem;
import ai.openmldb.operator.k8s.ObservedCluster;
import ai.openmldb.operator.k8s.ObservedWorkload;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpenMLDBException;
import ai.openmldb.operator.openmldb.TableInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Problems of a spec that only the live cluster shows, checked before anything is applied: the
 * ZooKeeper credential Secret must exist with its key, and tablets may not be scaled below the
 * largest replica count of a table (the nameserver could not place the replicas; the removed
 * tablets' replicas would be dropped). Like {@link SpecValidator}'s problems, any of them means
 * the reconciler changes nothing.
 */
final class LiveSpecChecks {
  private final KubernetesClient client;
  private final BiFunction<OpenMLDBCluster, ZooKeeperCredential, ClusterConnection> connect;
  /** Per cluster, the largest table replica count last read (used while OpenMLDB is unreadable). */
  private final Map<String, Widest> lastSeen = new ConcurrentHashMap<>();

  private record Widest(String table, int replicas) {}

  LiveSpecChecks(KubernetesClient client,
      BiFunction<OpenMLDBCluster, ZooKeeperCredential, ClusterConnection> connect) {
    this.client = client;
    this.connect = connect;
  }

  /** @param observed the cluster and its StatefulSets as they are (before this reconcile applies) */
  List<SpecProblem> check(ObservedCluster observed) {
    OpenMLDBCluster cluster = observed.cluster();
    ZooKeeperCredential credential = ZooKeeperCredential.read(client, cluster);
    if (credential.problem() != null) {
      return List.of(credential.problem());
    }
    return checkTabletScaleDown(observed, credential).stream().toList();
  }

  /** Fewer tablets than the StatefulSet has now: only down to the largest table replica count. */
  private Optional<SpecProblem> checkTabletScaleDown(ObservedCluster observed,
      ZooKeeperCredential credential) {
    OpenMLDBCluster cluster = observed.cluster();
    Integer wanted = cluster.getSpec().getTablet() == null ? null
        : cluster.getSpec().getTablet().getReplicas();
    ObservedWorkload tablets = observed.workload(Component.TABLET);
    if (wanted == null || tablets.statefulSet() == null
        || tablets.statefulSet().getSpec().getReplicas() == null
        || wanted >= tablets.statefulSet().getSpec().getReplicas()) {
      return Optional.empty();
    }
    int running = tablets.statefulSet().getSpec().getReplicas();
    String key = cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
    String unreadable = null;
    ClusterConnection conn = connect.apply(cluster, credential);
    if (conn != null && conn.connected()) {
      try {
        List<TableInfo> tables = conn.nameserver().showTables();
        Widest widest = tables.stream()
            .map(t -> new Widest(t.db() + "." + t.name(), replicas(t)))
            .max(Comparator.comparingInt(Widest::replicas))
            .orElse(new Widest(null, 0));
        lastSeen.put(key, widest);
      } catch (OpenMLDBException e) {
        unreadable = e.getMessage();
      }
    } else {
      unreadable = conn == null ? "the ZooKeeper credential Secret cannot be read"
          : conn.stateMessage();
    }
    Widest widest = lastSeen.get(key);
    if (widest == null) {
      return Optional.of(new SpecProblem("spec.tablet.replicas",
          "lowers the tablets from " + running + " to " + wanted + ", which is only safe down to "
              + "the largest table replica count, and the tables cannot be read: " + unreadable,
          "set spec.tablet.replicas back to " + running + ", or wait until OpenMLDB is reachable "
              + "(checked again every few seconds)"));
    }
    if (widest.replicas() > wanted) {
      return Optional.of(new SpecProblem("spec.tablet.replicas",
          "is " + wanted + " but table " + widest.table() + " keeps " + widest.replicas()
              + " replicas of each partition, each on its own tablet: removing tablets would drop "
              + "replicas",
          "keep at least " + widest.replicas() + " tablets (the largest table replica count), "
              + "or lower the tables' replica count first"));
    }
    return Optional.empty();
  }

  private static int replicas(TableInfo t) {
    int configured = t.replicaNum();
    return configured > 0 ? configured
        : t.partitions().stream().mapToInt(p -> p.replicas().size()).max().orElse(0);
  }
}
