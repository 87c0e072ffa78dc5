package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.openmldb.ProtoJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The leader nameserver's RPCs (openmldb-protocol.md §2) over a {@link SimulatedCluster}'s state,
 * with OpenMLDB's return codes ({@code src/base/status.h}) and checks. Called with the cluster
 * lock held. Responses follow brpc's JSON mapping of {@code name_server.proto}; the listings are
 * snapshots written after the lock is released ({@link SimReply}).
 */
final class NameserverRpcs {
  static final int OK = 0;
  static final int TABLE_NOT_EXIST = 100;
  static final int NO_FOLLOWER = 134;
  static final int NOT_LEADER = 300;
  static final int AUTO_FAILOVER_ENABLED = 301;
  static final int ENDPOINT_NOT_EXIST = 302;
  static final int TABLET_NOT_HEALTHY = 303;
  static final int INVALID_PARAMETER = 307;
  static final int PID_NOT_EXIST = 308;
  static final int LEADER_IS_ALIVE = 309;
  static final int NO_ALIVE_FOLLOWER = 310;
  static final int PARTITION_IS_ALIVE = 311;
  static final int OP_NOT_RUNNING = 312;
  static final int PID_ALREADY_EXISTS = 317;
  static final int MIGRATE_FAILED = 320;
  static final int DATABASE_NOT_FOUND = 802;

  /** The RPCs that OpenMLDB refuses while auto-failover is on. */
  static final Set<String> REFUSED_WITH_AUTO_FAILOVER =
      Set.of("ChangeLeader", "RecoverTable", "Migrate", "UpdateTableAliveStatus",
          "OfflineEndpoint", "RecoverEndpoint", "CancelOP");

  private final SimulatedCluster c;

  NameserverRpcs(SimulatedCluster cluster) {
    this.c = cluster;
  }

  static ObjectNode general(int code, String msg) {
    return ProtoJson.object().put("code", code).put("msg", msg);
  }

  static ObjectNode ok() {
    return general(OK, "ok");
  }

  /** Dispatches one RPC; null for a method the simulator does not serve (HTTP 404). */
  SimReply handle(String method, JsonNode r) {
    if (c.autoFailover() && REFUSED_WITH_AUTO_FAILOVER.contains(method)) {
      return SimReply.of(general(AUTO_FAILOVER_ENABLED, "auto_failover is enabled"));
    }
    return switch (method) {
      case "ShowTable" -> showTable(r);
      case "ShowOPStatus" -> showOpStatus(r);
      default -> SimReply.of(mutateOrShow(method, r));
    };
  }

  private ObjectNode mutateOrShow(String method, JsonNode r) {
    return switch (method) {
      case "ShowTablet" -> showTablet();
      case "ShowDatabase" -> showDatabase();
      case "ConfGet" -> confGet();
      case "ChangeLeader" -> changeLeader(r);
      case "AddReplicaNS" -> addReplica(r);
      case "DelReplicaNS" -> delReplica(r);
      case "RecoverTable" -> recoverTable(r);
      case "RecoverEndpoint" -> recoverEndpoint(r);
      case "OfflineEndpoint" -> offlineEndpoint(r);
      case "Migrate" -> migrate(r);
      case "UpdateTableAliveStatus" -> updateTableAliveStatus(r);
      case "CancelOP" -> cancelOp(r);
      case "SetTablePartition" -> general(AUTO_FAILOVER_ENABLED,
          "set table partition is not supported by the simulator");
      default -> null;
    };
  }

  private ObjectNode showTablet() {
    ObjectNode resp = ok();
    ArrayNode arr = resp.putArray("tablets");
    long now = System.currentTimeMillis();
    for (Map.Entry<String, SimulatedCluster.TabletRecord> e : c.tabletRecords().entrySet()) {
      arr.addObject()
          .put("endpoint", e.getKey())
          .put("real_endpoint", c.realEndpoint(e.getKey()))
          .put("state", e.getValue().state)
          .put("age", now - e.getValue().ctimeMs);
    }
    return resp;
  }

  private SimReply showTable(JsonNode r) {
    boolean all = ProtoJson.bool(r, "show_all", false);
    String db = ProtoJson.text(r, "db");
    String name = ProtoJson.text(r, "name");
    List<SimTable> shown = new ArrayList<>();
    for (SimTable t : c.tablesList()) {
      // default-db tables always; every db with show_all; else the named db (OpenMLDB's ShowTable)
      if (!t.db.isEmpty() && !all && (db.isEmpty() || !t.db.equals(db))) {
        continue;
      }
      if (!name.isEmpty() && !t.name.equals(name)) {
        continue;
      }
      shown.add(t);
    }
    return ShowTableReply.of(c, shown);
  }

  private ObjectNode showDatabase() {
    ObjectNode resp = ok();
    ArrayNode arr = resp.putArray("db");
    c.databasesSet().forEach(arr::add);
    return resp;
  }

  private SimReply showOpStatus(JsonNode r) {
    List<SimOp> listed = new ArrayList<>();
    for (SimOp op : c.opsList()) {
      if (ProtoJson.has(r, "op_id") && op.id != ProtoJson.int64(r, "op_id")) {
        continue;
      }
      if (ProtoJson.has(r, "name") && !op.name.equals(ProtoJson.text(r, "name"))) {
        continue;
      }
      if (ProtoJson.has(r, "db") && !op.db.equals(ProtoJson.text(r, "db"))) {
        continue;
      }
      if (ProtoJson.has(r, "pid") && op.pid != ProtoJson.int32(r, "pid")) {
        continue;
      }
      listed.add(op);
    }
    return ShowOpStatusReply.of(listed);
  }

  private ObjectNode confGet() {
    ObjectNode resp = ok();
    resp.putArray("conf").addObject().put("key", "auto_failover")
        .put("value", Boolean.toString(c.autoFailover()));
    return resp;
  }

  // ---- helpers ----

  private record Target(SimTable table, SimTable.Partition partition) {}

  /** Finds db.name/pid or returns the error response in {@code error[0]}. */
  private Target target(JsonNode r, ObjectNode[] error) {
    SimTable t = c.tableOf(ProtoJson.text(r, "db"), ProtoJson.text(r, "name"));
    if (t == null) {
      error[0] = general(TABLE_NOT_EXIST, "table does not exist");
      return null;
    }
    Optional<SimTable.Partition> p = t.partition(ProtoJson.int32(r, "pid"));
    if (p.isEmpty()) {
      error[0] = general(PID_NOT_EXIST, "pid does not exist");
      return null;
    }
    return new Target(t, p.get());
  }

  private ObjectNode requireHealthy(String ep) {
    if (!c.tabletKnown(ep)) {
      return general(ENDPOINT_NOT_EXIST, "endpoint does not exist");
    }
    if (!c.tabletHealthy(ep)) {
      return general(TABLET_NOT_HEALTHY, "tablet is not healthy");
    }
    return null;
  }

  // ---- mutating RPCs ----

  private ObjectNode changeLeader(JsonNode r) {
    ObjectNode[] err = new ObjectNode[1];
    Target tg = target(r, err);
    if (tg == null) {
      return err[0];
    }
    SimTable.Partition p = tg.partition();
    if (p.replicas.size() == 1) {
      return general(NO_FOLLOWER, "no follower");
    }
    boolean hasCandidate = ProtoJson.has(r, "candidate_leader");
    List<String> followers = new ArrayList<>();
    for (SimTable.Meta m : p.replicas) {
      if (m.alive) {
        if (!m.leader) {
          followers.add(m.endpoint);
        } else if (!hasCandidate) {
          return general(LEADER_IS_ALIVE, "leader is alive");
        }
      }
    }
    if (followers.isEmpty()) {
      return general(NO_ALIVE_FOLLOWER, "no alive follower");
    }
    String candidate = ProtoJson.text(r, "candidate_leader");
    if (!hasCandidate || candidate.equals("auto")) {
      candidate = null;
    } else if (!followers.contains(candidate)) {
      return general(INVALID_PARAMETER, "candidate_leader " + candidate + " is not alive follower");
    }
    c.changeLeaderOp(tg.table(), p.pid, candidate);
    return ok();
  }

  private ObjectNode addReplica(JsonNode r) {
    ObjectNode[] err = new ObjectNode[1];
    Target tg = target(r, err);
    if (tg == null) {
      return err[0];
    }
    String ep = ProtoJson.text(r, "endpoint");
    ObjectNode bad = requireHealthy(ep);
    if (bad != null) {
      return bad;
    }
    if (tg.partition().replica(ep).isPresent()) {
      return general(PID_ALREADY_EXISTS, "pid is exist in endpoint " + ep);
    }
    List<Integer> pids = new ArrayList<>();
    ProtoJson.repeated(r, "pid_group").forEach(n -> pids.add(n.asInt()));
    if (pids.isEmpty()) {
      pids.add(tg.partition().pid);
    }
    for (int pid : pids) {
      c.addReplicaNsOp(tg.table(), pid, ep);
    }
    return ok();
  }

  private ObjectNode delReplica(JsonNode r) {
    ObjectNode[] err = new ObjectNode[1];
    Target tg = target(r, err);
    if (tg == null) {
      return err[0];
    }
    String ep = ProtoJson.text(r, "endpoint");
    Optional<SimTable.Meta> m = tg.partition().replica(ep);
    if (m.isEmpty()) {
      return general(INVALID_PARAMETER, "endpoint " + ep + " holds no replica of this partition");
    }
    if (m.get().leader) {
      return general(INVALID_PARAMETER, "cannot del leader replica");
    }
    c.delReplicaOp(tg.table(), tg.partition().pid, ep);
    return ok();
  }

  private ObjectNode recoverTable(JsonNode r) {
    String ep = ProtoJson.text(r, "endpoint");
    ObjectNode bad = requireHealthy(ep);
    if (bad != null) {
      return bad;
    }
    ObjectNode[] err = new ObjectNode[1];
    Target tg = target(r, err);
    if (tg == null) {
      return err[0];
    }
    Optional<SimTable.Meta> m = tg.partition().replica(ep);
    if (m.isEmpty()) {
      return general(PID_NOT_EXIST, "pid does not exist");
    }
    if (m.get().alive) {
      return general(PARTITION_IS_ALIVE, "table is alive, need not recover");
    }
    c.recoverTableOp(tg.table(), tg.partition().pid, ep);
    return ok();
  }

  private ObjectNode recoverEndpoint(JsonNode r) {
    String ep = ProtoJson.text(r, "endpoint");
    ObjectNode bad = requireHealthy(ep);
    if (bad != null) {
      return bad;
    }
    c.recoverEndpointInternal(ep, ProtoJson.bool(r, "need_restore", false));
    return ok();
  }

  private ObjectNode offlineEndpoint(JsonNode r) {
    String ep = ProtoJson.text(r, "endpoint");
    if (!c.tabletKnown(ep)) {
      return general(ENDPOINT_NOT_EXIST, "endpoint does not exist");
    }
    c.offlineEndpointInternal(ep);
    return ok();
  }

  private ObjectNode migrate(JsonNode r) {
    String src = ProtoJson.text(r, "src_endpoint");
    String des = ProtoJson.text(r, "des_endpoint");
    if (!c.tabletHealthy(src)) {
      return general(318, "src_endpoint is not exist or not healthy");
    }
    if (!c.tabletHealthy(des)) {
      return general(319, "des_endpoint is not exist or not healthy");
    }
    SimTable t = c.tableOf(ProtoJson.text(r, "db"), ProtoJson.text(r, "name"));
    if (t == null) {
      return general(TABLE_NOT_EXIST, "table does not exist");
    }
    List<JsonNode> pids = ProtoJson.repeated(r, "pid");
    for (JsonNode pn : pids) {
      Optional<SimTable.Partition> p = t.partition(pn.asInt());
      if (p.isEmpty()) {
        return general(PID_NOT_EXIST, "pid " + pn.asInt() + " is not exist");
      }
      Optional<SimTable.Meta> m = p.get().replica(src);
      if (m.isEmpty() || m.get().leader) {
        return general(MIGRATE_FAILED, "pid " + pn.asInt() + " is leader or not on src_endpoint");
      }
      if (p.get().replica(des).isPresent()) {
        return general(MIGRATE_FAILED, "pid " + pn.asInt() + " already on des_endpoint");
      }
    }
    for (JsonNode pn : pids) {
      c.addReplicaOp(t, pn.asInt(), des);
      c.delReplicaOp(t, pn.asInt(), src);
    }
    return ok();
  }

  private ObjectNode updateTableAliveStatus(JsonNode r) {
    SimTable t = c.tableOf(ProtoJson.text(r, "db"), ProtoJson.text(r, "name"));
    if (t == null) {
      return general(TABLE_NOT_EXIST, "table does not exist");
    }
    String ep = ProtoJson.text(r, "endpoint");
    boolean alive = ProtoJson.bool(r, "is_alive", true);
    boolean onePid = ProtoJson.has(r, "pid");
    boolean found = false;
    for (SimTable.Partition p : t.partitions) {
      if (onePid && p.pid != ProtoJson.int32(r, "pid")) {
        continue;
      }
      Optional<SimTable.Meta> m = p.replica(ep);
      if (m.isPresent()) {
        m.get().alive = alive;
        found = true;
      }
    }
    if (!found) {
      return general(onePid ? PID_NOT_EXIST : ENDPOINT_NOT_EXIST,
          "no replica of " + t.name + " on " + ep);
    }
    c.metadataChanged(); // UpdateZkTableNode -> NotifyTableChanged
    return ok();
  }

  private ObjectNode cancelOp(JsonNode r) {
    Optional<SimOp> op = c.op(ProtoJson.int64(r, "op_id"));
    if (op.isEmpty() || op.get().finished()) {
      return general(OP_NOT_RUNNING, "op status is not kDoing or kInited");
    }
    c.cancel(op.get());
    return ok();
  }
}
