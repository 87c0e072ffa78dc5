package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.LeaderMoveLedger;
import ai.openmldb.operator.openmldb.NameserverClient;
import ai.openmldb.operator.openmldb.NameserverRpcException;
import ai.openmldb.operator.openmldb.OpenMLDBException;
import ai.openmldb.operator.upgrade.LeaderSwitch;
import ai.openmldb.operator.upgrade.ReplicaRef;
import ai.openmldb.operator.upgrade.UpgradeDecision;
import ai.openmldb.operator.upgrade.UpgradeDecision.AddTemporaryReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedgerEntries;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeletePod;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeleteTemporaryReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.DisableAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecoverTables;
import ai.openmldb.operator.upgrade.UpgradeDecision.RestoreAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.ReviveLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.SwitchLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.UnfenceLeaders;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one {@link UpgradeDecision} with the production clients: the nameserver's RPCs,
 * the operator's ledger znode, pod deletion. Every call is safe to repeat: codes that mean "that
 * is already so" count as success, and a pod is deleted only while it is still the instance the
 * decision names.
 */
final class RollingUpgradeExecutor {
  /** Nameserver calls of one decision in flight at once. */
  static final int PARALLEL_CALLS = 8;
  private static final Logger LOG = LoggerFactory.getLogger(RollingUpgradeExecutor.class);

  /** {@code kTablePartitionIsAlive}: RecoverTable of a replica that is alive already. */
  static final int PARTITION_IS_ALIVE = 311;
  /** {@code kPidAlreadyExists}: AddReplicaNS of a replica that exists already. */
  static final int PID_ALREADY_EXISTS = 317;

  /** What happened; {@code failure} is null on success. */
  record Outcome(String failure) {
    static final Outcome OK = new Outcome(null);

    boolean ok() {
      return failure == null;
    }
  }

  private final KubernetesClient client;

  RollingUpgradeExecutor(KubernetesClient client) {
    this.client = client;
  }

  Outcome execute(UpgradeDecision decision, OpenMLDBCluster cluster, ClusterConnection conn) {
    return execute(decision, cluster, conn, () -> { });
  }

  /**
   * Carries out the decision once {@code recordFirst} (the intent's status write) has returned.
   * Reads the act needs go out meanwhile: a pod deletion's check of the live pod does not wait
   * for the status write, its deletion does. An exception of {@code recordFirst} is thrown and
   * nothing is changed.
   */
  Outcome execute(UpgradeDecision decision, OpenMLDBCluster cluster, ClusterConnection conn,
      Runnable recordFirst) {
    CompletableFuture<Pod> live = null;
    if (decision instanceof DeletePod d) {
      String ns = cluster.getMetadata().getNamespace();
      live = SideBySide.start(() -> client.pods().inNamespace(ns).withName(d.pod()).get());
    }
    recordFirst.run(); // its failure is the reconcile's, as before any act
    try {
      if (decision instanceof DeletePod d) {
        return deletePod(cluster.getMetadata().getNamespace(), d, SideBySide.join(live));
      }
      return run(decision, cluster, conn);
    } catch (OpenMLDBException | KubernetesClientException e) {
      LOG.warn("{}: {} failed: {}", cluster.getMetadata().getName(), decision.describe(),
          e.getMessage());
      return new Outcome(e.getMessage());
    }
  }

  private Outcome run(UpgradeDecision decision, OpenMLDBCluster cluster, ClusterConnection conn) {
    String ns = cluster.getMetadata().getNamespace();
    String name = cluster.getMetadata().getName();
    if (decision instanceof DeletePod d) {
      return deletePod(ns, d, client.pods().inNamespace(ns).withName(d.pod()).get());
    }
    NameserverClient nameserver = conn == null ? null : conn.nameserver();
    LeaderMoveLedger ledger = conn == null ? null : conn.ledger(ns, name);
    if (nameserver == null) {
      return new Outcome("no connection to the cluster's ZooKeeper");
    }
    if (decision instanceof RecordAutoFailover r) {
      ledger.recordOriginalAutoFailover(r.original());
    } else if (decision instanceof DisableAutoFailover) {
      nameserver.setAutoFailover(false);
    } else if (decision instanceof RestoreAutoFailover) {
      nameserver.setAutoFailover(true);
    } else if (decision instanceof RecordLedger r) {
      ledger.putEntries(r.tablet(), r.entries());
    } else if (decision instanceof ClearLedgerEntries c) {
      ledger.clearTablet(c.tablet());
    } else if (decision instanceof ClearLedger) {
      ledger.clear();
    } else if (decision instanceof AddTemporaryReplicas a) {
      return each(a.replicas(), r -> nameserver.addReplica(r.db(), r.table(), r.pid(),
          r.endpoint()), Set.of(PID_ALREADY_EXISTS));
    } else if (decision instanceof FenceLeaders f) {
      return each(f.leaders(), r -> nameserver.updateTableAliveStatus(r.db(), r.table(),
          r.pid(), r.endpoint(), false), Set.of());
    } else if (decision instanceof FenceReplicas f) {
      return each(f.replicas(), r -> nameserver.updateTableAliveStatus(r.db(), r.table(),
          r.pid(), r.endpoint(), false), Set.of());
    } else if (decision instanceof UnfenceLeaders u) {
      return each(u.leaders(), r -> nameserver.updateTableAliveStatus(r.db(), r.table(),
          r.pid(), r.endpoint(), true), Set.of());
    } else if (decision instanceof SwitchLeaders s) {
      Map<ReplicaRef, String> to = new HashMap<>();
      s.switches().forEach(sw -> to.put(sw.from(), sw.to()));
      List<ReplicaRef> froms = s.switches().stream().map(LeaderSwitch::from).toList();
      // an explicit candidate, never "auto": the planner checked it holds every write
      return each(froms, r -> nameserver.changeLeader(r.db(), r.table(), r.pid(), to.get(r)),
          Set.of());
    } else if (decision instanceof RecoverTables r) {
      return each(r.replicas(), x -> nameserver.recoverTable(x.db(), x.table(), x.pid(),
          x.endpoint()), Set.of(PARTITION_IS_ALIVE));
    } else if (decision instanceof ReviveLeaders r) {
      // RecoverTable reloads the only replica from the tablet's disk and marks it alive
      return each(r.leaders(), x -> nameserver.recoverTable(x.db(), x.table(), x.pid(),
          x.endpoint()), Set.of(PARTITION_IS_ALIVE));
    } else if (decision instanceof DeleteTemporaryReplicas d) {
      return each(d.replicas(), x -> nameserver.deleteReplica(x.db(), x.table(), x.pid(),
          x.endpoint()), Set.of());
    }
    return Outcome.OK;
  }

  /** @param live the pod as the API server has it now */
  private Outcome deletePod(String ns, DeletePod d, Pod live) {
    // the informer cache may lag: delete only the very instance the planner chose
    if (live == null || !live.getMetadata().getUid().equals(d.uid())
        || live.getMetadata().getDeletionTimestamp() != null) {
      return Outcome.OK;
    }
    client.pods().inNamespace(ns).withName(d.pod()).delete();
    return Outcome.OK;
  }

  /**
   * Calls {@code call} for each replica, up to {@link #PARALLEL_CALLS} at a time: the partitions
   * of one decision are independent, and a batch of hundreds (a drain's fence wave, a tablet's
   * recoveries) sent one after another made the nameserver's round trips, not its op queues,
   * the bound of a large drain. Codes in {@code alreadyDone} count as success; an error other
   * than the nameserver refusing a call (it is unreachable, say) is thrown once all calls ended.
   */
  private static Outcome each(List<ReplicaRef> refs, Consumer<ReplicaRef> call,
      Set<Integer> alreadyDone) {
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    Semaphore slots = new Semaphore(PARALLEL_CALLS);
    for (ReplicaRef r : refs) {
      slots.acquireUninterruptibly();
      calls.add(SideBySide.start(() -> {
        try {
          call.accept(r);
        } catch (NameserverRpcException e) {
          if (!alreadyDone.contains(e.code())) {
            failures.add(r + ": " + e.getMessage());
          }
        } finally {
          slots.release();
        }
      }));
    }
    RuntimeException other = null;
    for (CompletableFuture<Void> c : calls) {
      try {
        SideBySide.join(c);
      } catch (RuntimeException e) {
        other = other == null ? e : other;
      }
    }
    if (other != null) {
      throw other;
    }
    return failures.isEmpty() ? Outcome.OK
        : new Outcome(failures.size() + " of " + refs.size() + " calls failed: " + failures.get(0));
  }
}
