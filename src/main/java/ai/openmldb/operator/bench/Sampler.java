package ai.openmldb.operator.bench;

import ai.openmldb.operator.sandbox.PodProcessRuntime;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedCluster.SimPartitionInfo;
import ai.openmldb.operator.sandbox.SimulatedCluster.SimReplicaInfo;
import ai.openmldb.operator.sandbox.SimulatedCluster.SimTableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches one simulated cluster from the outside while a way upgrades it, every {@link
 * #PERIOD_MS}: how many partitions are leaderless (no running tablet holds the partition as
 * leader), write-unavailable (a write would be refused now), fenced (a leader still serves but
 * the metadata marked it not alive), and whether the world is busy: a pod is not ready (being
 * restarted) or a nameserver op is unfinished. Integrating the samples gives the partition-seconds
 * and the explicit wait times that the overhead is computed from.
 */
final class Sampler implements AutoCloseable {
  static final long PERIOD_MS = 10;

  /** One observation. {@code t} is seconds since {@link #start()}. */
  record Sample(double t, int leaderless, int unavailable, int fenced, boolean podBusy,
      boolean opBusy) {}

  private final SimulatedCluster cluster;
  private final PodProcessRuntime runtime;
  private final String namespace;
  private final List<String> pods;
  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-sampler");
    t.setDaemon(true);
    return t;
  });
  private long startNanos;

  Sampler(SimulatedCluster cluster, PodProcessRuntime runtime, String namespace, List<String> pods) {
    this.cluster = cluster;
    this.runtime = runtime;
    this.namespace = namespace;
    this.pods = List.copyOf(pods);
  }

  Sampler start() {
    startNanos = System.nanoTime();
    sample();
    exec.scheduleAtFixedRate(this::sample, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    return this;
  }

  private void sample() {
    try {
      double t = (System.nanoTime() - startNanos) / 1e9;
      int leaderless = 0;
      int unavailable = 0;
      int fenced = 0;
      for (SimTableInfo table : cluster.tables()) {
        for (SimPartitionInfo p : table.partitions()) {
          boolean acting = p.replicas().stream().anyMatch(SimReplicaInfo::actsAsLeader);
          if (!acting) {
            leaderless++;
          } else if (p.leader().isEmpty()) {
            fenced++;
          }
          if (cluster.refusal(table.db(), table.name(), p.pid()) != null) {
            unavailable++;
          }
        }
      }
      boolean podBusy = false;
      for (String pod : pods) {
        if (!runtime.ready(namespace, pod)) {
          podBusy = true;
          break;
        }
      }
      boolean opBusy = cluster.pendingOps() > 0;
      synchronized (samples) {
        samples.add(new Sample(t, leaderless, unavailable, fenced, podBusy, opBusy));
      }
    } catch (RuntimeException e) {
      // a sample lost to a race with shutdown is harmless
    }
  }

  /** Stops sampling (one last sample first); the samples stay available. */
  void stop() {
    if (!exec.isShutdown()) {
      exec.shutdown();
      try {
        exec.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sample();
    }
  }

  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** Integrals over the samples (each sample holds until the next one). */
  record Totals(double seconds, double leaderlessPartitionSeconds,
      double unavailablePartitionSeconds, double fencedPartitionSeconds, double podWaitSeconds,
      double opWaitSeconds, double busySeconds, int maxLeaderless) {}

  /** Seconds since {@link #start()}. */
  double now() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Totals up to {@code end} seconds (samples after it are ignored). */
  Totals totals(double end) {
    List<Sample> s = new ArrayList<>(samples().stream().filter(x -> x.t() <= end).toList());
    if (!s.isEmpty()) {
      Sample last = s.get(s.size() - 1);
      s.add(new Sample(end, last.leaderless(), last.unavailable(), last.fenced(), last.podBusy(),
          last.opBusy()));
    }
    double leaderless = 0;
    double unavailable = 0;
    double fenced = 0;
    double pod = 0;
    double op = 0;
    double busy = 0;
    int max = 0;
    for (int i = 0; i + 1 < s.size(); i++) {
      Sample a = s.get(i);
      double dt = s.get(i + 1).t() - a.t();
      leaderless += a.leaderless() * dt;
      unavailable += a.unavailable() * dt;
      fenced += a.fenced() * dt;
      pod += a.podBusy() ? dt : 0;
      op += a.opBusy() ? dt : 0;
      // Waiting on the world: a pod restarting, an op running, or a fenced leader's follower
      // catching up (replication, not the operator's own work).
      busy += a.podBusy() || a.opBusy() || a.fenced() > 0 ? dt : 0;
      max = Math.max(max, a.leaderless());
    }
    double seconds = end;
    return new Totals(seconds, leaderless, unavailable, fenced, pod, op, busy, max);
  }

  @Override
  public void close() {
    stop();
  }
}
