package ai.openmldb.operator.openmldb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The tables of one OpenMLDB cluster as a pass of the roll reads them: the nameserver's metadata
 * ({@code ShowTable}) with the offsets a decision compares read live from the tablets.
 *
 * <p>{@code ShowTable}'s offsets are the nameserver's copy, refreshed from every healthy tablet's
 * {@code GetTableStatus} each {@code get_table_status_interval} (2 s by default:
 * {@code NameServerImpl::UpdateTableStatus}). A fenced leader's offset there may predate its
 * fence, so a follower that "reached" it could still miss the writes acknowledged in between.
 * Hence for each partition whose offsets a decision compares, every replica's offset is read from
 * its own tablet ({@code GetTableStatus {tid, pid}}, at most {@link #PARALLEL} at a time): a
 * leader entry not alive while no replica serves (a fenced leader waiting for its switch), or an
 * alive follower that looks more than the catch-up lag behind its leader. A partition with an
 * unfinished op is left as shown: the planner waits for the op anyway.
 *
 * <p>The metadata itself is kept between passes and read again only when it may have changed:
 * when {@link ClusterView#generation()} moved (the nameserver bumped {@code <root>/table/notify},
 * an op znode came or went, the leader or the tablets changed, the ZooKeeper session wavered),
 * when the unfinished ops differ from those read just before it (an op ends after its last change
 * to the metadata, so tables never lag the ops they are planned with), after any RPC of this
 * connection that may change metadata (a fence, a leader change...), after an error, and at the
 * latest after {@link #MAX_AGE_NANOS}. A pass while nothing changes reads no {@code ShowTable}.
 */
public final class ClusterTables {
  /** Tablet reads in flight at once. */
  static final int PARALLEL = 8;
  /** Partitions read live in one pass at most; the others are read in the next passes. */
  static final int MAX_LIVE_PARTITIONS = 256;
  /** A replica whose tablet does not hold the partition: never a candidate. */
  public static final long NOT_HELD = -1;
  /** A fenced leader whose tablet could not be read: no follower qualifies this pass. */
  public static final long UNKNOWN = Long.MAX_VALUE;

  /** Kept metadata is read again after this long whatever the watches say. */
  static final long MAX_AGE_NANOS = 10_000_000_000L;

  private final NameserverClient nameserver;
  private final TabletClient tablets;
  private final ClusterView view;
  /** Moved by every RPC of this connection that may change metadata. */
  private final AtomicLong mutations = new AtomicLong();
  private final LongAdder showTables = new LongAdder();
  private volatile Kept kept;

  /** Metadata as read, and what it was read under. */
  private record Kept(long generation, long mutations, String leader, Set<Long> unfinished,
      long readAtNanos, List<TableInfo> tables) {}

  ClusterTables(NameserverClient nameserver, TabletClient tablets, ClusterView view) {
    this.nameserver = nameserver;
    this.tablets = tablets;
    this.view = view;
    nameserver.addMutationListener(this::forget);
  }

  /** Reads the metadata again at the next pass. */
  public void forget() {
    mutations.incrementAndGet();
    kept = null;
  }

  /** {@code ShowTable} calls made so far (the others were answered from the kept metadata). */
  public long showTableReads() {
    return showTables.sum();
  }

  /**
   * Every table ({@code ShowTable show_all}), the offsets of the partitions that need them read
   * live from the tablets registered in {@code liveTablets}.
   *
   * @param ops the nameserver's ops, read before this call (an op that ends meanwhile then still
   *     looks unfinished: its partition is skipped rather than seen half-done)
   * @param maxCatchUpLag entries a follower may lag its leader and still count as close
   */
  public List<TableInfo> read(List<OpStatus> ops, Set<String> liveTablets, long maxCatchUpLag) {
    return withLiveOffsets(metadata(ops), ops, liveTablets, maxCatchUpLag);
  }

  private List<TableInfo> metadata(List<OpStatus> ops) {
    Set<Long> unfinished = new HashSet<>();
    for (OpStatus o : ops) {
      if (!o.finished()) {
        unfinished.add(o.opId());
      }
    }
    String leader = view.nameserverLeader().orElse("");
    long generation = view.generation();
    long mutation = mutations.get();
    long now = System.nanoTime();
    Kept k = kept;
    if (k != null && k.generation() == generation && k.mutations() == mutation
        && k.leader().equals(leader) && k.unfinished().equals(unfinished)
        && now - k.readAtNanos() < MAX_AGE_NANOS) {
      return k.tables();
    }
    List<TableInfo> tables;
    try {
      showTables.increment();
      tables = nameserver.showTables();
    } catch (RuntimeException e) {
      kept = null;
      throw e;
    }
    // kept under what held before the read: anything that moved during it makes the next pass
    // read again
    kept = new Kept(generation, mutation, leader, Set.copyOf(unfinished), now, tables);
    return tables;
  }

  private record Target(int table, int partition, boolean fenced) {}

  private record Key(int tid, int pid, String endpoint) {}

  List<TableInfo> withLiveOffsets(
      List<TableInfo> shown, List<OpStatus> ops, Set<String> liveTablets, long maxCatchUpLag) {
    Set<String> inFlight = new HashSet<>();
    for (OpStatus o : ops) {
      if (!o.finished()) {
        inFlight.add(o.db() + "/" + o.name() + "/" + o.pid());
      }
    }
    List<Target> fencedTargets = new ArrayList<>();
    List<Target> laggingTargets = new ArrayList<>();
    for (int t = 0; t < shown.size(); t++) {
      TableInfo table = shown.get(t);
      for (int i = 0; i < table.partitions().size(); i++) {
        PartitionInfo p = table.partitions().get(i);
        Optional<ReplicaInfo> leader = p.servingLeader();
        boolean fenced = leader.isEmpty()
            && p.replicas().stream().anyMatch(r -> r.leader() && !r.alive());
        boolean lagging = !fenced && leader.isPresent()
            && laggingTargets.size() < MAX_LIVE_PARTITIONS
            && p.aliveFollowers().stream()
                .anyMatch(f -> f.offset() + maxCatchUpLag < leader.get().offset());
        if ((fenced || lagging)
            && !inFlight.contains(table.db() + "/" + table.name() + "/" + p.pid())) {
          (fenced ? fencedTargets : laggingTargets).add(new Target(t, i, fenced));
        }
      }
    }
    // fenced partitions first: their writes wait for the switch these offsets allow
    List<Target> targets = new ArrayList<>(fencedTargets);
    targets.addAll(laggingTargets);
    if (targets.size() > MAX_LIVE_PARTITIONS) {
      targets = targets.subList(0, MAX_LIVE_PARTITIONS);
    }
    if (targets.isEmpty()) {
      return shown;
    }
    Map<Key, CompletableFuture<List<TabletTableStatus>>> reads = new HashMap<>();
    Semaphore slots = new Semaphore(PARALLEL);
    for (Target target : targets) {
      TableInfo table = shown.get(target.table());
      PartitionInfo p = table.partitions().get(target.partition());
      for (ReplicaInfo r : p.replicas()) {
        if (liveTablets.contains(r.endpoint())) {
          slots.acquireUninterruptibly();
          reads.put(new Key(table.tid(), p.pid(), r.endpoint()),
              tablets.tableStatusAsync(r.endpoint(), table.tid(), p.pid())
                  .whenComplete((s, e) -> slots.release()));
        }
      }
    }
    List<TableInfo> out = new ArrayList<>(shown);
    Map<Integer, List<PartitionInfo>> changed = new HashMap<>();
    for (Target target : targets) {
      TableInfo table = shown.get(target.table());
      PartitionInfo p = table.partitions().get(target.partition());
      List<ReplicaInfo> replicas = new ArrayList<>();
      for (ReplicaInfo r : p.replicas()) {
        CompletableFuture<List<TabletTableStatus>> read =
            reads.get(new Key(table.tid(), p.pid(), r.endpoint()));
        replicas.add(new ReplicaInfo(r.endpoint(), r.leader(), r.alive(),
            liveOffset(read, r, target.fenced())));
      }
      changed.computeIfAbsent(target.table(), k -> new ArrayList<>(table.partitions()))
          .set(target.partition(), new PartitionInfo(p.pid(), replicas));
    }
    changed.forEach((t, partitions) -> {
      TableInfo table = shown.get(t);
      out.set(t, new TableInfo(table.db(), table.name(), table.tid(), table.partitionNum(),
          table.replicaNum(), partitions));
    });
    return out;
  }

  /**
   * The replica's offset as its tablet reports it. A tablet that is not registered: as shown (no
   * fresher value exists). A tablet that does not hold the partition: {@link #NOT_HELD}. A read
   * that failed: for a fenced leader {@link #UNKNOWN} (its final offset must not be guessed
   * low), for another replica {@link #NOT_HELD} in a fenced partition (it must not be chosen on
   * an old value) and as shown otherwise.
   */
  private static long liveOffset(
      CompletableFuture<List<TabletTableStatus>> read, ReplicaInfo r, boolean fenced) {
    if (read == null) {
      return r.offset();
    }
    try {
      List<TabletTableStatus> status = read.join();
      return status.isEmpty() ? NOT_HELD : status.get(0).offset();
    } catch (CompletionException e) {
      if (!fenced) {
        return r.offset();
      }
      return r.leader() && !r.alive() ? UNKNOWN : NOT_HELD;
    }
  }
}
