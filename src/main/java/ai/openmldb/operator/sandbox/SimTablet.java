package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.openmldb.ProtoJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated tablet: registers {@code <root>/nodes/<endpoint>} (ephemeral; value {@code
 * startup_<endpoint>} at process start, {@code <endpoint>} when re-registering after its session
 * expired), publishes {@code map/names}, and serves {@code /TabletServer/GetTableStatus}. A new
 * process loads no partition by itself: the nameserver's RecoverTable loads them from disk.
 * If the previous process's registration still exists (session not expired yet) it retries until
 * it can register, like a quick {@code start.sh restart}.
 */
final class SimTablet extends SimProcess {
  private static final Logger LOG = LoggerFactory.getLogger(SimTablet.class);

  /** Partitions loaded in memory; guarded by the cluster lock. */
  final Set<SimulatedCluster.PartKey> loaded = new HashSet<>();
  private volatile SimHttpServer http;
  private volatile boolean registered;
  private volatile boolean started;

  SimTablet(SimulatedOpenMLDB runtime, SimulatedCluster cluster, PodProcessSpecView spec,
      String endpoint) {
    super(runtime, cluster, spec, endpoint);
  }

  @Override
  void boot() throws Exception {
    http = new SimHttpServer("TabletServer", "openmldb.api.TabletServer",
        (method, request) -> SimReply.of(handle(method, request)),
        () -> false, runtime.httpExecutor());
    putName(http.address());
    started = true;
    cluster.tabletStarted(this);
    zk.getConnectionStateListenable().addListener((c, s) -> {
      if (s == ConnectionState.LOST) {
        registered = false;
      } else if (s == ConnectionState.RECONNECTED) {
        events.execute(() -> register(false));
      }
    });
    register(true);
  }

  /** Creates the ephemeral registration, retrying while an old session's node still exists. */
  private void register(boolean startup) {
    String path = cluster.root + "/nodes/" + endpoint;
    byte[] value = ((startup ? "startup_" : "") + endpoint).getBytes(StandardCharsets.UTF_8);
    while (!stopped) {
      try {
        zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
            .forPath(path, value);
        registered = true;
        return;
      } catch (KeeperException.NodeExistsException e) {
        try {
          if (zk.checkExists().forPath(path).getEphemeralOwner()
              == zk.getZookeeperClient().getZooKeeper().getSessionId()) {
            registered = true;
            return;
          }
        } catch (Exception ignored) {
          // gone meanwhile: try again
        }
      } catch (Exception e) {
        LOG.debug("{}: register failed: {}", endpoint, e.toString());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private ObjectNode handle(String method, JsonNode request) {
    synchronized (cluster) {
      ObjectNode resp = null;
      if (method.equals("GetTableStatus")) {
        // TabletImpl::GetTableStatus: every partition loaded, or those of tid (and pid) if given
        resp = NameserverRpcs.ok();
        ArrayNode arr = resp.putArray("all_table_status");
        JsonNode tid = request.path("tid");
        JsonNode pid = request.path("pid");
        Iterable<SimulatedCluster.PartKey> shown = loaded;
        if (tid.isNumber() && pid.isNumber()) { // one partition: looked up, not scanned
          SimulatedCluster.PartKey one = new SimulatedCluster.PartKey(tid.asInt(), pid.asInt());
          shown = loaded.contains(one) ? java.util.List.of(one) : java.util.List.of();
        }
        for (SimulatedCluster.PartKey key : shown) {
          if ((tid.isNumber() && tid.asInt() != key.tid())
              || (pid.isNumber() && pid.asInt() != key.pid())) {
            continue;
          }
          ReplicaLog log = cluster.log(endpoint, key);
          arr.addObject()
              .put("tid", key.tid())
              .put("pid", key.pid())
              .put("offset", log == null ? 0 : log.offset())
              .put("mode", log != null && log.leaderMode ? "kTableLeader" : "kTableFollower")
              .put("state", "kTableNormal");
        }
      }
      cluster.recordCall(new RpcCall(Instant.now(), endpoint, method, request,
          resp == null ? -1 : 0));
      return resp;
    }
  }

  boolean running() {
    return started && !stopped;
  }

  /** Running and registered in ZooKeeper. */
  boolean serving() {
    return running() && registered;
  }

  @Override
  boolean ready() {
    return serving();
  }

  String address() {
    SimHttpServer h = http;
    return h == null ? null : h.address();
  }

  @Override
  void shutdown() {
    registered = false;
    cluster.tabletStopped(this);
    SimHttpServer h = http;
    if (h != null) {
      h.stop();
    }
  }
}
