package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.Component;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated OpenMLDB server process behind a pod: its own ZooKeeper session (so its
 * ephemeral registrations live and die with it), started in the background, stopped on pod
 * deletion. Subclasses add what the component registers and serves.
 */
abstract class SimProcess {
  private static final Logger LOG = LoggerFactory.getLogger(SimProcess.class);

  final SimulatedOpenMLDB runtime;
  final SimulatedCluster cluster;
  final PodProcessSpecView spec;
  final String endpoint;
  /** Serialises this process's ZooKeeper reactions (boot, leadership, re-registration). */
  final ExecutorService events;
  volatile CuratorFramework zk;
  volatile boolean stopped;

  /** The parts of a PodProcessSpec a process needs. */
  record PodProcessSpecView(
      String namespace, String podName, Component component, String version, int sessionTimeoutMs,
      java.util.Map<String, String> flags) {}

  SimProcess(SimulatedOpenMLDB runtime, SimulatedCluster cluster, PodProcessSpecView spec,
      String endpoint) {
    this.runtime = runtime;
    this.cluster = cluster;
    this.spec = spec;
    this.endpoint = endpoint;
    this.events = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sim-" + spec.podName());
      t.setDaemon(true);
      return t;
    });
  }

  final void start() {
    events.execute(() -> {
      try {
        if (stopped) {
          return;
        }
        zk = CuratorFrameworkFactory.builder()
            .connectString(cluster.zkConnect)
            .sessionTimeoutMs(spec.sessionTimeoutMs())
            .connectionTimeoutMs(5_000)
            .retryPolicy(new ExponentialBackoffRetry(100, 10, 1_000))
            .build();
        zk.start();
        while (!stopped && !zk.blockUntilConnected(1, TimeUnit.SECONDS)) {
          LOG.debug("{} waiting for ZooKeeper", spec.podName());
        }
        if (!stopped) {
          boot();
        }
      } catch (Exception e) {
        if (!stopped) {
          LOG.warn("simulated {} {} failed to start: {}", spec.component().id(), spec.podName(),
              e.toString());
        }
      }
    });
  }

  /** Component-specific start, on the events thread, with a connected ZooKeeper client. */
  abstract void boot() throws Exception;

  /** What a readiness probe would say. */
  abstract boolean ready();

  /** Component-specific teardown (before the ZooKeeper session is closed). */
  abstract void shutdown();

  final void stop() {
    stopped = true;
    try {
      shutdown();
    } catch (RuntimeException e) {
      LOG.debug("shutdown of {}", spec.podName(), e);
    }
    CuratorFramework c = zk;
    if (c != null) {
      c.close(); // closes the session: ephemeral registrations vanish now
    }
    events.shutdownNow();
  }

  /** Expires this process's ZooKeeper session (chaos): its ephemeral nodes vanish. */
  final void expireSession() throws Exception {
    // the server-side way: close the same session from a second handle, so ZooKeeper deletes
    // the ephemerals at once and the process's own client then learns its session expired
    org.apache.zookeeper.ZooKeeper own = zk.getZookeeperClient().getZooKeeper();
    java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
    org.apache.zookeeper.ZooKeeper killer = new org.apache.zookeeper.ZooKeeper(
        cluster.zkConnect, spec.sessionTimeoutMs(), e -> {
          if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
            connected.countDown();
          }
        }, own.getSessionId(), own.getSessionPasswd());
    try {
      if (!connected.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("cannot attach to the session of " + spec.podName());
      }
    } finally {
      killer.close();
    }
  }

  /** {@code <root>/map/names/<endpoint>} = real address, as OpenMLDB's {@code use_name} does. */
  final void putName(String address) throws Exception {
    String path = cluster.root + "/map/names/" + endpoint;
    byte[] data = address.getBytes(StandardCharsets.UTF_8);
    try {
      zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, data);
    } catch (KeeperException.NodeExistsException e) {
      zk.setData().forPath(path, data);
    }
  }
}
