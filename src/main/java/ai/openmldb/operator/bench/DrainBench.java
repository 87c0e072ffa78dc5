package ai.openmldb.operator.bench;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedCluster.SimPartitionInfo;
import ai.openmldb.operator.sandbox.SimulatedCluster.SimReplicaInfo;
import ai.openmldb.operator.sandbox.SimulatedCluster.SimTableInfo;
import ai.openmldb.operator.sandbox.WriteLoadGenerator;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Draining N leaders off one tablet, under the same write load, op latency and replication lag:
 * serially as the official tool's pre-upgrade does (ChangeLeader auto, wait, RecoverTable, wait,
 * per partition; paced like a more eager script, and like the real tool), and concurrently as the
 * operator does (at most {@code --max-concurrent-moves} fenced at once, the next fenced while
 * the queued leader changes run). Both are timed the same way, from the outside: from the
 * moment the first of the tablet's leaders stops serving until every one of them is served by
 * another tablet. The cluster: 1 nameserver, 2 tablets, 2N partitions with 2 replicas in {@code
 * --drain-tables} tables, so tablet 0 leads N: with one table (OpenMLDB places a 2-tablet table
 * the same way) the even pids, so its leader changes fill only the queues of even index; with
 * more, the even pids of half the tables and the odd pids of the others.
 */
final class DrainBench {
  private DrainBench() {}

  static DrainResult run(BenchOptions o, String zk, java.io.PrintStream out) throws Exception {
    int n = o.drain();
    BenchOptions shape = shape(o, n);
    String ep = DirectCluster.endpoint(Component.TABLET, 0);
    int serialN = o.serialDrainLeaders();
    double serial = 0;
    if (serialN > 0) {
      out.printf(java.util.Locale.ROOT, "  serial script (poll %d ms): %d leaders ...%n",
          o.toolPollMs(), serialN);
      serial = serial(o, zk, serialN, "/drain-serial", SerialRoll.Pacing.generous(o));
    }
    double tool = 0;
    if (o.drainTool() > 0) {
      out.printf(java.util.Locale.ROOT, "  serial at the tool's pace: %d leaders ...%n",
          o.drainTool());
      tool = serial(o, zk, o.drainTool(), "/drain-tool", SerialRoll.Pacing.TOOL);
    }
    out.printf(java.util.Locale.ROOT, "  operator: %d leaders ...%n", n);
    DrainWatch[] watched = new DrainWatch[1];
    double concurrent = OperatorWay.withOperator(shape, zk, "/drain-operator",
        (client, sim, cluster, readiness, operator) -> {
          createTables(cluster, shape);
          WriteLoadGenerator load = new WriteLoadGenerator(cluster, o.writeRate()).start();
          try (DrainWatch watch = new DrainWatch(cluster, ep).start()) {
            watched[0] = watch;
            OperatorWay.bump(client, BenchWorld.TO);
            ClusterProbe.await("operator drain", BenchWorld.LIMIT, () -> {
              if (DrainWatch.TRACE) { // the operator's steps, next to the op-queue depth
                OperatorWay.trace(OperatorWay.status(client).getUpgrade());
              }
              return watch.done();
            });
            return watch.seconds();
          } finally {
            load.stop();
          }
        });
    DrainWatch w = watched[0];
    return new DrainResult(n, o.opMs(), o.toolPollMs(), o.maxConcurrentLeaderMoves(),
        o.nsTaskConcurrency(), o.drainTables(), w.queuesUsed(), w.opsInBusiestQueue(), concurrent,
        w.fencedPartitionSeconds(), w.longestFenceSeconds(), serialN, serial, o.drainTool(), tool);
  }

  /** The drain cluster: 1 nameserver, 2 tablets, 2n partitions x 2 replicas in drainTables. */
  private static BenchOptions shape(BenchOptions o, int n) {
    return o.withShape(1, 2, o.drainTables(), 2 * n / o.drainTables(), 2);
  }

  /** Table k placed from tablet k % 2: tablet 0 leads even pids of even tables, odd of odd. */
  private static void createTables(SimulatedCluster cluster, BenchOptions shape) {
    for (int t = 0; t < shape.tables(); t++) {
      cluster.createTable(BenchWorld.DB, "t" + t, shape.partitions(), shape.replicas(), t % 2);
    }
  }

  /** The tool's pre-upgrade of tablet 0 leading {@code n} partitions, timed from the outside. */
  private static double serial(BenchOptions o, String zk, int n, String root,
      SerialRoll.Pacing pacing) throws Exception {
    BenchOptions shape = shape(o, n);
    String ep = DirectCluster.endpoint(Component.TABLET, 0);
    try (DirectCluster c = DirectCluster.launch(shape, zk, root);
        OpenMLDBConnections connections =
            new OpenMLDBConnections(Duration.ofSeconds(10), Duration.ofSeconds(30), null)) {
      createTables(c.cluster(), shape);
      ClusterConnection conn = connections.connect(zk, c.root());
      ClusterProbe.await("client connected", Duration.ofSeconds(30),
          () -> conn.connected() && conn.view().nameserverLeader().isPresent());
      conn.nameserver().setAutoFailover(false);
      WriteLoadGenerator load = new WriteLoadGenerator(c.cluster(), o.writeRate()).start();
      try (DrainWatch watch = new DrainWatch(c.cluster(), ep).start()) {
        new SerialRoll(c, conn, shape, pacing).preUpgrade(ep);
        ClusterProbe.await("serial drain", BenchWorld.LIMIT, watch::done);
        return watch.seconds();
      } finally {
        load.stop();
      }
    }
  }

  /** Times the drain of one tablet's leaders from the outside. */
  static final class DrainWatch implements AutoCloseable {
    private final SimulatedCluster cluster;
    private final String ep;
    private final Set<String> led = new HashSet<>();
    private final Map<String, Long> fencedSince = new HashMap<>();
    private long fencedNanos;
    private long longestFenceNanos;
    private long lastSampleNanos;
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "drain-watch");
      t.setDaemon(true);
      return t;
    });
    private volatile long startNanos;
    private int ticks;
    static final boolean TRACE = Boolean.getBoolean("openmldb.bench.trace");
    private volatile long endNanos;

    DrainWatch(SimulatedCluster cluster, String ep) {
      this.cluster = cluster;
      this.ep = ep;
      for (SimTableInfo t : cluster.tables()) {
        for (SimPartitionInfo p : t.partitions()) {
          if (p.leader().map(SimReplicaInfo::endpoint).filter(ep::equals).isPresent()) {
            led.add(t.name() + "/" + p.pid());
          }
        }
      }
    }

    DrainWatch start() {
      // every sample copies the cluster's metadata under the lock the nameserver's RPCs take:
      // every 20 ms, a large drain less often (100 ms at 10,000 leaders), so the watch does not
      // slow what it watches (every 5 ms made a 1,000-leader drain's RPCs measurably slower)
      long periodMs = Math.max(20, led.size() / 100);
      exec.scheduleAtFixedRate(this::sample, 0, periodMs, TimeUnit.MILLISECONDS);
      return this;
    }

    private synchronized void sample() {
      long now = System.nanoTime();
      int servedHere = 0;
      int moved = 0;
      int fenced = 0;
      for (SimTableInfo t : cluster.tables()) {
        for (SimPartitionInfo p : t.partitions()) {
          String key = t.name() + "/" + p.pid();
          if (!led.contains(key)) {
            continue;
          }
          String leader = p.leader().map(SimReplicaInfo::endpoint).orElse(null);
          if (ep.equals(leader)) {
            servedHere++;
          } else if (leader != null) {
            moved++;
          }
          // fenced: a replica still acts as leader, none is alive: writes are refused
          boolean isFenced = leader == null
              && p.replicas().stream().anyMatch(SimReplicaInfo::actsAsLeader);
          if (isFenced) {
            fenced++;
            fencedSince.putIfAbsent(key, now);
          } else {
            Long since = fencedSince.remove(key);
            if (since != null) {
              longestFenceNanos = Math.max(longestFenceNanos, now - since);
            }
          }
        }
      }
      if (lastSampleNanos != 0) {
        fencedNanos += fenced * (now - lastSampleNanos);
      }
      lastSampleNanos = now;
      if (TRACE && ++ticks % 5 == 0) { // is the op queue kept busy?
        System.err.printf(Locale.ROOT, "%8.3f drain: %d ops pending, %d fenced, %d served here,"
                + " %d moved%n", (now - OperatorWay.T0) / 1e9, cluster.pendingOps(), fenced,
            servedHere, moved);
      }
      if (startNanos == 0 && servedHere < led.size()) {
        startNanos = now;
      }
      if (startNanos != 0 && endNanos == 0 && moved == led.size()) {
        endNanos = now;
      }
    }

    /** Leader changes per op queue ({@code pid % name_server_task_concurrency}). */
    private Map<Integer, Long> perQueue() {
      int queues = cluster.taskConcurrency();
      return led.stream().collect(Collectors.groupingBy(
          k -> Integer.parseInt(k.substring(k.lastIndexOf('/') + 1)) % queues,
          Collectors.counting()));
    }

    /**
     * Leader changes in the busiest of the nameserver's FIFO op queues: the drain cannot end
     * before that queue ran them all, one op after another.
     */
    int opsInBusiestQueue() {
      return perQueue().values().stream().mapToInt(Long::intValue).max().orElse(0);
    }

    /** Op queues that get any of the drain's leader changes. */
    int queuesUsed() {
      return perQueue().size();
    }

    /** Σ over the tablet's partitions of the time they were fenced (writes refused). */
    synchronized double fencedPartitionSeconds() {
      return fencedNanos / 1e9;
    }

    /** The longest single fence seen (a partition's longest write pause). */
    synchronized double longestFenceSeconds() {
      return longestFenceNanos / 1e9;
    }

    boolean done() {
      return endNanos != 0;
    }

    double seconds() {
      return (endNanos - startNanos) / 1e9;
    }

    int leaders() {
      return led.size();
    }

    @Override
    public void close() {
      exec.shutdownNow();
    }
  }
}
