package ai.openmldb.operator.bench;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpStatus;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.openmldb.ProtoJson;
import ai.openmldb.operator.openmldb.ProtoJsonStream;
import ai.openmldb.operator.openmldb.TableInfo;
import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import ai.openmldb.operator.upgrade.ClusterObservation;
import ai.openmldb.operator.upgrade.ClusterObservation.LedgerState;
import ai.openmldb.operator.upgrade.ClusterObservation.OpenMLDBState;
import ai.openmldb.operator.upgrade.PodState;
import ai.openmldb.operator.upgrade.Step;
import ai.openmldb.operator.upgrade.UpgradeDecision;
import ai.openmldb.operator.upgrade.UpgradeIntent;
import ai.openmldb.operator.upgrade.UpgradePlanner;
import ai.openmldb.operator.upgrade.UpgradeSettings;
import com.fasterxml.jackson.core.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One reconcile pass at scale: a simulated cluster of many tablets and partitions, and the
 * operator's observation of it (ZooKeeper caches of the production {@code ClusterView}, then
 * {@code ShowOPStatus}, the tables through the production {@code ClusterTables} and {@code
 * ConfGet}) plus the planner's decision, timed over repeated passes. The decision is taken at the
 * costliest point of a roll: nameservers done, the first tablet next, so the health gate checks
 * every partition and the tablet procedure plans its leader moves. The timed passes read the
 * whole metadata ({@code ShowTable}), as a pass after a change does; then passes with nothing
 * changed in between, which keep it. Counts the RPCs and response bytes of both kinds of pass
 * and the heap the observation keeps.
 */
final class ScaleCheck {
  static final int PASSES = 30;
  static final int WARMUP = 10;
  static final int TABLES = 10;

  private ScaleCheck() {}

  static ScaleResult run(int tablets, int partitions) throws Exception {
    int perTable = Math.max(1, partitions / TABLES);
    int tables = Math.max(1, partitions / perTable);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    // One ZooKeeper session per simulated tablet: more than ZooKeeper's default 60 per address
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.startWithoutConnectionLimit();
        SimulatedOpenMLDB sim = new SimulatedOpenMLDB();
        OpenMLDBConnections connections =
            new OpenMLDBConnections(Duration.ofSeconds(10), Duration.ofSeconds(30), null)) {
      long setup0 = System.nanoTime();
      SimulatedCluster cluster = sim.launch(BenchWorld.NAMESPACE, "scale", zk.connectString(),
          "/scale", BenchWorld.FROM, 1, tablets, false);
      for (int t = 0; t < tables; t++) {
        cluster.createTable(BenchWorld.DB, "t" + t, perTable, Math.min(3, tablets));
      }
      double setupSeconds = (System.nanoTime() - setup0) / 1e9;
      ClusterConnection conn = connections.connect(zk.connectString(), "/scale");
      ClusterProbe.await("client connected", Duration.ofSeconds(60),
          () -> conn.connected() && conn.view().nameserverLeader().isPresent()
              && conn.view().liveTablets().size() == tablets);
      List<PodState> pods = pods(tablets);
      UpgradePlanner planner = new UpgradePlanner();
      UpgradeSettings settings = UpgradeSettings.defaults();

      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      double[] observe = new double[PASSES];
      double[] decide = new double[PASSES];
      double[] cpu = new double[PASSES];
      String decision = null;
      int rpcsPerPass = 0;
      long bytesPerPass = 0;
      ClusterObservation kept = null;
      for (int i = 0; i < WARMUP + PASSES; i++) {
        conn.tables().forget(); // as after a change: the metadata and ops are read again
        conn.ops().forget();
        int calls0 = cluster.calls().size();
        long bytes0 = bytesReceived(conn);
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        ClusterObservation obs = observe(conn, pods, settings);
        long t1 = System.nanoTime();
        UpgradeDecision d = planner.decide(obs);
        long t2 = System.nanoTime();
        long c2 = threads.getCurrentThreadCpuTime();
        rpcsPerPass = cluster.calls().size() - calls0;
        bytesPerPass = bytesReceived(conn) - bytes0;
        decision = d.getClass().getSimpleName() + ": " + d.describe();
        if (Boolean.getBoolean("openmldb.bench.trace")) {
          System.err.printf("pass %d: observe %.1f ms (ShowTable %.1f), plan %.1f ms%n", i,
              (t1 - t0) / 1e6, LAST_SHOW_TABLE_MS, (t2 - t1) / 1e6);
        }
        if (i >= WARMUP) { // the first passes warm up the JIT
          observe[i - WARMUP] = (t1 - t0) / 1e6;
          decide[i - WARMUP] = (t2 - t1) / 1e6;
          cpu[i - WARMUP] = (c2 - c0) / 1e6;
        }
        kept = obs;
      }
      // Passes with nothing changed since the last: the metadata read before is kept.
      double[] unchanged = new double[PASSES];
      int unchangedRpcs = 0;
      long unchangedBytes = 0;
      long showTables0 = conn.tables().showTableReads();
      long showOps0 = conn.ops().showOpStatusReads();
      for (int i = 0; i < PASSES; i++) {
        int calls0 = cluster.calls().size();
        long bytes0 = bytesReceived(conn);
        long t0 = System.nanoTime();
        UpgradeDecision d = planner.decide(observe(conn, pods, settings));
        unchanged[i] = (System.nanoTime() - t0) / 1e6;
        unchangedRpcs = cluster.calls().size() - calls0;
        unchangedBytes = bytesReceived(conn) - bytes0;
        if (!(d.getClass().getSimpleName() + ": " + d.describe()).equals(decision)) {
          throw new IllegalStateException("an unchanged pass decided otherwise: " + d.describe());
        }
      }
      long unchangedShowTables = conn.tables().showTableReads() - showTables0;
      long unchangedShowOps = conn.ops().showOpStatusReads() - showOps0;
      // The two sides of ShowTable alone, one after the other: the simulated nameserver's
      // (snapshot under its lock, JSON written to nowhere) and the operator's (parsing the same
      // bytes into records). In a pass they overlap: the body is parsed as it is written.
      double[] render = new double[PASSES];
      double[] parse = new double[PASSES];
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      cluster.writeShowTable(captured);
      byte[] body = captured.toByteArray();
      for (int i = 0; i < WARMUP + PASSES; i++) {
        long r0 = System.nanoTime();
        cluster.writeShowTable(OutputStream.nullOutputStream());
        long p0 = System.nanoTime();
        List<TableInfo> parsed;
        try (JsonParser p = ProtoJson.MAPPER.createParser(body)) {
          parsed = ProtoJsonStream.reply(p, "table_info", ProtoJsonStream.tables()).value();
        }
        long p1 = System.nanoTime();
        if (i >= WARMUP) {
          render[i - WARMUP] = (p0 - r0) / 1e6;
          parse[i - WARMUP] = (p1 - p0) / 1e6;
        }
        if (parsed.isEmpty()) {
          throw new IllegalStateException("no tables");
        }
      }
      double[] own = new double[PASSES];
      double[] total = new double[PASSES];
      for (int i = 0; i < PASSES; i++) {
        own[i] = parse[i] + decide[i];
        total[i] = observe[i] + decide[i];
      }
      System.gc();
      long withObservation = memory.getHeapMemoryUsage().getUsed();
      int partitionsSeen = kept.openmldb().orElseThrow().tables().stream()
          .mapToInt(t -> t.partitions().size()).sum();
      kept = null;
      conn.tables().forget(); // the connection keeps the metadata too
      conn.ops().forget();
      System.gc();
      long without = memory.getHeapMemoryUsage().getUsed();
      return new ScaleResult(tablets, partitionsSeen, PASSES, median(observe), median(decide),
          median(total), max(total), median(cpu), median(render), median(parse), median(own),
          body.length / 1024, rpcsPerPass, bytesPerPass, median(unchanged), unchangedRpcs,
          unchangedBytes, unchangedShowTables, unchangedShowOps, decision,
          Math.max(0, withObservation - without) / (1024.0 * 1024.0),
          withObservation / (1024.0 * 1024.0),
          Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0), setupSeconds);
    }
  }

  static volatile double LAST_SHOW_TABLE_MS;

  /** Response bytes the connection's nameserver and tablet clients received so far. */
  static long bytesReceived(ClusterConnection conn) {
    return conn.nameserver().bytesReceived() + conn.tablets().bytesReceived();
  }

  /** What the reconciler observes in one pass (pods come from the informer cache: no I/O). */
  static ClusterObservation observe(ClusterConnection conn, List<PodState> pods,
      UpgradeSettings settings) {
    Optional<String> leader = conn.view().nameserverLeader();
    Set<String> live = conn.view().liveTablets();
    List<OpStatus> ops = conn.ops().read();
    long t0 = System.nanoTime();
    List<TableInfo> tables = conn.tables().read(ops, live, settings.maxCatchUpLag());
    LAST_SHOW_TABLE_MS = (System.nanoTime() - t0) / 1e6;
    boolean autoFailover = conn.nameserver().autoFailover();
    OpenMLDBState state = new OpenMLDBState(leader, live, tables, ops, autoFailover);
    UpgradeIntent intent = UpgradeIntent.started(BenchWorld.TO, 0, Instant.now())
        .withPosition(null, Step.Prepare);
    return new ClusterObservation(BenchWorld.TO, BenchWorld.FROM,
        Map.of(Component.NAMESERVER, 1, Component.TABLET, pods.size() - 1), pods,
        Optional.of(state), null, new LedgerState(Optional.of(true), List.of()), intent, Set.of(),
        null, settings, Instant.now());
  }

  /** One nameserver already on the new revision, every tablet still on the old one. */
  private static List<PodState> pods(int tablets) {
    List<PodState> pods = new ArrayList<>();
    pods.add(new PodState("scale-nameserver-0", Component.NAMESERVER, 0, "uid-ns-0", true, false,
        true, true, SimulatedOpenMLDB.endpoint(BenchWorld.NAMESPACE, "scale", Component.NAMESERVER, 0)));
    for (int i = 0; i < tablets; i++) {
      pods.add(new PodState("scale-tablet-" + i, Component.TABLET, i, "uid-t-" + i, true, false,
          true, false, SimulatedOpenMLDB.endpoint(BenchWorld.NAMESPACE, "scale", Component.TABLET, i)));
    }
    return pods;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(0);
  }
}
