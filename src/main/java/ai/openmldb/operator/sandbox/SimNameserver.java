package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.openmldb.ProtoJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated nameserver: waits on OpenMLDB's leader lock ({@code <root>/leader/lock_request*},
 * ephemeral sequential, value = its endpoint; the first child in sorted order leads), publishes
 * {@code map/names/<endpoint>}, serves {@code /NameServer/<Method>} over HTTP (non-leaders answer
 * 300), and, while leader, watches {@code <root>/nodes} to drive tablet offline/online handling.
 */
final class SimNameserver extends SimProcess {
  private static final Logger LOG = LoggerFactory.getLogger(SimNameserver.class);

  private final boolean autoFailoverFlag;
  private final NameserverRpcs rpcs;
  private volatile SimHttpServer http;
  private volatile String lockNode;
  private volatile CuratorCache leaderCache;
  private volatile CuratorCache nodesCache;
  private volatile boolean leader;
  private volatile boolean ready;

  SimNameserver(SimulatedOpenMLDB runtime, SimulatedCluster cluster, PodProcessSpecView spec,
      String endpoint, boolean autoFailoverFlag) {
    super(runtime, cluster, spec, endpoint);
    this.autoFailoverFlag = autoFailoverFlag;
    this.rpcs = new NameserverRpcs(cluster);
  }

  @Override
  void boot() throws Exception {
    http = new SimHttpServer("NameServer", "openmldb.nameserver.NameServer", this::handle,
        cluster::nameserverUnreachable, runtime.httpExecutor());
    putName(http.address());
    zk.getConnectionStateListenable().addListener((c, s) -> {
      if (s == ConnectionState.LOST || s == ConnectionState.SUSPENDED) {
        events.execute(this::loseLeadership);
      } else if (s == ConnectionState.RECONNECTED) {
        events.execute(() -> {
          ensureLock();
          evaluate();
        });
      }
    });
    ensureLock();
    cluster.nameserverStarted(this);
    leaderCache = CuratorCache.build(zk, cluster.root + "/leader");
    leaderCache.listenable().addListener(
        CuratorCacheListener.builder().forAll((t, o, n) -> events.execute(this::evaluate)).build());
    leaderCache.start();
    ready = true;
    evaluate();
  }

  private void ensureLock() {
    if (stopped) {
      return;
    }
    try {
      if (lockNode != null
          && zk.checkExists().forPath(cluster.root + "/leader/" + lockNode) != null) {
        return;
      }
      String path = zk.create().creatingParentContainersIfNeeded()
          .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
          .forPath(cluster.root + "/leader/lock_request",
              endpoint.getBytes(StandardCharsets.UTF_8));
      lockNode = ZKPaths.getNodeFromPath(path);
    } catch (Exception e) {
      LOG.debug("{}: cannot create lock node: {}", endpoint, e.toString());
    }
  }

  /** Leads when its lock node is the first child in sorted order. */
  private void evaluate() {
    if (stopped || lockNode == null) {
      return;
    }
    try {
      List<String> children = new ArrayList<>(zk.getChildren().forPath(cluster.root + "/leader"));
      children.removeIf(c -> !c.startsWith("lock_request"));
      children.sort(null);
      boolean first = !children.isEmpty() && children.get(0).equals(lockNode);
      if (first && !leader) {
        becomeLeader();
      } else if (!first && leader) {
        loseLeadership();
      }
    } catch (Exception e) {
      LOG.debug("{}: cannot evaluate leadership: {}", endpoint, e.toString());
    }
  }

  private void becomeLeader() throws Exception {
    boolean af = autoFailoverFlag;
    String afPath = cluster.root + "/config/auto_failover";
    if (zk.checkExists().forPath(afPath) != null) {
      // once confset wrote it, the znode overrides the flag
      af = Boolean.parseBoolean(new String(zk.getData().forPath(afPath), StandardCharsets.UTF_8));
    }
    // where ops are kept while they run (OpenMLDB creates the parents when it takes the lock);
    // a plain node: ZooKeeper deletes an empty container node within a minute, and the next op's
    // node could then not be created (its end went unannounced: a roll waited for it)
    try {
      zk.create().creatingParentsIfNeeded().forPath(cluster.root + "/op/op_data");
    } catch (KeeperException.NodeExistsException exists) {
      // kept from an earlier leader
    }
    leader = true;
    String heartbeat = spec.flags().get("tablet_heartbeat_timeout");
    if (heartbeat != null && heartbeat.matches("\\d+")) {
      // how long a vanished tablet waits before being offlined (OpenMLDB's default is 5 min)
      cluster.setTabletOfflineDelay(java.time.Duration.ofMillis(Long.parseLong(heartbeat)));
    }
    String concurrency = spec.flags().get("name_server_task_concurrency");
    if (concurrency != null && concurrency.matches("\\d{1,3}")) {
      // the op queues a leader fills: pid % name_server_task_concurrency; OpenMLDB spreads ops
      // over all its queues when the flag is 0 or not below their number
      int n = Integer.parseInt(concurrency);
      cluster.setTaskConcurrency(n >= 1 && n <= SimulatedCluster.MAX_TASK_CONCURRENCY
          ? n : SimulatedCluster.MAX_TASK_CONCURRENCY);
    }
    cluster.leadershipGained(this, af);
    CuratorCache nodes = CuratorCache.build(zk, cluster.root + "/nodes");
    String prefix = cluster.root + "/nodes/";
    nodes.listenable().addListener(CuratorCacheListener.builder()
        .forCreates(d -> {
          if (leader && d.getPath().startsWith(prefix)) {
            cluster.tabletNodeAdded(d.getPath().substring(prefix.length()), value(d));
          }
        })
        .forDeletes(d -> {
          if (leader && d.getPath().startsWith(prefix)) {
            cluster.tabletNodeRemoved(d.getPath().substring(prefix.length()));
          }
        })
        .forInitialized(() -> {
          Map<String, String> now = new TreeMap<>();
          nodes.stream().filter(d -> d.getPath().startsWith(prefix))
              .forEach(d -> now.put(d.getPath().substring(prefix.length()), value(d)));
          if (leader) {
            cluster.tabletsSynced(now);
          }
        })
        .build());
    nodesCache = nodes;
    nodes.start();
  }

  /**
   * {@code <root>/op/op_data/<op_id>} while an op is queued or running, as OpenMLDB's AddOPData
   * creates it and its end deletes it (OpenMLDB stores the OPInfo protobuf there; a summary
   * here). In the background: the cluster lock is held by the caller.
   */
  void opQueued(SimOp op) {
    if (!leader || stopped) {
      return;
    }
    byte[] value = (op.id + " " + op.type + " " + op.db + "." + op.name + "/" + op.pid)
        .getBytes(StandardCharsets.UTF_8);
    try {
      zk.create().creatingParentsIfNeeded().inBackground().forPath(opNode(op), value);
    } catch (Exception e) {
      LOG.debug("{}: cannot write op node {}: {}", endpoint, op.id, e.toString());
    }
  }

  void opEnded(SimOp op) {
    if (stopped) {
      return;
    }
    try {
      zk.delete().quietly().inBackground().forPath(opNode(op));
    } catch (Exception e) {
      LOG.debug("{}: cannot delete op node {}: {}", endpoint, op.id, e.toString());
    }
  }

  /**
   * Writes {@code <root>/table/notify} (OpenMLDB increments it; here the cluster's count of
   * metadata changes), in the background and in order: the cluster lock is held by the caller.
   */
  void notifyTableChanged(long changes) {
    if (!leader || stopped) {
      return;
    }
    try {
      zk.create().orSetData().creatingParentContainersIfNeeded().inBackground()
          .forPath(cluster.root + "/table/notify",
              Long.toString(changes).getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      LOG.debug("{}: cannot write table/notify: {}", endpoint, e.toString());
    }
  }

  private String opNode(SimOp op) {
    return cluster.root + "/op/op_data/" + op.id;
  }

  private static String value(ChildData d) {
    return d.getData() == null ? "" : new String(d.getData(), StandardCharsets.UTF_8);
  }

  private void loseLeadership() {
    if (!leader) {
      return;
    }
    leader = false;
    cluster.leadershipLost(this);
    CuratorCache n = nodesCache;
    nodesCache = null;
    if (n != null) {
      n.close();
    }
  }

  /** One RPC: non-leaders answer 300; the call log records every call in order. */
  private SimReply handle(String method, JsonNode request) {
    synchronized (cluster) {
      SimReply resp;
      if (!cluster.isLeader(endpoint) || cluster.takeNotLeaderAnswer()) {
        resp = SimReply.of(
            NameserverRpcs.general(NameserverRpcs.NOT_LEADER, "nameserver is not leader"));
      } else if (method.equals("ConfSet")) {
        resp = SimReply.of(confSet(request));
      } else {
        resp = rpcs.handle(method, request);
      }
      cluster.recordCall(new RpcCall(Instant.now(), endpoint, method, request,
          resp == null ? -1 : resp.code()));
      return resp;
    }
  }

  /** ConfSet accepts only auto_failover; the value is persisted at {@code config/auto_failover}. */
  private ObjectNode confSet(JsonNode request) {
    JsonNode conf = request.path("conf");
    String key = ProtoJson.text(conf, "key");
    String value = ProtoJson.text(conf, "value").toLowerCase();
    if (!key.equals("auto_failover")) {
      return NameserverRpcs.general(NameserverRpcs.INVALID_PARAMETER, "invalid key " + key);
    }
    if (!value.equals("true") && !value.equals("false")) {
      return NameserverRpcs.general(NameserverRpcs.INVALID_PARAMETER, "invalid value " + value);
    }
    String path = cluster.root + "/config/auto_failover";
    byte[] data = value.getBytes(StandardCharsets.UTF_8);
    try {
      if (zk.checkExists().forPath(path) == null) {
        zk.create().creatingParentsIfNeeded().forPath(path, data);
      } else {
        zk.setData().forPath(path, data);
      }
    } catch (KeeperException.NodeExistsException raced) {
      try {
        zk.setData().forPath(path, data);
      } catch (Exception e) {
        return NameserverRpcs.general(304, "set zk failed");
      }
    } catch (Exception e) {
      return NameserverRpcs.general(304, "set zk failed");
    }
    cluster.setAutoFailoverFromRpc(Boolean.parseBoolean(value));
    return NameserverRpcs.ok();
  }

  @Override
  boolean ready() {
    return ready && !stopped;
  }

  boolean leader() {
    return leader;
  }

  String address() {
    SimHttpServer h = http;
    return h == null ? null : h.address();
  }

  @Override
  void shutdown() {
    ready = false;
    leader = false;
    cluster.nameserverStopped(this);
    CuratorCache n = nodesCache;
    if (n != null) {
      n.close();
    }
    CuratorCache l = leaderCache;
    if (l != null) {
      l.close();
    }
    SimHttpServer h = http;
    if (h != null) {
      h.stop();
    }
  }
}
