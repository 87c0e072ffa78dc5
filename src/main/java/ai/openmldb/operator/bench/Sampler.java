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
import java.util.function.BiPredicate;

/**
 * Watches one simulated cluster from the outside while a way upgrades it, every {@link
 * #PERIOD_MS}: how many partitions are leaderless (no running tablet holds the partition as
 * leader), write-unavailable (a write would be refused now), fenced (a leader still serves but
 * the metadata marked it not alive), and whether the world is busy: a pod is not ready (being
 * restarted) or a nameserver op is unfinished. Integrating the samples gives the partition-seconds
 * and the explicit wait times that the overhead is computed from.
 *
 * <p>A pod is not ready while its process is not ready or, where pods live in a Kubernetes API
 * (the operator way), while the kubelet has not yet reported it Ready there ({@link
 * ReportedReadiness}): the restart of a pod ends with that report.
 */
final class Sampler implements AutoCloseable {
  static final long PERIOD_MS = 10;

  /** One observation. {@code t} is seconds since {@link #start()}. */
  record Sample(double t, int leaderless, int unavailable, int fenced, boolean podBusy,
      boolean opBusy) {}

  private final SimulatedCluster cluster;
  private final PodProcessRuntime runtime;
  private final BiPredicate<String, String> reportedReady;
  private final String namespace;
  private final List<String> pods;
  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-sampler");
    t.setDaemon(true);
    return t;
  });
  private long startNanos;
  private volatile double rollStart;

  Sampler(SimulatedCluster cluster, PodProcessRuntime runtime, String namespace, List<String> pods) {
    this(cluster, runtime, (ns, pod) -> true, namespace, pods);
  }

  /** @param reportedReady a pod's Ready condition as reported to the Kubernetes API */
  Sampler(SimulatedCluster cluster, PodProcessRuntime runtime,
      BiPredicate<String, String> reportedReady, String namespace, List<String> pods) {
    this.cluster = cluster;
    this.runtime = runtime;
    this.reportedReady = reportedReady;
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
        if (!runtime.ready(namespace, pod) || !reportedReady.test(namespace, pod)) {
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

  /**
   * Marks the start of the roll: when the way knows it later than this sampler's start (the
   * operator's roll starts when the API server has accepted the version change, not when the
   * bench's client began sending it). Totals count from here.
   */
  void markRollStart() {
    rollStart = now();
  }

  /** Seconds from this sampler's start to the roll's start (0 unless marked). */
  double rollStart() {
    return rollStart;
  }

  /**
   * Totals from the roll's start (see {@link #markRollStart()}) up to {@code end} seconds since
   * this sampler's start; samples outside are ignored, the state at the start is the last sample
   * before it.
   */
  Totals totals(double end) {
    double start = rollStart;
    List<Sample> s = new ArrayList<>();
    Sample before = null;
    for (Sample x : samples()) {
      if (x.t() <= start) {
        before = x;
      } else if (x.t() <= end) {
        s.add(x);
      }
    }
    if (before != null) {
      s.add(0, new Sample(start, before.leaderless(), before.unavailable(), before.fenced(),
          before.podBusy(), before.opBusy()));
    }
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
    double seconds = end - start;
    return new Totals(seconds, leaderless, unavailable, fenced, pod, op, busy, max);
  }

  /** A stretch of the roll in which the world waited on nothing: the way's own time. */
  record Gap(double start, double seconds, String before, String after) {}

  /**
   * The idle stretches of the roll up to {@code end}, in order, each with what the world was
   * busy with just before and just after it ({@code pod}, {@code op}, {@code fenced}): where the
   * overhead goes, step transition by step transition.
   */
  List<Gap> gaps(double end) {
    List<Gap> gaps = new ArrayList<>();
    Sample before = null;
    Sample idleSince = null; // the first idle sample of the open gap, if one is open
    String idleAfter = null; // what the world was busy with before it
    for (Sample x : samples()) {
      if (x.t() < rollStart || x.t() > end) {
        continue;
      }
      boolean busy = x.podBusy() || x.opBusy() || x.fenced() > 0;
      if (!busy && idleSince == null) {
        idleSince = x;
        idleAfter = before == null ? "start" : busyWith(before);
      } else if (busy && idleSince != null) {
        gaps.add(new Gap(idleSince.t(), x.t() - idleSince.t(), idleAfter, busyWith(x)));
        idleSince = null;
      }
      before = x;
    }
    if (idleSince != null) {
      gaps.add(new Gap(idleSince.t(), end - idleSince.t(), idleAfter, "end"));
    }
    return gaps;
  }

  private static String busyWith(Sample s) {
    List<String> what = new ArrayList<>();
    if (s.podBusy()) {
      what.add("pod");
    }
    if (s.opBusy()) {
      what.add("op");
    }
    if (s.fenced() > 0) {
      what.add("fenced");
    }
    return String.join("+", what);
  }

  /** Nanotime of {@link #start()}, to line the samples up with other clocks. */
  long startNanos() {
    return startNanos;
  }

  @Override
  public void close() {
    stop();
  }
}
