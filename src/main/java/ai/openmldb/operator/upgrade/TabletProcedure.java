package ai.openmldb.operator.upgrade;

import static ai.openmldb.operator.upgrade.UpgradePlanner.pauseGuard;
import static ai.openmldb.operator.upgrade.UpgradePlanner.watchdog;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.SingleReplicaPolicy;
import ai.openmldb.operator.openmldb.LedgerEntry;
import ai.openmldb.operator.openmldb.ReplicaInfo;
import ai.openmldb.operator.upgrade.ClusterObservation.OpenMLDBState;
import ai.openmldb.operator.upgrade.Partitions.Part;
import ai.openmldb.operator.upgrade.UpgradeDecision.AddTemporaryReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedgerEntries;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeletePod;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeleteTemporaryReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.Direction;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.Halt;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecoverTables;
import ai.openmldb.operator.upgrade.UpgradeDecision.ReviveLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.SwitchLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.UnfenceLeaders;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The official pre-upgrade / restart / recoverdata / post-upgrade procedure for one tablet, made
 * lossless and derived each time from what is observed:
 *
 * <pre>
 * before the restart (pod on the old revision)
 *   PlanLeaders  record every partition the tablet leads in the ledger (temporary replica
 *                placements for single-replica partitions included) before anything moves
 *   MoveLeaders  add temporary replicas; then in waves of at most maxConcurrentLeaderMoves:
 *                fence the leaders whose follower is within maxCatchUpLag (mark them not
 *                alive: clients stop writing, the offset becomes final), and ChangeLeader each
 *                to a follower whose offset reached that final offset; then mark the tablet's
 *                remaining replicas not alive
 *   Restart      delete the pod; wait for the new one to be ready and registered
 * after the restart (pod on the new revision)
 *   Recover      RecoverTable every replica of the tablet that is not alive; wait until each is
 *                alive and within maxCatchUpLag of its leader
 *   RestoreLeaders  fenced waves back onto the tablet for every ledger entry; RecoverTable the
 *                old leaders; DelReplicaNS the temporary replicas; clear the tablet's entries
 * </pre>
 *
 * Nothing here remembers progress: a fenced leader is a leader replica that is not alive while
 * no replica serves, a moved leader is a partition the ledger lists and another tablet serves.
 */
final class TabletProcedure {
  private final ClusterObservation obs;
  private final OpenMLDBState os;
  private final Partitions parts;
  private final PodState pod;
  private final String ep;
  private final int max;
  private final int bulk;
  /** This tablet's ledger entries by partition: looked up per partition, so not a list scan. */
  private final Map<String, LedgerEntry> entryByPartition = new HashMap<>();

  TabletProcedure(ClusterObservation obs, OpenMLDBState os, Partitions parts, PodState pod) {
    this.obs = obs;
    this.os = os;
    this.parts = parts;
    this.pod = pod;
    this.ep = pod.endpoint();
    this.max = obs.settings().maxConcurrentLeaderMoves();
    this.bulk = max * UpgradePlanner.BULK_FACTOR;
    for (LedgerEntry e : obs.ledger().entriesOf(ep)) {
      entryByPartition.putIfAbsent(key(e.db(), e.table(), e.pid()), e);
    }
  }

  private static String key(String db, String table, int pid) {
    return db + "/" + table + "/" + pid;
  }

  UpgradeDecision next() {
    Optional<UpgradeDecision> restarting = UpgradePlanner.restarting(obs, pod);
    if (restarting.isPresent()) {
      return restarting.get();
    }
    return pod.upToDate() ? afterRestart() : beforeRestart();
  }

  private Position at(Step step) {
    return new Position(Component.TABLET, pod.name(), step);
  }

  // ---------------------------------------------------------------- before the restart

  private UpgradeDecision beforeRestart() {
    List<Part> mine = parts.on(ep);
    List<LedgerEntry> entries = obs.ledger().entriesOf(ep);
    // partitions this tablet leads: serving, or fenced and not yet switched
    List<Part> led = mine.stream()
        .filter(p -> replica(p).leader() && (replica(p).alive() || p.serving().isEmpty()))
        .toList();

    List<Part> unrecorded = led.stream().filter(p -> entryOf(p).isEmpty()).toList();
    if (!unrecorded.isEmpty()) {
      List<LedgerEntry> all = new ArrayList<>(entries);
      for (Part p : unrecorded) {
        String temp = "";
        if (p.singleReplica()
            && obs.settings().singleReplicaPolicy() == SingleReplicaPolicy.AddTemporaryReplica) {
          Optional<String> placed = temporaryPlacement(p);
          if (placed.isEmpty()) {
            return new Halt(at(Step.PlanLeaders),
                "single-replica partition " + p.name() + " has no other tablet to hold a "
                    + "temporary replica",
                "add a tablet, give the table a second replica, or set "
                    + "spec.upgrade.singleReplicaPolicy to AcceptUnavailability", false);
          }
          temp = placed.get();
        }
        all.add(new LedgerEntry(ep, p.table().db(), p.table().name(), p.table().tid(),
            p.partition().pid(), "", temp));
      }
      return pauseGuard(obs, new RecordLedger(at(Step.PlanLeaders), ep, all));
    }

    Position move = at(Step.MoveLeaders);
    List<ReplicaRef> temps = led.stream()
        .filter(p -> replica(p).alive() && !parts.opInFlight(p))
        .flatMap(p -> entryOf(p).map(LedgerEntry::temporaryReplica)
            .filter(t -> !t.isEmpty() && p.on(t).isEmpty())
            .map(p::ref).stream())
        .limit(max)
        .toList();
    if (!temps.isEmpty()) {
      return pauseGuard(obs, new AddTemporaryReplicas(move, temps));
    }

    List<Part> fenced = led.stream()
        .filter(p -> !replica(p).alive() && !outageAccepted(p, entries))
        .toList();
    Optional<UpgradeDecision> wave = openWave(move, Direction.OFF, fenced, entries);
    if (wave.isPresent()) {
      return wave.get();
    }

    // Every fenced partition's leader change is queued: fence the next ones while those run, so
    // the nameserver's op queues never run dry between waves; never more than max fenced at once
    List<Part> serving = led.stream().filter(p -> replica(p).alive()).toList();
    List<ReplicaRef> ready = OpQueues.spread(
            serving.stream()
                .filter(p -> !parts.opInFlight(p)
                    && !candidates(p, entries, nearOffset(p)).isEmpty())
                .toList(),
            led.stream().filter(p -> !replica(p).alive() || parts.opInFlight(p)).toList(),
            Math.max(0, max - fenced.size()))
        .stream()
        .map(p -> p.ref(ep))
        .toList();
    if (!ready.isEmpty()) {
      return pauseGuard(obs, new FenceLeaders(move, Direction.OFF, ready));
    }
    if (led.stream().anyMatch(parts::opInFlight)) {
      return opsWait(move, fenced, "waiting for nameserver ops on partitions led by " + ep);
    }
    Optional<Part> stuck = serving.stream().filter(p -> !outageAccepted(p, entries)).findFirst();
    if (stuck.isPresent()) {
      return watchdog(obs, move, "no follower of " + stuck.get().name()
              + " is alive and within " + obs.settings().maxCatchUpLag() + " entries of its leader",
          "check the followers of " + stuck.get().name() + " (replication, tablet health)");
    }

    List<ReplicaRef> remaining = mine.stream()
        .filter(p -> replica(p).alive())
        .limit(bulk)
        .map(p -> p.ref(ep))
        .toList();
    if (!remaining.isEmpty()) {
      return pauseGuard(obs, new FenceReplicas(move, remaining));
    }
    return pauseGuard(obs, new DeletePod(at(Step.Restart), pod.name(), pod.uid(),
        "tablet: pod revision differs from the desired template (version " + obs.targetVersion()
            + "); its leaders are served elsewhere"));
  }

  /** A single-replica partition that will simply be unavailable during the restart. */
  private boolean outageAccepted(Part p, List<LedgerEntry> entries) {
    return p.singleReplica()
        && entryOf(p).map(e -> e.temporaryReplica().isEmpty()).orElse(true);
  }

  private long nearOffset(Part p) {
    return Math.max(0, replica(p).offset() - obs.settings().maxCatchUpLag());
  }

  /** Tablet with the fewest replicas (as the official tool), up, not this one, not holding p. */
  private Optional<String> temporaryPlacement(Part p) {
    return obs.pods(Component.TABLET).stream()
        .filter(t -> !t.endpoint().equals(ep) && tabletUp(t.endpoint()) && p.on(t.endpoint()).isEmpty())
        .sorted(Comparator.comparingLong((PodState t) -> parts.replicaCount(t.endpoint()))
            .thenComparingInt(PodState::ordinal))
        .map(PodState::endpoint)
        .findFirst();
  }

  // ---------------------------------------------------------------- after the restart

  private UpgradeDecision afterRestart() {
    Position restart = at(Step.Restart);
    if (!pod.ready()) {
      return watchdog(obs, restart, pod.name() + " is not ready",
          "check the pod (kubectl describe pod " + pod.name() + "); fix the image or flags, or "
              + "revert spec.version: leaders of this tablet are served elsewhere meanwhile");
    }
    if (!os.liveTablets().contains(ep)) {
      return watchdog(obs, restart, "tablet " + ep + " is not registered in ZooKeeper",
          "check the tablet's logs and its ZooKeeper connection");
    }

    Position recover = at(Step.Recover);
    List<Part> mine = parts.on(ep);
    List<Part> down = mine.stream().filter(p -> !replica(p).alive()).toList();
    List<ReplicaRef> recoverable = down.stream()
        .filter(p -> p.serving().isPresent() && !parts.opInFlight(p))
        .limit(bulk)
        .map(p -> p.ref(ep))
        .toList();
    if (!recoverable.isEmpty()) {
      return new RecoverTables(recover, recoverable);
    }
    // a leader replica with no other serving replica: a single-replica partition whose outage
    // was accepted, or a fence on a tablet that was never restarted (a rollback): serve again
    List<ReplicaRef> revivable = down.stream()
        .filter(p -> p.serving().isEmpty() && replica(p).leader() && !parts.opInFlight(p))
        .limit(bulk)
        .map(p -> p.ref(ep))
        .toList();
    if (!revivable.isEmpty()) {
      return new ReviveLeaders(recover, revivable);
    }
    if (!down.isEmpty()) {
      return watchdog(obs, recover, down.size() + " replicas on " + ep + " are recovering",
          "check the nameserver's RecoverTable ops for " + ep);
    }
    Optional<Part> lagging = mine.stream()
        .filter(p -> p.serving().isPresent()
            && replica(p).offset() + obs.settings().maxCatchUpLag() < p.serving().get().offset())
        .findFirst();
    if (lagging.isPresent()) {
      return watchdog(obs, recover, "replica of " + lagging.get().name() + " on " + ep
              + " is catching up", "check replication to " + ep);
    }
    return restoreLeaders();
  }

  private UpgradeDecision restoreLeaders() {
    Position restore = at(Step.RestoreLeaders);
    List<LedgerEntry> entries = obs.ledger().entriesOf(ep);
    List<Part> recorded = entries.stream()
        .flatMap(e -> parts.find(e.db(), e.table(), e.pid()).stream())
        .filter(p -> p.on(ep).isPresent())
        .toList();

    // a back wave: the current leader is fenced and this tablet is an alive follower
    List<Part> fenced = recorded.stream()
        .filter(p -> p.serving().isEmpty() && p.fencedLeader().isPresent())
        .toList();
    Optional<UpgradeDecision> wave = openWave(restore, Direction.BACK, fenced, entries);
    if (wave.isPresent()) {
      return wave.get();
    }

    // as before the restart: the next fences while the queued leader changes run
    List<ReplicaRef> toFence = OpQueues.spread(
            recorded.stream()
                .filter(p -> p.serving().isPresent() && !p.serving().get().endpoint().equals(ep)
                    && !parts.opInFlight(p) && replica(p).alive()
                    && replica(p).offset() + obs.settings().maxCatchUpLag()
                        >= p.serving().get().offset())
                .toList(),
            recorded.stream().filter(p -> p.serving().isEmpty() || parts.opInFlight(p)).toList(),
            Math.max(0, max - fenced.size()))
        .stream()
        .map(p -> p.ref(p.serving().get().endpoint()))
        .toList();
    if (!toFence.isEmpty()) {
      return pauseGuard(obs, new FenceLeaders(restore, Direction.BACK, toFence));
    }

    // partitions back on this tablet with no op of theirs queued
    List<Part> back = recorded.stream()
        .filter(p -> p.serving().map(r -> r.endpoint().equals(ep)).orElse(false)
            && !parts.opInFlight(p))
        .toList();
    // Once every leader change back is queued, the partitions already back are settled while the
    // last changes run, so the op queues do not run dry between the two. Not earlier: a settling
    // op queued ahead of a later fence wave's changes would lengthen that wave's write pause.
    Set<Part> backSet = Collections.newSetFromMap(new IdentityHashMap<>()); // one Part per partition
    backSet.addAll(back);
    boolean allQueued = recorded.stream().allMatch(p -> parts.opInFlight(p) || backSet.contains(p)
        || p.serving().isEmpty());
    if (!allQueued && recorded.stream().anyMatch(parts::opInFlight)) {
      return opsWait(restore, fenced, "waiting for nameserver ops on partitions of " + ep);
    }
    List<ReplicaRef> tempsLeft = back.stream()
        .flatMap(p -> entryOf(p).map(LedgerEntry::temporaryReplica)
            .filter(t -> !t.isEmpty() && p.on(t).map(r -> !r.leader()).orElse(false))
            .map(p::ref).stream())
        .limit(max)
        .toList();
    // DelReplicaNS refuses a leader entry: a temporary replica that led is recovered (demoted)
    // first, as the official post-upgrade does, then deleted
    if (!tempsLeft.isEmpty()) {
      return new DeleteTemporaryReplicas(restore, tempsLeft);
    }
    List<ReplicaRef> oldLeaders = back.stream()
        .flatMap(p -> p.partition().replicas().stream()
            .filter(r -> !r.alive() && !r.endpoint().equals(ep) && tabletUp(r.endpoint()))
            .map(r -> p.ref(r.endpoint())))
        .limit(bulk)
        .toList();
    if (!oldLeaders.isEmpty()) {
      return new RecoverTables(restore, oldLeaders);
    }
    if (recorded.stream().anyMatch(parts::opInFlight)) {
      return opsWait(restore, fenced, "waiting for nameserver ops on partitions of " + ep);
    }
    Optional<Part> unfinished = recorded.stream()
        .filter(p -> !p.partition().healthy() || !backSet.contains(p))
        .findFirst();
    if (unfinished.isPresent()) {
      return watchdog(obs, restore, "partition " + unfinished.get().name()
              + " is not back on " + ep + " and healthy yet",
          "check the replicas of " + unfinished.get().name());
    }
    if (!entries.isEmpty()) {
      return new ClearLedgerEntries(restore, ep);
    }
    // complete() and this procedure disagree only while the tablet's own state settles
    return watchdog(obs, restore, "waiting for " + ep + " to settle",
        "check the replicas on " + ep);
  }

  // ---------------------------------------------------------------- shared

  /**
   * An open wave (fenced partitions without a serving leader): switch those whose candidate
   * reached the fenced final offset; lift the fences when the wave outlives the fence timeout.
   */
  private Optional<UpgradeDecision> openWave(
      Position pos, Direction dir, List<Part> fenced, List<LedgerEntry> entries) {
    if (fenced.isEmpty()) {
      return Optional.empty();
    }
    List<LeaderSwitch> switches = new ArrayList<>();
    for (Part p : fenced) {
      if (parts.opInFlight(p)) {
        continue;
      }
      ReplicaInfo leader = p.fencedLeader().get();
      List<ReplicaInfo> ok = dir == Direction.OFF
          ? candidates(p, entries, leader.offset())
          : p.on(ep).filter(r -> r.alive() && !r.leader() && r.offset() >= leader.offset())
              .stream().toList();
      if (!ok.isEmpty()) {
        switches.add(new LeaderSwitch(p.ref(leader.endpoint()), ok.get(0).endpoint(),
            leader.offset()));
      }
    }
    if (!switches.isEmpty()) {
      return Optional.of(new SwitchLeaders(pos, dir, switches));
    }
    List<ReplicaRef> liftable = fenced.stream()
        .filter(p -> !parts.opInFlight(p))
        .map(p -> p.ref(p.fencedLeader().get().endpoint()))
        .toList();
    if (liftable.isEmpty()) {
      return Optional.empty(); // every leader change of the wave is queued: the wave is complete
    }
    var fencedAt = obs.intent().fencedAt();
    var limit = obs.settings().fenceTimeout();
    if (!liftable.isEmpty() && fencedAt != null && fencedAt.plus(limit).isBefore(obs.now())) {
      return Optional.of(new UnfenceLeaders(pos, liftable,
          liftable.size() + " fenced leaders (" + liftable.get(0) + " first) found no replica that "
              + "reached their final offset within " + limit.toSeconds() + "s",
          "check replication between the tablets, then set annotation openmldb.ai/retry to a new "
              + "value to retry, or revert spec.version", true));
    }
    return Optional.of(new UpgradeDecision.Wait(pos,
        fenced.size() + " fenced partitions waiting for a replica to reach the final offset",
        true));
  }

  /**
   * Waiting for queued ops. While some of them are leader changes of fenced partitions, writes
   * to those are refused until they run: look again soon (a reschedule, not a wait).
   */
  private UpgradeDecision opsWait(Position pos, List<Part> fenced, String reason) {
    UpgradeDecision w = watchdog(obs, pos, reason,
        "check the nameserver's ops (openmldb_ops.py showopstatus)");
    if (w instanceof UpgradeDecision.Wait wait && !fenced.isEmpty()) {
      return new UpgradeDecision.Wait(wait.position(),
          fenced.size() + " fenced partitions: " + reason, true);
    }
    return w;
  }

  /**
   * Followers that may take over a partition this tablet leads: alive, on a running tablet, at
   * least at {@code minOffset}; the recorded temporary replica first, then tablets already on the
   * new revision (no second move), then the highest offset and the fewest leaders.
   */
  private List<ReplicaInfo> candidates(Part p, List<LedgerEntry> entries, long minOffset) {
    String temp = entryOf(p).map(LedgerEntry::temporaryReplica).orElse("");
    return p.partition().replicas().stream()
        .filter(r -> !r.endpoint().equals(ep) && !r.leader() && r.alive()
            && r.offset() >= minOffset && tabletUp(r.endpoint()))
        .sorted(Comparator.comparing((ReplicaInfo r) -> !r.endpoint().equals(temp))
            .thenComparing(r -> !upToDate(r.endpoint()))
            .thenComparing(Comparator.comparingLong(ReplicaInfo::offset).reversed())
            .thenComparingLong(r -> parts.leaderCount(r.endpoint()))
            .thenComparing(ReplicaInfo::endpoint))
        .toList();
  }

  private boolean tabletUp(String endpoint) {
    return os.liveTablets().contains(endpoint)
        && tablet(endpoint).map(t -> t.exists() && t.ready()).orElse(false);
  }

  private boolean upToDate(String endpoint) {
    return tablet(endpoint).map(PodState::upToDate).orElse(false);
  }

  private Optional<PodState> tablet(String endpoint) {
    return obs.pods(Component.TABLET).stream()
        .filter(t -> t.endpoint().equals(endpoint))
        .findFirst();
  }

  private ReplicaInfo replica(Part p) {
    return p.on(ep).orElseThrow();
  }

  private Optional<LedgerEntry> entryOf(Part p) {
    return Optional.ofNullable(
        entryByPartition.get(key(p.table().db(), p.table().name(), p.partition().pid())));
  }
}
