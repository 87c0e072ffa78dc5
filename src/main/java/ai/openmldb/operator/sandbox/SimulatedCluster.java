package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.openmldb.ProtoJson;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated OpenMLDB cluster (one ZooKeeper connect string and root path): what its
 * nameserver leader knows (tables, partitions, replicas, tablets, ops, the auto-failover switch),
 * what its tablets hold (every replica's binlog, which survives a tablet restart like a pod's
 * volume), and the chaos switches tests use. The processes ({@link SimNameserver}, {@link
 * SimTablet}) register in the real ZooKeeper; this object is the state they share, guarded by its
 * own lock.
 *
 * <p>Helpers for tests and the sandbox: {@link #createTable} (replicas placed round-robin over the
 * live tablets, leader first), {@link #write} (the client-like write path used by {@link
 * WriteLoadGenerator}), {@link #calls()} (the ordered RPC log).
 */
public final class SimulatedCluster {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);
  /** OpenMLDB's {@code name_server_task_concurrency} default. */
  public static final int DEFAULT_TASK_CONCURRENCY = 2;
  /** OpenMLDB's {@code name_server_task_max_concurrency} default: the op queues that exist. */
  public static final int MAX_TASK_CONCURRENCY = 8;
  static final int MAX_OPS_LISTED = 10_000;

  final String zkConnect;
  final String root;
  final ScheduledExecutorService exec;

  // ---- nameserver metadata ----
  private final Map<String, SimTable> tables = new LinkedHashMap<>();
  private final Set<String> databases = new TreeSet<>();
  private int nextTid = 1;
  private final Map<String, TabletRecord> tabletRecords = new TreeMap<>();
  private String leader;
  private boolean autoFailover;
  private final List<SimOp> ops = new ArrayList<>();
  private long lastOpId;
  private final Map<Integer, ArrayDeque<SimOp>> queues = new TreeMap<>();
  private int taskConcurrency;
  private final List<RpcCall> calls = new ArrayList<>();

  // ---- tablets' data and the running processes ----
  private final Map<String, Map<PartKey, ReplicaLog>> disk = new HashMap<>();
  final Map<String, SimTablet> tablets = new HashMap<>();
  final Map<String, SimNameserver> nameservers = new HashMap<>();
  private final AtomicLong writeSeq = new AtomicLong();
  private long tableChanges;

  // ---- switches ----
  private Duration opLatency;
  private Duration replicationLag;
  private Duration tabletOfflineDelay;
  private long catchUpTolerance;
  private Duration tableStatusInterval;
  private ScheduledFuture<?> tableStatusRefresh;
  private final List<String> failNextOps = new ArrayList<>();
  private final List<Promotion> promotions = new ArrayList<>();
  private long nameserverUnreachableUntilNanos;
  private int answerNotLeader;

  record PartKey(int tid, int pid) {
    /**
     * Not the record's 31 * tid + pid, which collides when one tablet holds many partitions of
     * several tables (10 tables of 1,000 partitions on one tablet: ~9 keys probed per lookup);
     * a multiplicative hash of tid keeps that near 1.4 (a tablet of the scale check's ~300
     * replicas: 1.9 instead of 1.2, both in cache).
     */
    @Override
    public int hashCode() {
      return tid * 0x9E3779B9 + pid;
    }
  }

  /** What the nameserver knows of one tablet ({@code TabletInfo}: state, ctime). */
  static final class TabletRecord {
    String state = "kHealthy";
    long ctimeMs = System.currentTimeMillis();
    boolean registered;
    boolean wentAway;
    boolean offlined;
    ScheduledFuture<?> pendingOffline;
  }

  /** The outcome of one write through the client-like path. */
  public record WriteOutcome(boolean acknowledged, long id, String leader, String refusal) {}

  SimulatedCluster(
      String zkConnect, String root, ScheduledExecutorService exec, SimulatedOpenMLDB.Settings s) {
    this.zkConnect = zkConnect;
    this.root = root;
    this.exec = exec;
    this.opLatency = s.opLatency();
    this.replicationLag = s.replicationLag();
    this.tabletOfflineDelay = s.tabletOfflineDelay();
    this.catchUpTolerance = s.catchUpTolerance();
    this.taskConcurrency = s.taskConcurrency();
    for (int q = 0; q < MAX_TASK_CONCURRENCY; q++) {
      queues.put(q, new ArrayDeque<>());
    }
    exec.scheduleWithFixedDelay(this::replicateAll, 10, 10, TimeUnit.MILLISECONDS);
    setTableStatusInterval(s.tableStatusInterval());
  }

  public String zkConnectString() {
    return zkConnect;
  }

  public String rootPath() {
    return root;
  }

  // =====================================================================================
  // Switches (tests and chaos)
  // =====================================================================================

  /** How long every op spends in kDoing before its work is applied. */
  public synchronized void setOpLatency(Duration d) {
    opLatency = d;
  }

  public synchronized Duration replicationLag() {
    return replicationLag;
  }

  /** How long an entry the leader acknowledged takes to reach its followers. */
  public synchronized void setReplicationLag(Duration d) {
    replicationLag = d;
  }

  /**
   * The nameserver's {@code name_server_task_concurrency}: ops created from now on go to queue
   * {@code pid % n} (ops already queued stay where they are, as OpenMLDB records each op's queue).
   */
  public synchronized void setTaskConcurrency(int n) {
    taskConcurrency = checkTaskConcurrency(n);
  }

  public synchronized int taskConcurrency() {
    return taskConcurrency;
  }

  static int checkTaskConcurrency(int n) {
    if (n < 1 || n > MAX_TASK_CONCURRENCY) {
      throw new IllegalArgumentException("name_server_task_concurrency must be 1.."
          + MAX_TASK_CONCURRENCY + " (name_server_task_max_concurrency), got " + n);
    }
    return n;
  }

  /**
   * How often the nameserver refreshes the offsets {@code ShowTable} shows from its tablets
   * (OpenMLDB's {@code get_table_status_interval}: {@code UpdateTableStatus} asks every healthy
   * tablet's {@code GetTableStatus} and copies each replica's offset into the table metadata,
   * then schedules itself again). Zero: {@code ShowTable} shows live offsets.
   */
  public synchronized void setTableStatusInterval(Duration d) {
    tableStatusInterval = d;
    if (tableStatusRefresh != null) {
      tableStatusRefresh.cancel(false);
      tableStatusRefresh = null;
    }
    if (!d.isZero()) {
      tableStatusRefresh = exec.scheduleWithFixedDelay(this::refreshTableStatus, d.toMillis(),
          d.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  public synchronized Duration tableStatusInterval() {
    return tableStatusInterval;
  }

  /**
   * {@code UpdateTableStatusFun}: every replica on a healthy tablet that holds it gets its live
   * offset; a replica its tablet does not hold keeps its last offset, {@code
   * tablet_has_partition} false.
   */
  public synchronized void refreshTableStatus() {
    if (leader == null) {
      return; // UpdateTableStatus runs on the leader only
    }
    for (SimTable t : tables.values()) {
      for (SimTable.Partition p : t.partitions) {
        PartKey key = new PartKey(t.tid, p.pid);
        for (SimTable.Meta m : p.replicas) {
          boolean held = tabletHealthy(m.endpoint) && loaded(m.endpoint, key);
          if (held) {
            m.reportedOffset = log(m.endpoint, key).offset();
          }
          m.reportedLoaded = held;
        }
      }
    }
  }

  /** What {@code ShowTable} shows as a replica's offset: refreshed periodically, or live. */
  long shownOffset(SimTable.Meta m, int tid, int pid) {
    return tableStatusInterval.isZero() ? offset(m.endpoint, tid, pid) : m.reportedOffset;
  }

  /** What {@code ShowTable} shows as {@code tablet_has_partition}. */
  boolean shownLoaded(SimTable.Meta m, int tid, int pid) {
    return tableStatusInterval.isZero() ? hasLoaded(m.endpoint, tid, pid) : m.reportedLoaded;
  }

  /** How long a tablet must stay unregistered before the nameserver offlines it. */
  public synchronized void setTabletOfflineDelay(Duration d) {
    tabletOfflineDelay = d;
  }

  /** The next op created (of this type, e.g. {@code kChangeLeaderOP}; null = any) ends kFailed. */
  public synchronized void failNextOp(String opType) {
    failNextOps.add(opType == null ? "*" : opType);
  }

  /** Every nameserver closes every connection without answering for a while. */
  public synchronized void makeNameserversUnreachable(Duration d) {
    nameserverUnreachableUntilNanos = System.nanoTime() + d.toNanos();
  }

  /**
   * The leader answers the next {@code times} calls with 300 "nameserver is not leader", as a
   * nameserver does in the moment it lost the lock before clients saw it.
   */
  public synchronized void answerNotLeader(int times) {
    answerNotLeader = times;
  }

  /** Consumes one forced "not leader" answer, if any is pending. */
  synchronized boolean takeNotLeaderAnswer() {
    if (answerNotLeader > 0) {
      answerNotLeader--;
      return true;
    }
    return false;
  }

  synchronized boolean nameserverUnreachable() {
    return System.nanoTime() < nameserverUnreachableUntilNanos;
  }

  /** The nameserver's current auto-failover setting. */
  public synchronized boolean autoFailover() {
    return autoFailover;
  }

  /** Endpoint of the nameserver that holds the leader lock now, if any. */
  public synchronized Optional<String> nameserverLeader() {
    return Optional.ofNullable(leader);
  }

  /** Every RPC received so far, in arrival order. */
  public synchronized List<RpcCall> calls() {
    return List.copyOf(calls);
  }

  /** {@link RpcCall#summary()} of every call whose method is not a read (Show*, ConfGet). */
  public synchronized List<String> mutatingCalls() {
    return calls.stream()
        .filter(c -> !c.method().startsWith("Show") && !c.method().equals("ConfGet")
            && !c.method().equals("GetTableStatus"))
        .map(RpcCall::summary)
        .toList();
  }

  public synchronized void clearCalls() {
    calls.clear();
  }

  synchronized void recordCall(RpcCall call) {
    calls.add(call);
  }

  // =====================================================================================
  // Tables (helpers for tests and the sandbox; what CREATE TABLE would produce)
  // =====================================================================================

  public synchronized void createDatabase(String db) {
    databases.add(db);
  }

  /**
   * Creates a table with {@code partitions} partitions of {@code replicas} replicas each, placed
   * round-robin over the registered tablets (partition i: tablets i, i+1, ... with the first as
   * leader), loaded on those tablets and replicating.
   */
  public synchronized SimTableInfo createTable(String db, String name, int partitions, int replicas) {
    return createTable(db, name, partitions, replicas, 0);
  }

  /**
   * A table placed round-robin from the {@code firstTablet}-th live tablet (in endpoint order):
   * partition i on tablets firstTablet + i, + i + 1, ...; the first is leader. OpenMLDB shuffles
   * the tablets before placing each new table, so which tablet leads pid 0 varies per table.
   */
  public synchronized SimTableInfo createTable(String db, String name, int partitions,
      int replicas, int firstTablet) {
    return createTableAt(db, name, partitions, replicas, firstTablet);
  }

  /**
   * The tables OpenMLDB creates itself (0.8/0.9): {@code INFORMATION_SCHEMA.GLOBAL_VARIABLES},
   * {@code INFORMATION_SCHEMA.DEPLOY_RESPONSE_TIME}, {@code __INTERNAL_DB.PRE_AGG_META_INFO},
   * {@code __INTERNAL_DB.JOB_INFO}, {@code __INTERNAL_DB.USER}: one partition each, spread over
   * the tablets. OpenMLDB's {@code system_table_replica_num} defaults to 1, so by default they are
   * single-replica tables: a tablet restart makes them unavailable unless a replica is added.
   */
  public synchronized List<SimTableInfo> createSystemTables(int replicas) {
    List<SimTableInfo> out = new ArrayList<>();
    String[][] names = {
        {"INFORMATION_SCHEMA", "GLOBAL_VARIABLES"}, {"INFORMATION_SCHEMA", "DEPLOY_RESPONSE_TIME"},
        {"__INTERNAL_DB", "PRE_AGG_META_INFO"}, {"__INTERNAL_DB", "JOB_INFO"},
        {"__INTERNAL_DB", "USER"}};
    for (int i = 0; i < names.length; i++) {
      if (!tables.containsKey(names[i][0] + "." + names[i][1])) {
        out.add(createTableAt(names[i][0], names[i][1], 1, replicas, i));
      }
    }
    return out;
  }

  private SimTableInfo createTableAt(String db, String name, int partitions, int replicas,
      int firstTablet) {
    List<String> live = tablets.entrySet().stream()
        .filter(e -> e.getValue().serving())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
    if (live.size() < replicas) {
      throw new IllegalStateException(
          "need " + replicas + " live tablets for " + db + "." + name + ", have " + live);
    }
    if (tables.containsKey(db + "." + name)) {
      throw new IllegalStateException(db + "." + name + " exists");
    }
    databases.add(db);
    SimTable t = new SimTable(db, name, nextTid++, replicas);
    for (int pid = 0; pid < partitions; pid++) {
      SimTable.Partition p = new SimTable.Partition(pid);
      p.term = 1;
      p.termOffsets.add(new long[] {1, 0});
      PartKey key = new PartKey(t.tid, pid);
      for (int j = 0; j < replicas; j++) {
        String ep = live.get((firstTablet + pid + j) % live.size());
        p.replicas.add(new SimTable.Meta(ep, j == 0, true));
        ReplicaLog log = new ReplicaLog();
        log.leaderMode = j == 0;
        log.term = 1;
        disk.computeIfAbsent(ep, k -> new HashMap<>()).put(key, log);
        tablets.get(ep).loaded.add(key);
      }
      ReplicaLog leaderLog = log(p.replicas.get(0).endpoint, key);
      for (int j = 1; j < replicas; j++) {
        leaderLog.followers.add(p.replicas.get(j).endpoint);
      }
      t.partitions.add(p);
    }
    tables.put(db + "." + name, t);
    metadataChanged();
    return info(t);
  }

  /**
   * One leader change as the nameserver carried it out: the new leader's offset, and the offset of
   * the leader it replaced at that moment (-1 when no replica acted as leader). A new leader below the
   * old one's offset has lost the entries in between.
   */
  public record Promotion(String db, String table, int pid, long term, String newLeader,
      long newLeaderOffset, String oldLeader, long oldLeaderOffset) {
    public boolean lostEntries() {
      return oldLeaderOffset > newLeaderOffset;
    }
  }

  /** Every leader change so far, in order. */
  public synchronized List<Promotion> promotions() {
    return List.copyOf(promotions);
  }

  /** Read-only view of a table for tests: per partition the replicas with role, alive, offset. */
  public record SimTableInfo(String db, String name, int tid, List<SimPartitionInfo> partitions) {}

  public record SimPartitionInfo(int pid, List<SimReplicaInfo> replicas) {
    public Optional<SimReplicaInfo> leader() {
      return replicas.stream().filter(r -> r.leader() && r.alive()).findFirst();
    }
  }

  /** A replica as metadata and the tablet's disk show it. */
  public record SimReplicaInfo(
      String endpoint, boolean leader, boolean alive, long offset, boolean loaded,
      boolean actsAsLeader) {}

  public synchronized Optional<SimTableInfo> table(String db, String name) {
    return Optional.ofNullable(tables.get(db + "." + name)).map(this::info);
  }

  public synchronized List<SimTableInfo> tables() {
    return tables.values().stream().map(this::info).toList();
  }

  /**
   * Writes what the leader answers to {@code ShowTable show_all} now, as the RPC does (snapshot
   * under the lock, JSON after it): for benchmarks that time the simulator's share alone.
   */
  public void writeShowTable(OutputStream out) throws IOException {
    SimReply reply;
    synchronized (this) {
      reply = ShowTableReply.of(this, tablesList());
    }
    try (JsonGenerator g = ProtoJson.MAPPER.getFactory().createGenerator(out)) {
      reply.write(g);
    }
  }

  private SimTableInfo info(SimTable t) {
    List<SimPartitionInfo> ps = new ArrayList<>();
    for (SimTable.Partition p : t.partitions) {
      List<SimReplicaInfo> rs = new ArrayList<>();
      PartKey key = new PartKey(t.tid, p.pid);
      for (SimTable.Meta m : p.replicas) {
        ReplicaLog log = log(m.endpoint, key);
        rs.add(new SimReplicaInfo(m.endpoint, m.leader, m.alive, log == null ? 0 : log.offset(),
            loaded(m.endpoint, key), log != null && log.leaderMode && loaded(m.endpoint, key)));
      }
      ps.add(new SimPartitionInfo(p.pid, rs));
    }
    return new SimTableInfo(t.db, t.name, t.tid, ps);
  }

  // =====================================================================================
  // The client-like write path (what an SDK does: route by metadata to the alive leader)
  // =====================================================================================

  /**
   * Writes one row to a partition the way OpenMLDB's SDK does: to the replica the nameserver's
   * metadata names as alive leader. Refused when there is none (leaderless or fenced with
   * UpdateTableAliveStatus), when its tablet is down, or when that tablet does not hold the
   * partition as leader. An acknowledged write is on the leader only; followers get it after the
   * replication lag.
   */
  public synchronized WriteOutcome write(String db, String table, int pid) {
    String refusal = refusal(db, table, pid);
    if (refusal != null) {
      return new WriteOutcome(false, 0, null, refusal);
    }
    SimTable t = tables.get(db + "." + table);
    SimTable.Partition p = t.partition(pid).orElseThrow();
    String ep = p.servingLeader().orElseThrow().endpoint;
    PartKey key = new PartKey(t.tid, pid);
    ReplicaLog log = log(ep, key);
    long id = writeSeq.incrementAndGet();
    log.append(id, System.nanoTime());
    if (replicationLag.isZero()) {
      replicate(ep, key, log);
    }
    return new WriteOutcome(true, id, ep, null);
  }

  /** Null when a write to the partition would be accepted now, else why not. */
  public synchronized String refusal(String db, String table, int pid) {
    SimTable t = tables.get(db + "." + table);
    if (t == null) {
      return "table " + db + "." + table + " does not exist";
    }
    Optional<SimTable.Partition> p = t.partition(pid);
    if (p.isEmpty()) {
      return "no partition " + pid;
    }
    Optional<SimTable.Meta> leaderMeta = p.get().servingLeader();
    if (leaderMeta.isEmpty()) {
      return "no alive leader";
    }
    String ep = leaderMeta.get().endpoint;
    SimTablet tablet = tablets.get(ep);
    if (tablet == null || !tablet.running()) {
      return "leader tablet " + ep + " is down";
    }
    PartKey key = new PartKey(t.tid, pid);
    if (!tablet.loaded.contains(key)) {
      return "tablet " + ep + " has not loaded the partition";
    }
    if (!log(ep, key).leaderMode) {
      return "replica on " + ep + " is a follower";
    }
    return null;
  }

  /**
   * True when no running tablet holds the partition as leader. A fenced leader (marked not alive
   * while its follower catches up) still leads: its partition is write-unavailable for that
   * moment, not leaderless. A leader whose tablet is down, or a partition waiting for a failover
   * to promote a follower, is leaderless.
   */
  public synchronized boolean leaderless(String db, String table, int pid) {
    SimTable t = tables.get(db + "." + table);
    Optional<SimTable.Partition> p = t == null ? Optional.empty() : t.partition(pid);
    if (p.isEmpty()) {
      return true;
    }
    PartKey key = new PartKey(t.tid, pid);
    return p.get().replicas.stream().noneMatch(m -> {
      SimTablet tablet = tablets.get(m.endpoint);
      ReplicaLog log = log(m.endpoint, key);
      return m.leader && tablet != null && tablet.running() && tablet.loaded.contains(key)
          && log != null && log.leaderMode;
    });
  }

  /**
   * True when the write is in the partition's data now: in the log of the alive leader, or, with
   * none, of the replica with the highest offset.
   */
  public synchronized boolean present(String db, String table, int pid, long id) {
    SimTable t = tables.get(db + "." + table);
    if (t == null) {
      return false;
    }
    SimTable.Partition p = t.partition(pid).orElse(null);
    if (p == null) {
      return false;
    }
    PartKey key = new PartKey(t.tid, pid);
    ReplicaLog source = p.servingLeader().map(m -> log(m.endpoint, key)).orElse(null);
    if (source == null) {
      source = p.replicas.stream().map(m -> log(m.endpoint, key)).filter(l -> l != null)
          .max(Comparator.comparingLong(ReplicaLog::offset)).orElse(null);
    }
    return source != null && source.ids.contains(id);
  }

  // =====================================================================================
  // Replication
  // =====================================================================================

  private void replicateAll() {
    try {
      synchronized (this) {
        for (Map.Entry<String, SimTablet> e : tablets.entrySet()) {
          Map<PartKey, ReplicaLog> logs = disk.get(e.getKey());
          if (!e.getValue().running() || logs == null) {
            continue;
          }
          // walk the tablet's logs and look up only the leaders' keys: a lookup for every
          // loaded replica (30,000 at 10,000 partitions) every tick was most of the CPU
          for (Map.Entry<PartKey, ReplicaLog> l : logs.entrySet()) {
            ReplicaLog log = l.getValue();
            if (log.leaderMode && !log.followers.isEmpty()
                && e.getValue().loaded.contains(l.getKey())) {
              replicate(e.getKey(), l.getKey(), log);
            }
          }
        }
      }
    } catch (RuntimeException ex) {
      LOG.warn("replication tick failed", ex);
    }
  }

  /** Ships entries older than the lag from a leader to each follower it replicates to. */
  private void replicate(String leaderEp, PartKey key, ReplicaLog leaderLog) {
    long horizon = System.nanoTime() - replicationLag.toNanos();
    for (String f : leaderLog.followers) {
      SimTablet ft = tablets.get(f);
      if (ft == null || !ft.running() || !ft.loaded.contains(key)) {
        continue;
      }
      ReplicaLog fl = log(f, key);
      if (fl == null || fl.leaderMode) {
        continue;
      }
      int from = (int) fl.offset();
      if (from > leaderLog.offset()
          || (from > 0 && !fl.ids.get(from - 1).equals(leaderLog.ids.get(from - 1)))) {
        continue; // diverged: it must be recovered (RecoverTable truncates it)
      }
      for (int i = from; i < leaderLog.offset(); i++) {
        if (leaderLog.appendedAtNanos.get(i) > horizon) {
          break;
        }
        fl.append(leaderLog.ids.get(i), leaderLog.appendedAtNanos.get(i));
      }
    }
  }

  ReplicaLog log(String endpoint, PartKey key) {
    Map<PartKey, ReplicaLog> d = disk.get(endpoint);
    return d == null ? null : d.get(key);
  }

  private boolean loaded(String endpoint, PartKey key) {
    SimTablet t = tablets.get(endpoint);
    return t != null && t.running() && t.loaded.contains(key);
  }

  /** Running, registered in ZooKeeper: what the nameserver calls a healthy tablet. */
  private boolean serving(String endpoint) {
    SimTablet t = tablets.get(endpoint);
    return t != null && t.serving();
  }

  // =====================================================================================
  // Process events
  // =====================================================================================

  synchronized void tabletStarted(SimTablet t) {
    tablets.put(t.endpoint, t);
  }

  /** The process is gone: its memory (loaded replicas) goes with it; its disk stays. */
  synchronized void tabletStopped(SimTablet t) {
    if (tablets.get(t.endpoint) == t) {
      tablets.remove(t.endpoint);
    }
    t.loaded.clear();
  }

  synchronized void nameserverStarted(SimNameserver ns) {
    nameservers.put(ns.endpoint, ns);
  }

  synchronized void nameserverStopped(SimNameserver ns) {
    if (nameservers.get(ns.endpoint) == ns) {
      nameservers.remove(ns.endpoint);
    }
    if (ns.endpoint.equals(leader)) {
      leader = null;
    }
  }

  /** A nameserver won the lock; it read auto_failover from ZooKeeper (or its flag). */
  synchronized void leadershipGained(SimNameserver ns, boolean autoFailoverSetting) {
    leader = ns.endpoint;
    autoFailover = autoFailoverSetting;
    LOG.info("nameserver {} is leader (auto_failover={})", ns.endpoint, autoFailoverSetting);
    refreshTableStatus(); // NameServerImpl::Recover() calls UpdateTableStatus once at once
    pump();
  }

  synchronized void leadershipLost(SimNameserver ns) {
    if (ns.endpoint.equals(leader)) {
      leader = null;
    }
  }

  synchronized boolean isLeader(String endpoint) {
    return endpoint.equals(leader);
  }

  synchronized void setAutoFailoverFromRpc(boolean on) {
    autoFailover = on;
  }

  /** The leader's first full view of {@code <root>/nodes}. */
  synchronized void tabletsSynced(Map<String, String> registered) {
    for (Map.Entry<String, String> e : registered.entrySet()) {
      TabletRecord r = tabletRecords.computeIfAbsent(e.getKey(), k -> new TabletRecord());
      r.registered = true;
      if (!r.state.equals("kHealthy")) {
        tabletNodeAdded(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, TabletRecord> e : tabletRecords.entrySet()) {
      if (!registered.containsKey(e.getKey()) && e.getValue().registered) {
        tabletNodeRemoved(e.getKey());
      }
    }
  }

  /** {@code <root>/nodes/<ep>} appeared (OpenMLDB's UpdateTablets + OnTabletOnline). */
  synchronized void tabletNodeAdded(String ep, String value) {
    TabletRecord r = tabletRecords.computeIfAbsent(ep, k -> new TabletRecord());
    r.registered = true;
    if (!r.state.equals("kHealthy")) {
      r.state = "kHealthy";
      r.ctimeMs = System.currentTimeMillis();
    }
    if (r.pendingOffline != null) {
      r.pendingOffline.cancel(false);
      r.pendingOffline = null;
    }
    boolean wentAway = r.wentAway;
    r.wentAway = false;
    if (!autoFailover || !wentAway) {
      r.offlined = false;
      return;
    }
    boolean startup = value != null && value.startsWith("startup_");
    if (!startup && !r.offlined) {
      return; // back within the heartbeat timeout after a reconnect: nothing to recover
    }
    if (startup) {
      // a restarted process lost its memory: offline then recover (OnTabletOffline(ep, true))
      offlineEndpointInternal(ep);
    }
    recoverEndpointInternal(ep, false);
    r.offlined = false;
  }

  /** {@code <root>/nodes/<ep>} vanished: offline after the heartbeat timeout. */
  synchronized void tabletNodeRemoved(String ep) {
    TabletRecord r = tabletRecords.computeIfAbsent(ep, k -> new TabletRecord());
    r.registered = false;
    if (r.state.equals("kHealthy")) {
      r.state = "kOffline";
      r.ctimeMs = System.currentTimeMillis();
      r.wentAway = true;
      if (r.pendingOffline != null) {
        r.pendingOffline.cancel(false);
      }
      r.pendingOffline =
          exec.schedule(() -> onTabletOffline(ep), tabletOfflineDelay.toMillis(),
              TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void onTabletOffline(String ep) {
    TabletRecord r = tabletRecords.get(ep);
    if (r == null || r.registered || leader == null) {
      return;
    }
    r.pendingOffline = null;
    if (autoFailover) {
      LOG.info("auto-failover: offline tablet {}", ep);
      offlineEndpointInternal(ep);
      r.offlined = true;
    }
  }

  // =====================================================================================
  // Nameserver internals shared by RPCs and auto-failover
  // =====================================================================================

  List<SimTable> tablesList() {
    return new ArrayList<>(tables.values());
  }

  SimTable tableOf(String db, String name) {
    return tables.get(db + "." + name);
  }

  Set<String> databasesSet() {
    return databases;
  }

  Map<String, TabletRecord> tabletRecords() {
    return tabletRecords;
  }

  boolean tabletHealthy(String ep) {
    TabletRecord r = tabletRecords.get(ep);
    return r != null && r.state.equals("kHealthy") && serving(ep);
  }

  boolean tabletKnown(String ep) {
    return tabletRecords.containsKey(ep);
  }

  String realEndpoint(String ep) {
    SimTablet t = tablets.get(ep);
    return t == null || t.address() == null ? "-" : t.address();
  }

  /** Live offset of a replica (the nameserver refreshes these from the tablets). */
  long offset(String ep, int tid, int pid) {
    ReplicaLog l = log(ep, new PartKey(tid, pid));
    return l == null ? 0 : l.offset();
  }

  boolean hasLoaded(String ep, int tid, int pid) {
    return loaded(ep, new PartKey(tid, pid));
  }

  /**
   * The nameserver wrote table metadata: it increments {@code <root>/table/notify}
   * ({@code NotifyTableChanged}), which OpenMLDB's clients watch to refresh their routes.
   */
  void metadataChanged() {
    leaderNameserver().ifPresent(ns -> ns.notifyTableChanged(++tableChanges));
  }

  /** Marks every replica on the endpoint not alive and creates the failover ops. */
  void offlineEndpointInternal(String ep) {
    metadataChanged(); // UpdateEndpointTableAlive
    for (SimTable t : tables.values()) {
      for (SimTable.Partition p : t.partitions) {
        Optional<SimTable.Meta> mine = p.replica(ep);
        if (mine.isEmpty()) {
          continue;
        }
        SimTable.Meta m = mine.get();
        if (p.replicas.size() == 1) {
          if (m.alive) {
            createOp("kUpdatePartitionStatusOP", t, p.pid, "kUpdatePartitionStatus", () -> {
              m.alive = false;
              return null;
            });
          }
          continue;
        }
        m.alive = false;
        boolean aliveLeaderElsewhere = p.servingLeader().isPresent();
        if (m.leader || !aliveLeaderElsewhere) {
          // leader lost (or the partition had none): elect one (OfflineEndpointDBInternal)
          if (!aliveLeaderElsewhere) {
            changeLeaderOp(t, p.pid, null);
          }
        } else {
          createOp("kOfflineReplicaOP", t, p.pid, "kDelReplica", () -> {
            p.servingLeader().ifPresent(
                l -> log(l.endpoint, new PartKey(t.tid, p.pid)).followers.remove(ep));
            return null;
          });
        }
      }
    }
  }

  /** RecoverTable ops for the replicas of an endpoint that are not alive (or single replicas). */
  void recoverEndpointInternal(String ep, boolean needRestore) {
    for (SimTable t : tables.values()) {
      for (SimTable.Partition p : t.partitions) {
        Optional<SimTable.Meta> mine = p.replica(ep);
        if (mine.isEmpty() || (mine.get().alive && p.replicas.size() > 1)) {
          continue;
        }
        boolean wasLeader = mine.get().leader;
        recoverTableOp(t, p.pid, ep);
        if (needRestore && wasLeader) {
          String displaced = p.servingLeader().map(m -> m.endpoint).orElse(null);
          changeLeaderOp(t, p.pid, ep);
          if (displaced != null && !displaced.equals(ep)) {
            recoverTableOp(t, p.pid, displaced);
          }
        }
      }
    }
  }

  /**
   * kChangeLeaderOP: picks the candidate (an endpoint, or the alive follower with the highest
   * offset when null) when the op runs, promotes it with a new term, and leaves the old leader's
   * entry is_leader=true, is_alive=false; its tablet keeps acting as leader until RecoverTable.
   */
  SimOp changeLeaderOp(SimTable t, int pid, String candidate) {
    return createOp("kChangeLeaderOP", t, pid, "kChangeLeader", () -> {
      SimTable.Partition p = t.partition(pid).orElseThrow();
      PartKey key = new PartKey(t.tid, pid);
      List<SimTable.Meta> followers = p.replicas.stream()
          .filter(m -> !m.leader && m.alive && loaded(m.endpoint, key) && serving(m.endpoint))
          .toList();
      SimTable.Meta target;
      if (candidate != null) {
        target = followers.stream().filter(m -> m.endpoint.equals(candidate)).findFirst()
            .orElse(null);
        if (target == null) {
          return "candidate " + candidate + " is not an alive follower";
        }
      } else {
        target = followers.stream()
            .max(Comparator.comparingLong(m -> log(m.endpoint, key).offset())).orElse(null);
        if (target == null) {
          return "no alive follower";
        }
      }
      promote(t, p, target);
      return null;
    });
  }

  private void promote(SimTable t, SimTable.Partition p, SimTable.Meta target) {
    PartKey key = new PartKey(t.tid, p.pid);
    ReplicaLog newLog = log(target.endpoint, key);
    // the leader replaced: recorded as leader (alive, or fenced: is_alive=false) and still acting
    // as one on its tablet
    SimTable.Meta serving = p.replicas.stream()
        .filter(m -> m.leader && m != target && log(m.endpoint, key) != null
            && log(m.endpoint, key).leaderMode)
        .max(Comparator.comparing((SimTable.Meta m) -> m.alive)
            .thenComparingLong(m -> log(m.endpoint, key).offset()))
        .orElse(null);
    ReplicaLog servingLog = serving == null ? null : log(serving.endpoint, key);
    promotions.add(new Promotion(t.db, t.name, p.pid, p.term + 1, target.endpoint,
        newLog.offset(), serving == null ? null : serving.endpoint,
        servingLog == null ? -1 : servingLog.offset()));
    p.term++;
    newLog.leaderMode = true;
    newLog.term = p.term;
    newLog.followers.clear();
    for (SimTable.Meta m : p.replicas) {
      if (m == target) {
        continue;
      }
      if (m.leader) {
        m.alive = false; // the old leader: is_leader stays true until RecoverTable
        ReplicaLog old = log(m.endpoint, key);
        if (old != null) {
          old.followers.clear();
        }
      } else if (m.alive && loaded(m.endpoint, key)) {
        ReplicaLog fl = log(m.endpoint, key);
        fl.truncate(fl.commonPrefix(newLog));
        fl.term = p.term;
        newLog.followers.add(m.endpoint);
      }
    }
    target.leader = true;
    target.alive = true;
    p.termOffsets.add(new long[] {p.term, newLog.offset()});
    LOG.info("{}.{}/{}: leader is now {} (term {}, offset {})", t.db, t.name, p.pid,
        target.endpoint, p.term, newLog.offset());
  }

  /**
   * kRecoverTableOP: loads the replica on its (healthy) tablet from disk, demotes it if another
   * replica leads (dropping entries the leader never had), re-attaches it to the leader, and marks
   * it alive once within the catch-up tolerance. With no alive leader, a recorded leader is
   * reloaded as leader.
   */
  SimOp recoverTableOp(SimTable t, int pid, String ep) {
    SimOp[] self = new SimOp[1];
    self[0] = createOp("kRecoverTableOP", t, pid, "kRecoverTable", () -> {
      SimTable.Partition p = t.partition(pid).orElseThrow();
      Optional<SimTable.Meta> mine = p.replica(ep);
      if (mine.isEmpty()) {
        return ep + " holds no replica of " + t.name + "/" + pid;
      }
      if (!serving(ep)) {
        return "tablet " + ep + " is not healthy";
      }
      SimTable.Meta m = mine.get();
      PartKey key = new PartKey(t.tid, pid);
      ReplicaLog log = disk.computeIfAbsent(ep, k -> new HashMap<>())
          .computeIfAbsent(key, k -> new ReplicaLog());
      tablets.get(ep).loaded.add(key);
      Optional<SimTable.Meta> other = p.replicas.stream()
          .filter(x -> x != m && x.leader && x.alive).findFirst();
      if (other.isPresent()) {
        ReplicaLog leaderLog = log(other.get().endpoint, key);
        log.leaderMode = false;
        log.followers.clear();
        log.truncate(log.commonPrefix(leaderLog));
        log.term = p.term;
        m.leader = false;
        leaderLog.followers.add(ep);
        self[0].until = () -> leaderLog.offset() - log.offset() <= catchUpTolerance;
        self[0].finish = () -> m.alive = true;
        return null;
      }
      if (!m.leader) {
        return "no alive leader for " + t.name + "/" + pid;
      }
      log.leaderMode = true;
      for (SimTable.Meta f : p.replicas) {
        if (f != m && f.alive && !f.leader) {
          log.followers.add(f.endpoint);
        }
      }
      m.alive = true;
      return null;
    });
    return self[0];
  }

  /** kAddReplicaOP of {@code AddReplicaNS}: OpenMLDB queues it with concurrency 1 (queue 0). */
  SimOp addReplicaNsOp(SimTable t, int pid, String ep) {
    return addReplicaOp(t, pid, ep, 1);
  }

  /** kAddReplicaOP: snapshot of the leader to the new tablet, then follow; meta added when caught up. */
  SimOp addReplicaOp(SimTable t, int pid, String ep) {
    return addReplicaOp(t, pid, ep, taskConcurrency);
  }

  private SimOp addReplicaOp(SimTable t, int pid, String ep, int concurrency) {
    SimOp[] self = new SimOp[1];
    self[0] = createOp("kAddReplicaOP", t, pid, "kAddReplica", concurrency, () -> {
      SimTable.Partition p = t.partition(pid).orElseThrow();
      if (p.replica(ep).isPresent()) {
        return ep + " already holds " + t.name + "/" + pid;
      }
      if (!serving(ep)) {
        return "tablet " + ep + " is not healthy";
      }
      Optional<SimTable.Meta> l = p.servingLeader();
      if (l.isEmpty()) {
        return "no alive leader";
      }
      PartKey key = new PartKey(t.tid, pid);
      ReplicaLog leaderLog = log(l.get().endpoint, key);
      ReplicaLog copy = leaderLog.copy();
      copy.leaderMode = false;
      disk.computeIfAbsent(ep, k -> new HashMap<>()).put(key, copy);
      tablets.get(ep).loaded.add(key);
      leaderLog.followers.add(ep);
      self[0].until = () -> leaderLog.offset() - copy.offset() <= catchUpTolerance;
      self[0].finish = () -> p.replicas.add(new SimTable.Meta(ep, false, true));
      return null;
    });
    return self[0];
  }

  /** kDelReplicaOP: detach from the leader, drop the data, remove the meta. */
  SimOp delReplicaOp(SimTable t, int pid, String ep) {
    return createOp("kDelReplicaOP", t, pid, "kDelReplica", () -> {
      SimTable.Partition p = t.partition(pid).orElseThrow();
      Optional<SimTable.Meta> m = p.replica(ep);
      if (m.isEmpty()) {
        return ep + " holds no replica";
      }
      if (m.get().leader) {
        return "cannot delete the leader replica";
      }
      PartKey key = new PartKey(t.tid, pid);
      p.servingLeader().ifPresent(l -> log(l.endpoint, key).followers.remove(ep));
      SimTablet tablet = tablets.get(ep);
      if (tablet != null) {
        tablet.loaded.remove(key);
      }
      Map<PartKey, ReplicaLog> d = disk.get(ep);
      if (d != null) {
        d.remove(key);
      }
      p.replicas.remove(m.get());
      return null;
    });
  }

  // =====================================================================================
  // Ops: FIFO queues by pid % name_server_task_concurrency, only each queue's head runs
  // =====================================================================================

  /** An op queued as OpenMLDB's RPCs queue theirs: {@code pid % name_server_task_concurrency}. */
  SimOp createOp(String type, SimTable t, int pid, String taskType, SimOp.Body body) {
    return createOp(type, t, pid, taskType, taskConcurrency, body);
  }

  /**
   * An op in queue {@code pid % concurrency} ({@code NameServerImpl::AddOPData}; {@code
   * AddReplicaNS} passes 1, so its ops share queue 0).
   */
  SimOp createOp(String type, SimTable t, int pid, String taskType, int concurrency,
      SimOp.Body body) {
    SimOp op = new SimOp(++lastOpId, type, t.db, t.name, pid, taskType, body);
    for (int i = 0; i < failNextOps.size(); i++) {
      String f = failNextOps.get(i);
      if (f.equals("*") || f.equals(type)) {
        op.forcedFailure = true;
        failNextOps.remove(i);
        break;
      }
    }
    ops.add(op);
    while (ops.size() > MAX_OPS_LISTED) {
      ops.remove(0);
    }
    queues.get(queueOf(pid, concurrency)).add(op);
    leaderNameserver().ifPresent(ns -> ns.opQueued(op));
    pump();
    return op;
  }

  /** {@code AddOPData}: {@code pid % concurrency} when 0 < concurrency < queues, else all. */
  static int queueOf(int pid, int concurrency) {
    int n = concurrency > 0 && concurrency < MAX_TASK_CONCURRENCY
        ? concurrency : MAX_TASK_CONCURRENCY;
    return Math.floorMod(pid, n);
  }

  private Optional<SimNameserver> leaderNameserver() {
    return leader == null ? Optional.empty() : Optional.ofNullable(nameservers.get(leader));
  }

  /** An op ended: its znode goes (whichever nameserver leads now deletes it). */
  private void opNodeGone(SimOp op) {
    SimNameserver ns = leaderNameserver().orElse(null);
    if (ns == null) {
      ns = nameservers.values().stream().findFirst().orElse(null);
    }
    if (ns != null) {
      ns.opEnded(op);
    }
  }

  List<SimOp> opsList() {
    return List.copyOf(ops);
  }

  Optional<SimOp> op(long id) {
    return ops.stream().filter(o -> o.id == id).findFirst();
  }

  long lastOpId() {
    return lastOpId;
  }

  void cancel(SimOp op) {
    op.status = "kCanceled";
    op.endTime = System.currentTimeMillis();
    queues.values().forEach(q -> q.remove(op));
    opNodeGone(op);
    pump();
  }

  /** Starts the head of each queue when a leader is there to run it. */
  private void pump() {
    if (leader == null) {
      return;
    }
    for (ArrayDeque<SimOp> q : queues.values()) {
      SimOp head = q.peek();
      if (head != null && head.status.equals("kInited")) {
        head.status = "kDoing";
        head.startTime = System.currentTimeMillis();
        exec.schedule(() -> step(head), opLatency.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private synchronized void step(SimOp op) {
    if (op.finished()) {
      return;
    }
    if (leader == null) {
      // no leader to drive it: the next leader resumes it from ZooKeeper (here: from memory)
      exec.schedule(() -> step(op), 50, TimeUnit.MILLISECONDS);
      return;
    }
    try {
      if (op.forcedFailure) {
        finish(op, "injected failure");
        return;
      }
      if (!op.bodyRan) {
        op.bodyRan = true;
        String failure = op.body.run();
        if (failure != null) {
          finish(op, failure);
          return;
        }
      }
      if (!op.until.done()) {
        exec.schedule(() -> step(op), 20, TimeUnit.MILLISECONDS);
        return;
      }
      op.finish.run();
      finish(op, null);
    } catch (RuntimeException e) {
      LOG.warn("op {} {} crashed", op.id, op.type, e);
      finish(op, e.toString());
    }
  }

  private void finish(SimOp op, String failure) {
    if (failure == null) {
      metadataChanged(); // every op's last task writes table metadata (UpdateZkTableNode)
    }
    op.status = failure == null ? "kDone" : "kFailed";
    op.failure = failure;
    op.endTime = System.currentTimeMillis();
    if (failure != null) {
      LOG.info("op {} {} {}/{} failed: {}", op.id, op.type, op.name, op.pid, failure);
    }
    queues.values().forEach(q -> q.remove(op));
    opNodeGone(op);
    pump();
  }

  /** Ops not finished yet. */
  public synchronized long pendingOps() {
    return ops.stream().filter(o -> !o.finished()).count();
  }

  /** Status of every op listed, oldest first ({@code op_id type db.name/pid status}). */
  public synchronized List<String> opSummaries() {
    return ops.stream()
        .map(o -> o.id + " " + o.type + " " + o.db + "." + o.name + "/" + o.pid + " " + o.status)
        .toList();
  }

  /** Stops background work (timers); processes are stopped by {@link SimulatedOpenMLDB}. */
  void shutdown() {
    // the executor is owned by SimulatedOpenMLDB
  }

  @Override
  public String toString() {
    return "SimulatedCluster[" + zkConnect + root + "]";
  }

  static Instant now() {
    return Instant.now();
  }
}
