package ai.openmldb.operator.bench;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.NameserverClient;
import ai.openmldb.operator.openmldb.OpStatus;
import ai.openmldb.operator.openmldb.PartitionInfo;
import ai.openmldb.operator.openmldb.ReplicaInfo;
import ai.openmldb.operator.openmldb.TableInfo;
import ai.openmldb.operator.openmldb.TabletTableStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The official procedure as a script driving {@code tools/openmldb_ops.py} would run it, through
 * the production nameserver client: nameservers one by one (the ZooKeeper leader last); then per
 * tablet E, with auto-failover off for the whole roll:
 *
 * <pre>
 * pre-upgrade E   for each partition E leads (GetTableStatus on E): ChangeLeader(auto), wait for
 *                 the op; RecoverTable(E), wait for the op; remember (partition, E)
 * restart E       delete the pod, wait until the new one is ready
 * recoverdata     for each table that is not healthy, per partition: the leader stays, every
 *                 follower is marked not alive and RecoverTable'd; wait until no op runs
 * post-upgrade E  wait until no op runs; for each remembered partition: ChangeLeader(E), wait;
 *                 RecoverTable(old leader), wait
 * </pre>
 *
 * Each wait polls {@code ShowOPStatus} for the partition's last op, one op at a time: the cost
 * the operator removes. Two {@link Pacing}s: the tool's own (its {@code WaitingOP} polls at
 * once, then sleeps 2 s while the op is unfinished) and a more generous script polling every
 * {@code --tool-poll-ms}. Both call the RPCs directly: the tool's cost of starting the {@code
 * openmldb} CLI process for every command is not charged.
 */
final class SerialRoll {
  private final DirectCluster cluster;
  private final NameserverClient ns;
  private final ClusterConnection connection;
  private final BenchOptions options;
  private final Pacing pacing;
  private final Duration limit = Duration.ofMinutes(10);

  /**
   * How the script waits. {@code waitPollMs}: the sleep between two ShowOPStatus polls while an
   * op is unfinished; {@code recoverSettleMs}: recoverdata's sleep before its first poll.
   */
  record Pacing(long waitPollMs, long recoverSettleMs) {
    /** The real tool: {@code WaitingOP} and {@code GetOpStatus} sleep 2 s, RecoverTable 1 s. */
    static final Pacing TOOL = new Pacing(2000, 1000);

    /** A script more eager than the tool: polls every {@code --tool-poll-ms}, no settle sleep. */
    static Pacing generous(BenchOptions o) {
      return new Pacing(o.toolPollMs(), 0);
    }
  }

  SerialRoll(DirectCluster cluster, ClusterConnection connection, BenchOptions options,
      Pacing pacing) {
    this.cluster = cluster;
    this.connection = connection;
    this.ns = connection.nameserver();
    this.options = options;
    this.pacing = pacing;
  }

  /** A partition the tool moved off a tablet (a line of its {@code .stat} file). */
  record Moved(String db, String table, int pid) {}

  void run(String version) throws Exception {
    boolean autoFailover = ns.autoFailover();
    if (autoFailover) {
      ns.setAutoFailover(false);
    }
    long t = System.nanoTime();
    restartNameservers(version);
    t = trace("nameservers", t);
    for (int i = 0; i < options.tablets(); i++) {
      String ep = DirectCluster.endpoint(Component.TABLET, i);
      List<Moved> moved = preUpgrade(ep);
      t = trace("pre-upgrade " + i + " (" + moved.size() + " leaders)", t);
      cluster.restart(Component.TABLET, i, version);
      // as an operator checks showtablet before recoverdata: the tablet registered in ZooKeeper
      // before the nameserver's watch saw it, and RecoverTable meanwhile answers 303
      ClusterProbe.await(ep + " healthy in ShowTablet", limit, () -> ns.showTablets().stream()
          .anyMatch(tablet -> tablet.endpoint().equals(ep) && tablet.healthy()));
      t = trace("restart " + i, t);
      recoverData();
      t = trace("recoverdata " + i, t);
      postUpgrade(ep, moved);
      t = trace("post-upgrade " + i, t);
    }
    if (autoFailover) {
      ns.setAutoFailover(true);
    }
  }

  private static final boolean TRACE = Boolean.getBoolean("openmldb.bench.trace");

  private static long trace(String what, long since) {
    long now = System.nanoTime();
    if (TRACE) {
      System.err.printf("serial: %s %.3fs%n", what, (now - since) / 1e9);
    }
    return now;
  }

  private void restartNameservers(String version) throws InterruptedException {
    Optional<String> leader = cluster.cluster().nameserverLeader();
    List<Integer> order = new ArrayList<>();
    int leaderOrdinal = -1;
    for (int i = 0; i < options.nameservers(); i++) {
      if (leader.isPresent() && leader.get().equals(DirectCluster.endpoint(Component.NAMESERVER, i))) {
        leaderOrdinal = i;
      } else {
        order.add(i);
      }
    }
    if (leaderOrdinal >= 0) {
      order.add(leaderOrdinal);
    }
    for (int i : order) {
      cluster.restart(Component.NAMESERVER, i, version);
      ClusterProbe.await("a nameserver leader", limit,
          () -> cluster.cluster().nameserverLeader().isPresent() && connection.view()
              .nameserverLeader().isPresent());
    }
  }

  /** {@code openmldb_ops.py --cmd=preupgrade --endpoints=E}, multi-replica tables. */
  List<Moved> preUpgrade(String ep) throws InterruptedException {
    List<Moved> moved = new ArrayList<>();
    Set<String> led = new HashSet<>();
    for (TabletTableStatus s : connection.tablets().tableStatus(ep)) {
      if (s.leader()) {
        led.add(s.tid() + "/" + s.pid());
      }
    }
    for (TableInfo t : ns.showTables()) {
      for (PartitionInfo p : t.partitions()) {
        if (!led.contains(t.tid() + "/" + p.pid()) || p.replicas().size() < 2) {
          continue;
        }
        ns.changeLeader(t.db(), t.name(), p.pid(), "auto");
        waitOp(t.db(), t.name(), p.pid());
        ns.recoverTable(t.db(), t.name(), p.pid(), ep);
        waitOp(t.db(), t.name(), p.pid());
        moved.add(new Moved(t.db(), t.name(), p.pid()));
      }
    }
    return moved;
  }

  /** {@code openmldb_ops.py --cmd=recoverdata}: every unhealthy table, every partition. */
  void recoverData() throws InterruptedException {
    for (TableInfo t : ns.showTables()) {
      if (tableHealthy(t)) {
        continue;
      }
      for (PartitionInfo p : t.partitions()) {
        Optional<ReplicaInfo> leader = p.replicas().stream().filter(ReplicaInfo::leader)
            .max((a, b) -> Long.compare(a.offset(), b.offset()));
        if (leader.isEmpty()) {
          continue;
        }
        if (!leader.get().alive()) {
          ns.updateTableAliveStatus(t.db(), t.name(), p.pid(), leader.get().endpoint(), true);
        }
        for (ReplicaInfo r : p.replicas()) {
          if (r == leader.get()) {
            continue;
          }
          if (r.alive()) {
            ns.updateTableAliveStatus(t.db(), t.name(), p.pid(), r.endpoint(), false);
          }
          ns.recoverTable(t.db(), t.name(), p.pid(), r.endpoint());
        }
      }
      if (pacing.recoverSettleMs() > 0) {
        Thread.sleep(pacing.recoverSettleMs()); // the tool's RecoverTable: time.sleep(1)
      }
      waitNoOpRunning();
    }
  }

  /** The tool's CheckTable: every replica alive, loaded, and in the role the metadata says. */
  private boolean tableHealthy(TableInfo t) {
    Set<String> endpoints = new HashSet<>();
    t.partitions().forEach(p -> p.replicas().forEach(r -> endpoints.add(r.endpoint())));
    Set<String> held = new HashSet<>();
    for (String ep : endpoints) {
      for (TabletTableStatus s : connection.tablets().tableStatus(ep)) {
        if (s.tid() == t.tid()) {
          held.add(ep + "/" + s.pid() + "/" + s.leader());
        }
      }
    }
    for (PartitionInfo p : t.partitions()) {
      for (ReplicaInfo r : p.replicas()) {
        if (!r.alive() || !held.contains(r.endpoint() + "/" + p.pid() + "/" + r.leader())) {
          return false;
        }
      }
    }
    return true;
  }

  /** {@code openmldb_ops.py --cmd=postupgrade --endpoints=E}. */
  void postUpgrade(String ep, List<Moved> moved) throws InterruptedException {
    waitNoOpRunning();
    for (Moved m : moved) {
      PartitionInfo p = ns.showTable(m.db(), m.table()).orElseThrow().partition(m.pid());
      Optional<ReplicaInfo> current = p.servingLeader();
      if (current.isPresent() && current.get().endpoint().equals(ep)) {
        continue;
      }
      ns.changeLeader(m.db(), m.table(), m.pid(), ep);
      waitOp(m.db(), m.table(), m.pid());
      if (current.isPresent()) {
        ns.recoverTable(m.db(), m.table(), m.pid(), current.get().endpoint());
        waitOp(m.db(), m.table(), m.pid());
      }
    }
  }

  /** The tool's {@code WaitingOP}: poll the partition's last op until it is no longer running. */
  private void waitOp(String db, String table, int pid) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    long t0 = System.nanoTime();
    int polls = 0;
    while (true) {
      long c0 = System.nanoTime();
      List<OpStatus> ops = ns.showOpStatus(db, table, pid);
      polls++;
      if (TRACE) {
        System.err.printf("  poll %d: %.1fms rpc, %s%n", polls, (System.nanoTime() - c0) / 1e6,
            ops.isEmpty() ? "-" : ops.get(ops.size() - 1).status());
      }
      OpStatus last = ops.isEmpty() ? null : ops.get(ops.size() - 1);
      if (last != null && last.failed()) {
        throw new IllegalStateException("op " + last.opId() + " " + last.opType() + " failed");
      }
      if (last != null && last.finished()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("op of " + db + "." + table + "/" + pid + " still running");
      }
      Thread.sleep(pacing.waitPollMs());
    }
  }

  /** Until no op is kInited or kDoing (post-upgrade's first step, recoverdata's wait). */
  private void waitNoOpRunning() throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (ns.showOpStatus().stream().anyMatch(o -> !o.finished())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("ops still running");
      }
      Thread.sleep(pacing.waitPollMs());
    }
  }
}
