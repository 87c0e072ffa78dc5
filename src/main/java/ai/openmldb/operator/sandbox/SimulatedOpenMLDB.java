package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.Component;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated OpenMLDB processes behind pods ({@link PodProcessRuntime}): a pod's container
 * start runs a simulated nameserver, tablet, apiserver or taskmanager from its flags ({@code
 * endpoint}, {@code zk_cluster}, {@code zk_root_path}, {@code auto_failover}, {@code
 * zk_session_timeout}); pod deletion stops it, closing its ZooKeeper session. Processes sharing a
 * ZooKeeper connect string and root path form one {@link SimulatedCluster}.
 *
 * <p>Without Kubernetes (tests), {@link #launch} starts a whole cluster with the pod names and
 * endpoints the operator's StatefulSets would give.
 */
public final class SimulatedOpenMLDB implements PodProcessRuntime, AutoCloseable {

  /**
   * Defaults of new clusters (each cluster's switches can be changed later).
   *
   * @param opLatency time every nameserver op spends in kDoing
   * @param replicationLag delay before a follower receives an entry the leader acknowledged
   * @param tabletOfflineDelay how long a vanished tablet registration waits before the nameserver
   *     offlines it (OpenMLDB's {@code tablet_heartbeat_timeout})
   * @param catchUpTolerance entries a recovering or added replica may lag and count as caught up
   *     (OpenMLDB's {@code check_binlog_sync_progress_delta}, 100,000)
   * @param taskConcurrency the nameserver's {@code name_server_task_concurrency}: ops run in that
   *     many FIFO queues, by {@code pid % taskConcurrency} (OpenMLDB's default 2, at most its
   *     {@code name_server_task_max_concurrency}, 8); a nameserver started with the flag uses it
   * @param tableStatusInterval how often the nameserver refreshes the replicas' offsets it shows
   *     in {@code ShowTable} from the tablets (OpenMLDB's {@code get_table_status_interval},
   *     2000 ms: {@code NameServerImpl::UpdateTableStatus}); zero shows live offsets
   */
  public record Settings(
      Duration opLatency, Duration replicationLag, Duration tabletOfflineDelay,
      long catchUpTolerance, int taskConcurrency, Duration tableStatusInterval) {
    /** OpenMLDB's {@code get_table_status_interval} default (src/flags.cc). */
    public static final Duration TABLE_STATUS_INTERVAL = Duration.ofMillis(2000);

    public Settings {
      SimulatedCluster.checkTaskConcurrency(taskConcurrency);
      if (tableStatusInterval.isNegative()) {
        throw new IllegalArgumentException("negative table status interval");
      }
    }

    public static Settings defaults() {
      return new Settings(Duration.ofMillis(100), Duration.ZERO, Duration.ZERO, 100_000,
          SimulatedCluster.DEFAULT_TASK_CONCURRENCY, TABLE_STATUS_INTERVAL);
    }

    public Settings withOpLatency(Duration d) {
      return new Settings(d, replicationLag, tabletOfflineDelay, catchUpTolerance,
          taskConcurrency, tableStatusInterval);
    }

    public Settings withReplicationLag(Duration d) {
      return new Settings(opLatency, d, tabletOfflineDelay, catchUpTolerance, taskConcurrency,
          tableStatusInterval);
    }

    public Settings withTabletOfflineDelay(Duration d) {
      return new Settings(opLatency, replicationLag, d, catchUpTolerance, taskConcurrency,
          tableStatusInterval);
    }

    public Settings withTaskConcurrency(int n) {
      return new Settings(opLatency, replicationLag, tabletOfflineDelay, catchUpTolerance, n,
          tableStatusInterval);
    }

    public Settings withTableStatusInterval(Duration d) {
      return new Settings(opLatency, replicationLag, tabletOfflineDelay, catchUpTolerance,
          taskConcurrency, d);
    }
  }

  private final Settings settings;
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(2, daemon("sim-openmldb"));
  private final ExecutorService httpExecutor = Executors.newCachedThreadPool(daemon("sim-http"));
  private final Map<String, SimulatedCluster> clusters = new ConcurrentHashMap<>();
  private final Map<String, SimProcess> processes = new ConcurrentHashMap<>();

  public SimulatedOpenMLDB() {
    this(Settings.defaults());
  }

  public SimulatedOpenMLDB(Settings settings) {
    this.settings = settings;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  ExecutorService httpExecutor() {
    return httpExecutor;
  }

  /** The cluster at a ZooKeeper connect string and root path (created empty on first use). */
  public SimulatedCluster cluster(String zkConnect, String rootPath) {
    String root = normalize(rootPath);
    return clusters.computeIfAbsent(zkConnect + root,
        k -> new SimulatedCluster(zkConnect, root, scheduler, settings));
  }

  public List<SimulatedCluster> clusters() {
    return new ArrayList<>(clusters.values());
  }

  private static String normalize(String root) {
    String r = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    return r.startsWith("/") ? r : "/" + r;
  }

  // ---- PodProcessRuntime ----

  @Override
  public void start(PodProcessSpec spec) {
    String key = spec.namespace() + "/" + spec.podName();
    SimProcess old = processes.remove(key);
    if (old != null) {
      old.stop();
    }
    Map<String, String> f = spec.flags();
    String zkConnect = require(f, "zk_cluster", spec);
    String root = require(f, "zk_root_path", spec);
    String endpoint = f.getOrDefault("endpoint", spec.podName() + ":" + spec.component().port());
    int session = Integer.parseInt(f.getOrDefault("zk_session_timeout", "2000"));
    SimProcess.PodProcessSpecView view = new SimProcess.PodProcessSpecView(
        spec.namespace(), spec.podName(), spec.component(), spec.version(), session, f);
    SimulatedCluster cluster = cluster(zkConnect, root);
    SimProcess p = switch (spec.component()) {
      case NAMESERVER -> new SimNameserver(this, cluster, view, endpoint,
          Boolean.parseBoolean(f.getOrDefault("auto_failover", "false")));
      case TABLET -> new SimTablet(this, cluster, view, endpoint);
      case APISERVER, TASKMANAGER -> new SimAuxProcess(this, cluster, view, endpoint);
    };
    processes.put(key, p);
    p.start();
  }

  private static String require(Map<String, String> flags, String name, PodProcessSpec spec) {
    String v = flags.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(
          "pod " + spec.namespace() + "/" + spec.podName() + " has no --" + name + " flag");
    }
    return v;
  }

  @Override
  public void stop(String namespace, String podName) {
    SimProcess p = processes.remove(namespace + "/" + podName);
    if (p != null) {
      p.stop();
    }
  }

  @Override
  public boolean ready(String namespace, String podName) {
    SimProcess p = processes.get(namespace + "/" + podName);
    return p != null && p.ready();
  }

  /** True while a process runs for the pod (started, not stopped). */
  public boolean running(String namespace, String podName) {
    return processes.containsKey(namespace + "/" + podName);
  }

  /** The version (image tag) the pod's process runs. */
  public Optional<String> version(String namespace, String podName) {
    return Optional.ofNullable(processes.get(namespace + "/" + podName)).map(p -> p.spec.version());
  }

  /** The OpenMLDB endpoint (name) of the pod's process. */
  public Optional<String> endpoint(String namespace, String podName) {
    return Optional.ofNullable(processes.get(namespace + "/" + podName)).map(p -> p.endpoint);
  }

  /** Expires the pod's ZooKeeper session (chaos): its ephemeral registrations vanish. */
  public void expireSession(String namespace, String podName) throws Exception {
    SimProcess p = processes.get(namespace + "/" + podName);
    if (p == null) {
      throw new IllegalArgumentException("no process for " + namespace + "/" + podName);
    }
    p.expireSession();
  }

  // ---- without Kubernetes ----

  /** {@code <cluster>-<component>-<i>.<cluster>-<component>.<ns>.svc.cluster.local:<port>}. */
  public static String endpoint(String namespace, String cluster, Component c, int ordinal) {
    String svc = cluster + "-" + c.id();
    return svc + "-" + ordinal + "." + svc + "." + namespace + ".svc.cluster.local:" + c.port();
  }

  /** What the operator's StatefulSet pod {@code <cluster>-<component>-<i>} would run. */
  public static PodProcessSpec podSpec(String namespace, String cluster, Component c, int ordinal,
      String version, String zkConnect, String rootPath, boolean autoFailover) {
    Map<String, String> flags = new HashMap<>();
    flags.put("endpoint", endpoint(namespace, cluster, c, ordinal));
    flags.put("zk_cluster", zkConnect);
    flags.put("zk_root_path", rootPath);
    flags.put("use_name", "true");
    if (c == Component.NAMESERVER) {
      flags.put("auto_failover", Boolean.toString(autoFailover));
    }
    return new PodProcessSpec(namespace, cluster + "-" + c.id() + "-" + ordinal, c,
        "4pdosc/openmldb-online:" + version, flags);
  }

  /**
   * Starts nameservers and tablets of a cluster as the operator's pods would run them and waits
   * (up to 30 s) until every one is ready and a nameserver leads. For tests and tools only.
   */
  public SimulatedCluster launch(String namespace, String clusterName, String zkConnect,
      String rootPath, String version, int nameservers, int tablets, boolean autoFailover) {
    List<PodProcessSpec> specs = new ArrayList<>();
    for (int i = 0; i < nameservers; i++) {
      specs.add(podSpec(namespace, clusterName, Component.NAMESERVER, i, version, zkConnect,
          rootPath, autoFailover));
    }
    for (int i = 0; i < tablets; i++) {
      specs.add(podSpec(namespace, clusterName, Component.TABLET, i, version, zkConnect,
          rootPath, autoFailover));
    }
    specs.forEach(this::start);
    SimulatedCluster cluster = cluster(zkConnect, rootPath);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!(specs.stream().allMatch(s -> ready(s.namespace(), s.podName()))
        && (nameservers == 0 || cluster.nameserverLeader().isPresent()))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("simulated cluster " + clusterName + " not ready in 30s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return cluster;
  }

  @Override
  public void close() {
    // stop every process at once: each closes a ZooKeeper session and an HTTP server
    List<Thread> stopping = new ArrayList<>();
    for (String key : new ArrayList<>(processes.keySet())) {
      SimProcess p = processes.remove(key);
      if (p != null) {
        Thread t = new Thread(p::stop, "sim-stop");
        t.setDaemon(true);
        t.start();
        stopping.add(t);
      }
    }
    for (Thread t : stopping) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    scheduler.shutdownNow();
    httpExecutor.shutdownNow();
  }
}
