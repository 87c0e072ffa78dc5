package ai.openmldb.operator.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.openmldb.LedgerEntry;
import ai.openmldb.operator.openmldb.OpStatus;
import ai.openmldb.operator.openmldb.PartitionInfo;
import ai.openmldb.operator.openmldb.ReplicaInfo;
import ai.openmldb.operator.openmldb.TableInfo;
import ai.openmldb.operator.upgrade.ClusterObservation.LedgerState;
import ai.openmldb.operator.upgrade.ClusterObservation.OpenMLDBState;
import ai.openmldb.operator.upgrade.UpgradeDecision.AddTemporaryReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedgerEntries;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeletePod;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeleteTemporaryReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.DisableAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.Done;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.Halt;
import ai.openmldb.operator.upgrade.UpgradeDecision.Idle;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecoverTables;
import ai.openmldb.operator.upgrade.UpgradeDecision.RestoreAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.ReviveLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.SwitchLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.UnfenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small in-memory model of a cluster (pods, OpenMLDB metadata, ledger, status intent) that
 * applies the planner's decisions the way the executor and OpenMLDB would, and checks the roll's
 * invariants on every disruptive act. Time only moves when the test or a Wait moves it.
 */
final class PlannerWorld {
  static final class Pod {
    final String name;
    final Component component;
    final int ordinal;
    String uid;
    boolean exists = true;
    boolean ready = true;
    boolean upToDate = true;
    /** A pod that never becomes ready after its restart (a bad image). */
    boolean stuck;

    Pod(String name, Component component, int ordinal, String uid) {
      this.name = name;
      this.component = component;
      this.ordinal = ordinal;
      this.uid = uid;
    }

    String endpoint() {
      return name + ":" + component.port();
    }

    PodState state() {
      return new PodState(name, component, ordinal, exists ? uid : null, exists, false, exists && ready,
          upToDate, endpoint());
    }
  }

  static final class Replica {
    final String endpoint;
    boolean leader;
    boolean alive = true;
    long offset;

    Replica(String endpoint, boolean leader, long offset) {
      this.endpoint = endpoint;
      this.leader = leader;
      this.offset = offset;
    }
  }

  static final class Part {
    final String db;
    final String table;
    final int tid;
    final int pid;
    final List<Replica> replicas = new ArrayList<>();
    /** Writes the clients had acknowledged on this partition's serving leaders. */
    long acknowledged;

    Part(String db, String table, int tid, int pid) {
      this.db = db;
      this.table = table;
      this.tid = tid;
      this.pid = pid;
    }

    Optional<Replica> on(String ep) {
      return replicas.stream().filter(r -> r.endpoint.equals(ep)).findFirst();
    }

    Optional<Replica> serving() {
      return replicas.stream().filter(r -> r.leader && r.alive).findFirst();
    }
  }

  final UpgradePlanner planner = new UpgradePlanner();
  final Map<Component, Integer> desired = new EnumMap<>(Component.class);
  final Map<String, Pod> pods = new LinkedHashMap<>();
  final List<Part> parts = new ArrayList<>();
  final List<OpStatus> ops = new ArrayList<>();
  final Set<String> live = new HashSet<>();
  /** Endpoints whose replication is broken: their replicas stop catching up. */
  final Set<String> stuckReplication = new HashSet<>();
  final Set<Long> acked = new HashSet<>();
  final List<UpgradeDecision> log = new ArrayList<>();
  final List<String> restarts = new ArrayList<>();
  Optional<Boolean> ledgerAutoFailover = Optional.empty();
  final List<LedgerEntry> ledger = new ArrayList<>();
  boolean autoFailover = true;
  boolean openmldbReachable = true;
  String nameserverLeader;
  UpgradeIntent intent = UpgradeIntent.none();
  UpgradeSettings settings = UpgradeSettings.defaults();
  Instant now = Instant.parse("2026-11-30T05:00:00Z");
  String currentVersion = "0.8.5";
  String targetVersion = "0.8.5";
  String retryAnnotation;
  int uids;
  long maxFencedAtOnce;
  long leaderlessTicks;

  static PlannerWorld of(int nameservers, int tablets, int apiservers, int taskmanagers) {
    PlannerWorld w = new PlannerWorld();
    w.add(Component.NAMESERVER, nameservers);
    w.add(Component.TABLET, tablets);
    w.add(Component.APISERVER, apiservers);
    w.add(Component.TASKMANAGER, taskmanagers);
    w.nameserverLeader = nameservers > 0 ? w.pod("demo-nameserver-0").endpoint() : null;
    return w;
  }

  private void add(Component c, int n) {
    desired.put(c, n);
    for (int i = 0; i < n; i++) {
      Pod p = new Pod("demo-" + c.id() + "-" + i, c, i, "uid-" + (uids++));
      pods.put(p.name, p);
      if (c == Component.TABLET) {
        live.add(p.endpoint());
      }
    }
  }

  Pod pod(String name) {
    return pods.get(name);
  }

  String tablet(int i) {
    return pod("demo-tablet-" + i).endpoint();
  }

  /** A table whose partition p is led by tablet (p % n) with followers on the next tablets. */
  PlannerWorld table(String name, int partitions, int replicas) {
    return table(name, partitions, replicas, 0);
  }

  /** The same placement from tablet {@code first}: partition p led by tablet (first + p) % n. */
  PlannerWorld table(String name, int partitions, int replicas, int first) {
    int n = desired.get(Component.TABLET);
    int tid = parts.stream().mapToInt(p -> p.tid).max().orElse(0) + 1;
    for (int pid = 0; pid < partitions; pid++) {
      Part part = new Part("db", name, tid, pid);
      for (int r = 0; r < replicas; r++) {
        part.replicas.add(new Replica(tablet((first + pid + r) % n), r == 0, 100));
      }
      parts.add(part);
    }
    return this;
  }

  Part part(String table, int pid) {
    return parts.stream().filter(p -> p.table.equals(table) && p.pid == pid).findFirst()
        .orElseThrow();
  }

  PlannerWorld bump(String version) {
    targetVersion = version;
    pods.values().forEach(p -> p.upToDate = !p.exists ? p.upToDate : false);
    return this;
  }

  /** Template changed back: pods created from the old revision become up to date again. */
  void revertTo(String version, Set<String> podsOnReverted) {
    targetVersion = version;
    pods.values().forEach(p -> p.upToDate = podsOnReverted.contains(p.name));
  }

  ClusterObservation observe() {
    List<TableInfo> tables = new ArrayList<>();
    Map<String, List<Part>> byTable = new LinkedHashMap<>();
    parts.forEach(p -> byTable.computeIfAbsent(p.table, k -> new ArrayList<>()).add(p));
    byTable.forEach((name, ps) -> tables.add(new TableInfo("db", name, ps.get(0).tid, ps.size(),
        ps.get(0).replicas.size(), ps.stream().map(p -> new PartitionInfo(p.pid,
            p.replicas.stream().map(r -> new ReplicaInfo(r.endpoint, r.leader, r.alive, r.offset))
                .toList())).toList())));
    Optional<OpenMLDBState> state = openmldbReachable
        ? Optional.of(new OpenMLDBState(Optional.ofNullable(nameserverLeader), live, tables, ops,
            autoFailover))
        : Optional.empty();
    return new ClusterObservation(targetVersion, currentVersion, desired,
        pods.values().stream().map(Pod::state).toList(), state,
        openmldbReachable ? null : "connection refused",
        new LedgerState(ledgerAutoFailover, ledger), intent, acked, retryAnnotation, settings, now);
  }

  UpgradeDecision decide() {
    return planner.decide(observe());
  }

  /** Decide, record intent, act: one reconcile. */
  UpgradeDecision step() {
    UpgradeDecision d = decide();
    intent = IntentUpdate.before(intent, d, now, retryAnnotation);
    apply(d);
    intent = IntentUpdate.progressed(intent, d, now);
    log.add(d);
    return d;
  }

  /** Reconciles until Done/Idle; Waits let the world move on by one tick. */
  List<UpgradeDecision> run(int maxSteps) {
    for (int i = 0; i < maxSteps; i++) {
      UpgradeDecision d = step();
      if (d instanceof Done || d instanceof Idle) {
        return log;
      }
      if (d instanceof Halt) {
        return log;
      }
    }
    throw new AssertionError("no end after " + maxSteps + " steps; last: "
        + log.subList(Math.max(0, log.size() - 5), log.size()));
  }

  /** Reconciles until the predicate holds for the last decision. */
  UpgradeDecision runUntil(java.util.function.Predicate<UpgradeDecision> stop, int maxSteps) {
    for (int i = 0; i < maxSteps; i++) {
      UpgradeDecision d = step();
      if (stop.test(d)) {
        return d;
      }
    }
    throw new AssertionError("condition not reached; last: "
        + log.subList(Math.max(0, log.size() - 5), log.size()));
  }

  // ------------------------------------------------------------ the world's reaction

  void apply(UpgradeDecision d) {
    if (d instanceof Wait || d instanceof Halt) {
      tick();
    } else if (d instanceof RecordAutoFailover r) {
      if (ledgerAutoFailover.isEmpty()) {
        ledgerAutoFailover = Optional.of(r.original());
      }
    } else if (d instanceof DisableAutoFailover) {
      autoFailover = false;
    } else if (d instanceof RestoreAutoFailover) {
      autoFailover = true;
    } else if (d instanceof RecordLedger r) {
      ledger.removeIf(e -> e.tablet().equals(r.tablet()));
      ledger.addAll(r.entries());
    } else if (d instanceof ClearLedgerEntries c) {
      ledger.removeIf(e -> e.tablet().equals(c.tablet()));
    } else if (d instanceof ClearLedger) {
      ledger.clear();
      ledgerAutoFailover = Optional.empty();
    } else if (d instanceof AddTemporaryReplicas a) {
      a.replicas().forEach(r -> {
        Part p = find(r);
        assertThat(p.on(r.endpoint())).isEmpty();
        p.replicas.add(new Replica(r.endpoint(), false, p.serving().orElseThrow().offset));
      });
    } else if (d instanceof FenceLeaders f) {
      assertThat(autoFailover).as("fencing needs auto-failover off").isFalse();
      assertThat(f.leaders().size()).isLessThanOrEqualTo(settings.maxConcurrentLeaderMoves());
      f.leaders().forEach(r -> {
        Replica rep = find(r).on(r.endpoint()).orElseThrow();
        assertThat(rep.leader && rep.alive).isTrue();
        rep.alive = false;
      });
      long fenced = parts.stream().filter(p -> p.serving().isEmpty()).count();
      maxFencedAtOnce = Math.max(maxFencedAtOnce, fenced);
    } else if (d instanceof SwitchLeaders s) {
      s.switches().forEach(sw -> {
        Part p = find(sw.from());
        Replica from = p.on(sw.from().endpoint()).orElseThrow();
        Replica to = p.on(sw.to()).orElseThrow();
        assertThat(from.alive).as("switch only fenced leaders").isFalse();
        assertThat(to.offset).as("no acknowledged write lost").isGreaterThanOrEqualTo(from.offset);
        to.leader = true;
      });
    } else if (d instanceof UnfenceLeaders u) {
      u.leaders().forEach(r -> find(r).on(r.endpoint()).orElseThrow().alive = true);
    } else if (d instanceof FenceReplicas f) {
      f.replicas().forEach(r -> find(r).on(r.endpoint()).orElseThrow().alive = false);
    } else if (d instanceof ReviveLeaders r) {
      r.leaders().forEach(x -> {
        Replica rep = find(x).on(x.endpoint()).orElseThrow();
        assertThat(rep.leader && !rep.alive).isTrue();
        rep.alive = true;
      });
    } else if (d instanceof RecoverTables r) {
      r.replicas().forEach(x -> {
        Part p = find(x);
        Replica rep = p.on(x.endpoint()).orElseThrow();
        assertThat(rep.alive).as("RecoverTable refuses an alive replica").isFalse();
        rep.alive = true;
        rep.leader = false;
        rep.offset = p.serving().orElseThrow().offset;
      });
    } else if (d instanceof DeleteTemporaryReplicas r) {
      r.replicas().forEach(x -> {
        assertThat(find(x).on(x.endpoint()).orElseThrow().leader)
            .as("DelReplicaNS refuses a leader entry").isFalse();
        find(x).replicas.removeIf(rep -> rep.endpoint.equals(x.endpoint()));
      });
    } else if (d instanceof DeletePod del) {
      deletePod(del);
    } else if (d instanceof Done x) {
      currentVersion = x.version();
    }
  }

  private void deletePod(DeletePod del) {
    Pod p = pod(del.pod());
    assertThat(p.uid).isEqualTo(del.uid());
    for (Pod other : pods.values()) {
      if (other != p) {
        assertThat(other.exists && other.ready).as("gate: " + other.name + " ready").isTrue();
      }
    }
    if (p.component == Component.TABLET) {
      assertThat(autoFailover).as("tablet restart with auto-failover off").isFalse();
      for (Part part : parts) {
        assertThat(part.serving().map(r -> r.endpoint.equals(p.endpoint())).orElse(false))
            .as("no partition served by a tablet being deleted: " + part.table + "/" + part.pid)
            .isFalse();
      }
      live.remove(p.endpoint());
    }
    restarts.add(p.name);
    p.exists = false;
  }

  /** One unit of time: writes land, replication catches up, pods come back. */
  void tick() {
    now = now.plusSeconds(1);
    for (Part p : parts) {
      Optional<Replica> leader = p.serving();
      if (leader.isEmpty()) {
        leaderlessTicks++;
        continue;
      }
      leader.get().offset++;
      p.acknowledged++;
      for (Replica r : p.replicas) {
        if (r != leader.get() && r.alive && !stuckReplication.contains(r.endpoint)) {
          r.offset = leader.get().offset - 1; // one write behind: replication is asynchronous
        }
      }
    }
    // a fenced leader's last writes reach its followers on the next tick
    for (Part p : parts) {
      if (p.serving().isEmpty()) {
        for (Replica fenced : p.replicas) {
          if (fenced.leader && !fenced.alive) {
            p.replicas.stream().filter(r -> r.alive && !stuckReplication.contains(r.endpoint))
                .forEach(r -> r.offset = Math.max(r.offset, fenced.offset));
          }
        }
      }
    }
    for (Pod pod : pods.values()) {
      if (!pod.exists) {
        pod.exists = true;
        pod.uid = "uid-" + (uids++);
        pod.ready = false;
        pod.upToDate = true;
      } else if (!pod.ready && !pod.stuck) {
        pod.ready = true;
        if (pod.component == Component.TABLET) {
          live.add(pod.endpoint());
        }
      }
    }
    Pod leaderPod = pods.values().stream()
        .filter(p -> p.endpoint().equals(nameserverLeader)).findFirst().orElse(null);
    if (leaderPod == null || !leaderPod.exists || !leaderPod.ready) {
      nameserverLeader = pods.values().stream()
          .filter(p -> p.component == Component.NAMESERVER && p.exists && p.ready)
          .map(Pod::endpoint).findFirst().orElse(null);
    }
  }

  private Part find(ReplicaRef r) {
    return parts.stream()
        .filter(p -> p.db.equals(r.db()) && p.table.equals(r.table()) && p.pid == r.pid())
        .findFirst().orElseThrow();
  }

  <T extends UpgradeDecision> List<T> decisions(Class<T> type) {
    return log.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Every partition led from where it was led before. */
  Map<String, String> leaders() {
    Map<String, String> out = new LinkedHashMap<>();
    parts.forEach(p -> out.put(p.table + "/" + p.pid, p.serving().map(r -> r.endpoint).orElse("")));
    return out;
  }

  boolean allHealthy() {
    return parts.stream().allMatch(p -> p.replicas.stream().allMatch(r -> r.alive)
        && p.replicas.stream().filter(r -> r.leader).count() == 1);
  }

  void advance(Duration d) {
    now = now.plus(d);
  }
}
