package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.k8s.ObservedCluster;
import ai.openmldb.operator.k8s.ObservedWorkload;
import ai.openmldb.operator.k8s.Pods;
import ai.openmldb.operator.k8s.WorkloadNames;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.LeaderMoveLedger;
import ai.openmldb.operator.openmldb.NameserverClient;
import ai.openmldb.operator.openmldb.OpStatus;
import ai.openmldb.operator.openmldb.OpenMLDBException;
import ai.openmldb.operator.upgrade.ClusterObservation;
import ai.openmldb.operator.upgrade.ClusterObservation.LedgerState;
import ai.openmldb.operator.upgrade.ClusterObservation.OpenMLDBState;
import ai.openmldb.operator.upgrade.PodState;
import ai.openmldb.operator.upgrade.UpgradeIntent;
import ai.openmldb.operator.upgrade.UpgradeSettings;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Builds the planner's {@link ClusterObservation}: pods from the informer cache (via the
 * reconciler's {@link ObservedCluster}), the nameserver leader and live tablets from ZooKeeper
 * (Curator caches), tables, ops and auto-failover from the nameserver, the ledger from its znode.
 * OpenMLDB that cannot be read is reported, never waited for.
 */
final class RollingUpgradeObserver {
  ClusterObservation observe(ObservedCluster observed, ClusterConnection connection,
      UpgradeIntent intent, Instant now) {
    OpenMLDBCluster cluster = observed.cluster();
    String name = cluster.getMetadata().getName();
    String ns = cluster.getMetadata().getNamespace();
    Map<Component, Integer> desired = new EnumMap<>(Component.class);
    List<PodState> pods = new ArrayList<>();
    for (Component c : Component.values()) {
      ObservedWorkload w = observed.workload(c);
      desired.put(c, w.desiredReplicas());
      for (int i = 0; i < w.desiredReplicas(); i++) {
        final int ordinal = i;
        String podName = WorkloadNames.pod(name, c, i);
        String endpoint = WorkloadNames.endpoint(podName, name, c, ns);
        Optional<Pod> pod = w.pod(podName);
        pods.add(pod.map(p -> new PodState(podName, c, ordinal, p.getMetadata().getUid(),
                true, p.getMetadata().getDeletionTimestamp() != null, Pods.isReady(p),
                w.isUpToDate(p), endpoint))
            .orElse(new PodState(podName, c, ordinal, null, false, false, false,
                false, endpoint)));
      }
    }

    Optional<OpenMLDBState> state = Optional.empty();
    String unavailable = null;
    LedgerState ledger = LedgerState.empty();
    if (connection == null) {
      unavailable = "the ZooKeeper credential Secret (spec.zookeeper.authSecretName) is missing or "
          + "has no key 'auth'";
    } else if (!connection.connected()) {
      unavailable = connection.stateMessage();
    } else {
      try {
        NameserverClient nameserver = connection.nameserver();
        // The ledger znode and auto-failover are read alongside the ops and tables (each read
        // is a round trip; a pass waits for the slowest instead of their sum).
        CompletableFuture<LeaderMoveLedger.Document> ledgerRead =
            SideBySide.start(() -> connection.ledger(ns, name).read());
        CompletableFuture<Boolean> autoFailoverRead =
            SideBySide.start(nameserver::autoFailover);
        Set<String> live = new HashSet<>(connection.view().liveTablets());
        // Ops before tables: an op that finishes between the two reads then still counts as in
        // flight (the planner waits a pass) instead of being finished in the op list while the
        // tables still show the partition before it (fenced, no leader), which made the planner
        // switch that partition a second time to a follower that had not caught up with the new
        // leader: a lost write, seen in the bench once reconciles got faster.
        List<OpStatus> ops = connection.ops().read();
        // the offsets a decision compares (a fenced leader's final one, its candidates') are
        // read live from the tablets: ShowTable's are up to get_table_status_interval old
        var tables = connection.tables().read(ops, live,
            UpgradeSettings.from(cluster.getSpec().getUpgrade()).maxCatchUpLag());
        LeaderMoveLedger.Document doc = SideBySide.join(ledgerRead);
        List<ai.openmldb.operator.openmldb.LedgerEntry> entries = new ArrayList<>();
        doc.tablets().values().forEach(entries::addAll);
        ledger = new LedgerState(Optional.ofNullable(doc.originalAutoFailover()), entries);
        state = Optional.of(new OpenMLDBState(connection.view().nameserverLeader(), live,
            tables, ops, SideBySide.join(autoFailoverRead)));
      } catch (OpenMLDBException e) {
        unavailable = e.getMessage();
      }
    }

    Map<String, String> annotations = cluster.getMetadata().getAnnotations();
    return new ClusterObservation(
        cluster.getSpec().getVersion(),
        cluster.getStatus() == null ? null : cluster.getStatus().getCurrentVersion(),
        desired,
        pods,
        state,
        unavailable,
        ledger,
        intent,
        acknowledgedOps(annotations),
        annotations == null ? null : annotations.get(Labels.RETRY_ANNOTATION),
        UpgradeSettings.from(cluster.getSpec().getUpgrade()),
        now);
  }

  /**
   * Reads what the next {@link #observe} reads from OpenMLDB, in the same order (ops, then the
   * tables planned with them; the ledger alongside), into the connection's kept copies, which that
   * observation uses only while nothing says they changed. Nothing when not connected.
   */
  void prefetch(OpenMLDBCluster cluster, ClusterConnection connection) {
    if (connection == null || !connection.connected()) {
      return;
    }
    CompletableFuture<LeaderMoveLedger.Document> ledgerRead = SideBySide.start(() ->
        connection.ledger(cluster.getMetadata().getNamespace(), cluster.getMetadata().getName())
            .read());
    Set<String> live = new HashSet<>(connection.view().liveTablets());
    List<OpStatus> ops = connection.ops().read();
    connection.tables().read(ops, live,
        UpgradeSettings.from(cluster.getSpec().getUpgrade()).maxCatchUpLag());
    SideBySide.join(ledgerRead);
  }

  /** Op ids from {@code openmldb.ai/acknowledge-failed-ops}; anything unreadable is ignored. */
  static Set<Long> acknowledgedOps(Map<String, String> annotations) {
    String value = annotations == null ? null
        : annotations.get(Labels.ACKNOWLEDGE_FAILED_OPS_ANNOTATION);
    Set<Long> ids = new HashSet<>();
    if (value != null) {
      for (String part : value.split("[,\\s]+")) {
        try {
          ids.add(Long.parseLong(part.trim()));
        } catch (NumberFormatException ignored) {
          // not an op id: nothing is acknowledged by it
        }
      }
    }
    return ids;
  }
}
