package ai.openmldb.operator.bench;

import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.sandbox.PodProcessRuntime;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import ai.openmldb.operator.sandbox.WriteLoadGenerator;
import ai.openmldb.operator.sandbox.WriteLoadReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Runs one way against a fresh cluster of the benchmark's shape: creates the tables, starts the
 * write load and the {@link Sampler}, changes the version, waits for the way to finish and the
 * cluster to be healthy, then checks every acknowledged write.
 */
final class BenchWorld {
  static final String NAMESPACE = "bench";
  static final String CLUSTER = "omdb";
  static final String FROM = "0.8.5";
  static final String TO = "0.9.3";
  /** The versions of the warm-up rolls, in order (see {@link BenchOptions#warmupRolls()}). */
  static final List<String> WARMUP_VERSIONS = List.of("0.9.0", "0.9.1", "0.9.2");
  /** The versions of the measured rolls, in order (see {@link BenchOptions#measuredRolls()}). */
  static final List<String> MEASURED_VERSIONS = List.of(TO, "0.9.4", "0.9.5", "0.9.6", "0.9.7");
  /** The version of the operator way's roll by a newly started operator (after the measured). */
  static final String FRESH_OPERATOR_VERSION = "0.9.8";
  static final String DB = "bench";
  static final Duration LIMIT =
      Duration.ofSeconds(Long.getLong("openmldb.bench.limit-seconds", 900));

  private BenchWorld() {}

  static SimulatedOpenMLDB.Settings simSettings(BenchOptions o) {
    return SimulatedOpenMLDB.Settings.defaults()
        .withOpLatency(Duration.ofMillis(o.opMs()))
        .withTaskConcurrency(o.nsTaskConcurrency())
        .withReplicationLag(Duration.ofMillis(o.replicationLagMs()))
        .withTableStatusInterval(Duration.ofMillis(o.tableStatusIntervalMs()));
  }

  static void createTables(SimulatedCluster cluster, BenchOptions o) {
    for (int t = 0; t < o.tables(); t++) {
      cluster.createTable(DB, "t" + t, o.partitions(), o.replicas());
    }
  }

  /**
   * What a way does once the load runs: upgrade the cluster to {@code version}. A way whose roll
   * starts later than the call (after a request to an API server) marks the start on the
   * sampler.
   */
  interface Upgrade {
    void run(Sampler sampler, String version) throws Exception;
  }

  /**
   * Measures one way on a prepared cluster: its warm-up rolls first, then its measured rolls,
   * the first to {@link #TO}, each measured alike (see {@link BenchOptions#warmupRolls()} and
   * {@link BenchOptions#measuredRolls()}); returns the median measured roll.
   *
   * @param reportedReady a pod's Ready condition as the Kubernetes API shows it (always true
   *     where pods live in no API)
   * @param allOn whether every pod runs the given version
   */
  static WayResult measure(Way way, BenchOptions o, SimulatedCluster cluster,
      PodProcessRuntime runtime, BiPredicate<String, String> reportedReady, List<String> pods,
      Upgrade upgrade, Predicate<String> allOn) throws Exception {
    List<WayResult> rolls = new ArrayList<>();
    for (String version : o.rollVersions()) {
      if (!rolls.isEmpty()) {
        Thread.sleep(BETWEEN_ROLLS.toMillis()); // the last roll's status and events settle
      }
      rolls.add(measureRoll(way, o, cluster, runtime, reportedReady, pods, upgrade, allOn,
          version));
    }
    return WayResult.of(rolls, o.measuredRolls());
  }

  static final Duration BETWEEN_ROLLS = Duration.ofSeconds(1);

  static WayResult measureRoll(Way way, BenchOptions o, SimulatedCluster cluster,
      PodProcessRuntime runtime, BiPredicate<String, String> reportedReady, List<String> pods,
      Upgrade upgrade, Predicate<String> allOn, String version) throws Exception {
    Map<String, String> leadersBefore = ClusterProbe.leaders(cluster);
    long movesBefore = ClusterProbe.leaderMoves(cluster);
    long failedBefore = ClusterProbe.failedOps(cluster);
    WriteLoadGenerator load = new WriteLoadGenerator(cluster, o.writeRate()).start();
    Thread.sleep(200);
    Sampler sampler = new Sampler(cluster, runtime, reportedReady, NAMESPACE, pods).start();
    double end;
    String unhealthy;
    try {
      upgrade.run(sampler, version);
      end = settle(way, cluster, runtime, pods, sampler);
      unhealthy = ClusterProbe.unhealthy(cluster);
    } finally {
      sampler.stop();
      load.stop();
    }
    // Let the last acknowledged writes replicate before checking them.
    Thread.sleep(o.replicationLagMs() + 100);
    WriteLoadReport report = load.report();
    Sampler.Totals t = sampler.totals(end);
    if (Boolean.getBoolean("openmldb.bench.trace")) {
      printGaps(way + " to " + version, sampler, end);
    }
    List<double[]> series = new ArrayList<>();
    for (Sampler.Sample s : sampler.samples()) {
      if (s.t() >= sampler.rollStart()) {
        series.add(new double[] {s.t() - sampler.rollStart(), s.leaderless()});
      }
    }
    List<String> failed = ClusterProbe.failedOpSummaries(cluster);
    return new WayResult(way, t.seconds(), t.leaderlessPartitionSeconds(),
        t.unavailablePartitionSeconds(), t.fencedPartitionSeconds(), report.acknowledged(),
        report.lost(), ClusterProbe.leaderMoves(cluster) - movesBefore,
        ClusterProbe.failedOps(cluster) - failedBefore,
        leadersBefore.equals(ClusterProbe.leaders(cluster)), allOn.test(version),
        t.podWaitSeconds(), t.opWaitSeconds(), t.busySeconds(),
        Math.max(0, t.seconds() - t.busySeconds()), t.maxLeaderless(), unhealthy,
        failed.subList((int) Math.min(failed.size(), failedBefore), failed.size()), series, null,
        List.of(), null);
  }

  /** The idle gaps of a roll, on the clock of {@link OperatorWay#trace}'s step lines. */
  private static void printGaps(String roll, Sampler sampler, double end) {
    double offset = (sampler.startNanos() - OperatorWay.T0) / 1e9;
    double total = 0;
    for (Sampler.Gap g : sampler.gaps(end)) {
      total += g.seconds();
      System.err.printf("%8.3f idle %4.0f ms  %s -> %s%n", offset + g.start(), g.seconds() * 1000,
          g.before(), g.after());
    }
    System.err.printf("%s: idle %.3f s in all%n", roll, total);
  }

  /**
   * Waits until the cluster is healthy, or has been quiescent (every pod ready, no op unfinished)
   * for {@link #QUIESCENT} without becoming healthy: nothing will heal it then (a naive roll can
   * leave replicas not alive after an op failed). Returns the end of the roll in sampler time.
   */
  static double settle(Way way, SimulatedCluster cluster, PodProcessRuntime runtime,
      List<String> pods, Sampler sampler) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    double quietSince = -1;
    while (System.nanoTime() < deadline) {
      double now = sampler.now();
      if (ClusterProbe.healthy(cluster)) {
        return now;
      }
      boolean quiet = cluster.pendingOps() == 0 && cluster.nameserverLeader().isPresent()
          && pods.stream().allMatch(p -> runtime.ready(NAMESPACE, p));
      if (!quiet) {
        quietSince = -1;
      } else if (quietSince < 0) {
        quietSince = now;
      } else if (now - quietSince > QUIESCENT.toMillis() / 1000.0) {
        return quietSince;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(way.id() + ": not healthy nor quiescent after "
        + LIMIT.toSeconds() + "s: " + ClusterProbe.unhealthy(cluster));
  }

  static final Duration QUIESCENT = Duration.ofSeconds(3);

  static WayResult naive(BenchOptions o, String zkConnect) throws Exception {
    try (DirectCluster c = DirectCluster.launch(o, zkConnect, "/bench-naive")) {
      createTables(c.cluster(), o);
      NaiveRoll roll = new NaiveRoll(c, o);
      return measure(Way.NAIVE, o, c.cluster(), c.runtime(), (ns, pod) -> true, c.podNames(),
          (sampler, version) -> roll.run(version),
          c::allOn);
    }
  }

  static WayResult serial(BenchOptions o, String zkConnect, Way way, SerialRoll.Pacing pacing)
      throws Exception {
    try (DirectCluster c = DirectCluster.launch(o, zkConnect, "/bench-" + way.id());
        OpenMLDBConnections connections =
            new OpenMLDBConnections(Duration.ofSeconds(10), Duration.ofSeconds(10), null)) {
      createTables(c.cluster(), o);
      ClusterConnection conn = connections.connect(zkConnect, c.root());
      ClusterProbe.await("client connected", Duration.ofSeconds(30),
          () -> conn.connected() && conn.view().nameserverLeader().isPresent());
      SerialRoll roll = new SerialRoll(c, conn, o, pacing);
      return measure(way, o, c.cluster(), c.runtime(), (ns, pod) -> true, c.podNames(),
          (sampler, version) -> roll.run(version),
          c::allOn);
    }
  }
}
