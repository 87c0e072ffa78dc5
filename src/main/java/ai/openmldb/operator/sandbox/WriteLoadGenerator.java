package ai.openmldb.operator.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Sends writes at a steady rate, round-robin over the partitions of the chosen tables, through
 * the client-like path of {@link SimulatedCluster#write} (routed by the nameserver's metadata to
 * the alive leader, refused when there is none or it is fenced). Records every acknowledged
 * write, so {@link #report()} can say how many are still present and which were lost, and
 * samples every partition each tick for write-unavailable and leaderless time.
 */
public final class WriteLoadGenerator implements AutoCloseable {
  /** Databases OpenMLDB creates itself; not written by default. */
  public static final Set<String> INTERNAL_DBS =
      Set.of("__INTERNAL_DB", "__PRE_AGG_DB", "INFORMATION_SCHEMA");

  private static final long TICK_MS = 10;

  private record Target(String db, String table, int pid) {
    String label() {
      return db + "." + table + "/" + pid;
    }
  }

  private final SimulatedCluster cluster;
  private final double writesPerSecond;
  private final Predicate<SimulatedCluster.SimTableInfo> tables;
  private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "write-load");
    t.setDaemon(true);
    return t;
  });
  private final Map<Target, List<Long>> acked = new LinkedHashMap<>();
  private List<Target> targets = List.of();
  private long refused;
  private long acknowledged;
  private double budget;
  private int next;
  private long lastTickNanos;
  private long startedNanos;
  private long stoppedNanos;
  private double unavailableSeconds;
  private double leaderlessSeconds;

  /** Writes to every partition of every user table (internal databases excluded). */
  public WriteLoadGenerator(SimulatedCluster cluster, double writesPerSecond) {
    this(cluster, writesPerSecond, t -> !INTERNAL_DBS.contains(t.db()));
  }

  public WriteLoadGenerator(SimulatedCluster cluster, double writesPerSecond,
      Predicate<SimulatedCluster.SimTableInfo> tables) {
    this.cluster = cluster;
    this.writesPerSecond = writesPerSecond;
    this.tables = tables;
  }

  public synchronized WriteLoadGenerator start() {
    startedNanos = System.nanoTime();
    lastTickNanos = startedNanos;
    exec.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    return this;
  }

  private synchronized void tick() {
    try {
      if (targets.isEmpty()) {
        List<Target> ts = new ArrayList<>();
        for (SimulatedCluster.SimTableInfo t : cluster.tables()) {
          if (tables.test(t)) {
            t.partitions().forEach(p -> ts.add(new Target(t.db(), t.name(), p.pid())));
          }
        }
        targets = ts;
      }
      long now = System.nanoTime();
      double dt = (now - lastTickNanos) / 1e9;
      lastTickNanos = now;
      for (Target t : targets) {
        if (cluster.refusal(t.db(), t.table(), t.pid()) != null) {
          unavailableSeconds += dt;
        }
        if (cluster.leaderless(t.db(), t.table(), t.pid())) {
          leaderlessSeconds += dt;
        }
      }
      if (targets.isEmpty()) {
        return;
      }
      budget += writesPerSecond * dt;
      while (budget >= 1) {
        budget -= 1;
        Target t = targets.get(next++ % targets.size());
        SimulatedCluster.WriteOutcome o = cluster.write(t.db(), t.table(), t.pid());
        if (o.acknowledged()) {
          acknowledged++;
          acked.computeIfAbsent(t, k -> new ArrayList<>()).add(o.id());
        } else {
          refused++;
        }
      }
    } catch (RuntimeException e) {
      // keep generating; a test will see the numbers
    }
  }

  /** Stops sending; the report stays available. */
  public void stop() {
    exec.shutdown();
    try {
      exec.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (stoppedNanos == 0) {
        stoppedNanos = System.nanoTime();
      }
    }
  }

  public synchronized long acknowledged() {
    return acknowledged;
  }

  /** Checks every acknowledged write against the partitions' data now. */
  public synchronized WriteLoadReport report() {
    long present = 0;
    List<String> lost = new ArrayList<>();
    long lostCount = 0;
    for (Map.Entry<Target, List<Long>> e : acked.entrySet()) {
      Target t = e.getKey();
      for (long id : e.getValue()) {
        if (cluster.present(t.db(), t.table(), t.pid(), id)) {
          present++;
        } else {
          lostCount++;
          if (lost.size() < 50) {
            lost.add(t.label() + "#" + id);
          }
        }
      }
    }
    long end = stoppedNanos == 0 ? System.nanoTime() : stoppedNanos;
    return new WriteLoadReport(acknowledged, refused, present, lostCount, lost,
        unavailableSeconds, leaderlessSeconds, (end - startedNanos) / 1e9);
  }

  @Override
  public void close() {
    stop();
  }
}
