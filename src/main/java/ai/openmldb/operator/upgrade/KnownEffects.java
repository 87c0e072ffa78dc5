package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.openmldb.LedgerEntry;
import ai.openmldb.operator.openmldb.PartitionInfo;
import ai.openmldb.operator.openmldb.ReplicaInfo;
import ai.openmldb.operator.openmldb.TableInfo;
import ai.openmldb.operator.upgrade.ClusterObservation.LedgerState;
import ai.openmldb.operator.upgrade.ClusterObservation.OpenMLDBState;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedgerEntries;
import ai.openmldb.operator.upgrade.UpgradeDecision.DisableAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.RestoreAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.Resume;
import ai.openmldb.operator.upgrade.UpgradeDecision.StartRoll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The observation as it stands right after a decision was carried out successfully, when the
 * decision's whole effect on what the planner looks at is known (pure). The next decision of a
 * chain is then taken from it instead of from a fresh read of ZooKeeper and the nameserver:
 * a fresh read would show the same thing plus whatever changed meanwhile in the world, and the
 * planner is safe on any consistent observation, however old (it would be what a slower operator
 * saw).
 *
 * <p>Known: the intent (a started or resumed roll), the ledger (what was written is what is
 * stored: compare-and-set), the auto-failover setting ({@code ConfSet} answered ok), and replicas
 * marked not alive before a restart (followers: nothing else changes with them). Not known, so
 * read again: a fence (the leader's final offset and whether a follower has it), anything that
 * creates nameserver ops, a pod deletion.
 */
public final class KnownEffects {
  private KnownEffects() {}

  /**
   * @param intent the intent after the decision (its position, target, ...)
   * @param now the time of the next decision
   * @return the observation with the decision's effect applied, or empty when it must be read
   */
  public static Optional<ClusterObservation> after(ClusterObservation obs, UpgradeDecision d,
      UpgradeIntent intent, Instant now) {
    LedgerState ledger = obs.ledger();
    Optional<OpenMLDBState> os = obs.openmldb();
    if (d instanceof StartRoll || d instanceof Resume) {
      // status only
    } else if (d instanceof RecordAutoFailover r) {
      // only the first record of a roll is written (the ledger keeps the original)
      ledger = new LedgerState(
          Optional.of(ledger.originalAutoFailover().orElse(r.original())), ledger.entries());
    } else if (d instanceof DisableAutoFailover && os.isPresent()) {
      os = Optional.of(withAutoFailover(os.get(), false));
    } else if (d instanceof RestoreAutoFailover && os.isPresent()) {
      os = Optional.of(withAutoFailover(os.get(), true));
    } else if (d instanceof RecordLedger r) {
      List<LedgerEntry> entries = withoutTablet(ledger.entries(), r.tablet());
      entries.addAll(r.entries());
      ledger = new LedgerState(ledger.originalAutoFailover(), entries);
    } else if (d instanceof ClearLedgerEntries c) {
      ledger = new LedgerState(ledger.originalAutoFailover(),
          withoutTablet(ledger.entries(), c.tablet()));
    } else if (d instanceof ClearLedger) {
      ledger = LedgerState.empty();
    } else if (d instanceof FenceReplicas f && os.isPresent() && followersOnly(os.get(), f)) {
      os = Optional.of(withNotAlive(os.get(), f.replicas()));
    } else {
      return Optional.empty();
    }
    return Optional.of(new ClusterObservation(obs.targetVersion(), obs.currentVersion(),
        obs.desiredReplicas(), obs.pods(), os, obs.openmldbUnavailable(), ledger, intent,
        obs.acknowledgedFailedOps(), obs.retryToken(), obs.settings(), now));
  }

  private static OpenMLDBState withAutoFailover(OpenMLDBState s, boolean on) {
    return new OpenMLDBState(s.nameserverLeader(), s.liveTablets(), s.tables(), s.ops(), on);
  }

  private static List<LedgerEntry> withoutTablet(List<LedgerEntry> entries, String tablet) {
    List<LedgerEntry> out = new ArrayList<>(entries.size());
    for (LedgerEntry e : entries) {
      if (!e.tablet().equals(tablet)) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Only followers are marked (the planner's FenceReplicas), or a leader whose partition has no
   * other replica: marking either changes no other replica in OpenMLDB.
   */
  private static boolean followersOnly(OpenMLDBState s, FenceReplicas f) {
    Set<String> marked = keys(f.replicas());
    for (TableInfo t : s.tables()) {
      for (PartitionInfo p : t.partitions()) {
        for (ReplicaInfo r : p.replicas()) {
          if (r.leader() && p.replicas().size() > 1
              && marked.contains(key(t.db(), t.name(), p.pid(), r.endpoint()))) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static OpenMLDBState withNotAlive(OpenMLDBState s, List<ReplicaRef> refs) {
    Set<String> marked = keys(refs);
    List<TableInfo> tables = new ArrayList<>(s.tables().size());
    for (TableInfo t : s.tables()) {
      List<PartitionInfo> parts = new ArrayList<>(t.partitions().size());
      boolean changed = false;
      for (PartitionInfo p : t.partitions()) {
        List<ReplicaInfo> replicas = new ArrayList<>(p.replicas().size());
        boolean partChanged = false;
        for (ReplicaInfo r : p.replicas()) {
          if (r.alive() && marked.contains(key(t.db(), t.name(), p.pid(), r.endpoint()))) {
            replicas.add(new ReplicaInfo(r.endpoint(), r.leader(), false, r.offset()));
            partChanged = true;
          } else {
            replicas.add(r);
          }
        }
        parts.add(partChanged ? new PartitionInfo(p.pid(), replicas) : p);
        changed |= partChanged;
      }
      tables.add(changed
          ? new TableInfo(t.db(), t.name(), t.tid(), t.partitionNum(), t.replicaNum(), parts)
          : t);
    }
    return new OpenMLDBState(s.nameserverLeader(), s.liveTablets(), tables, s.ops(),
        s.autoFailover());
  }

  private static Set<String> keys(List<ReplicaRef> refs) {
    Set<String> keys = new HashSet<>();
    for (ReplicaRef r : refs) {
      keys.add(key(r.db(), r.table(), r.pid(), r.endpoint()));
    }
    return keys;
  }

  private static String key(String db, String table, int pid, String endpoint) {
    return db + "\u0000" + table + "\u0000" + pid + "\u0000" + endpoint;
  }
}
