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

  private final NameserverClient nameserver;
  private final TabletClient tablets;

  ClusterTables(NameserverClient nameserver, TabletClient tablets) {
    this.nameserver = nameserver;
    this.tablets = tablets;
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
    List<TableInfo> shown = nameserver.showTables();
    return withLiveOffsets(shown, ops, liveTablets, maxCatchUpLag);
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
