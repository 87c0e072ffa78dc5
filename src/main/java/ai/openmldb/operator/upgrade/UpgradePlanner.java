package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.openmldb.OpStatus;
import ai.openmldb.operator.upgrade.ClusterObservation.OpenMLDBState;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeletePod;
import ai.openmldb.operator.upgrade.UpgradeDecision.DisableAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.Done;
import ai.openmldb.operator.upgrade.UpgradeDecision.Halt;
import ai.openmldb.operator.upgrade.UpgradeDecision.Idle;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.RestoreAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.Resume;
import ai.openmldb.operator.upgrade.UpgradeDecision.StartRoll;
import ai.openmldb.operator.upgrade.UpgradeDecision.UnfenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.Wait;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides the single next action of a roll from one {@link ClusterObservation}. Pure: no I/O, no
 * clock but the observation's, so every case is a fast unit test.
 *
 * <pre>
 * 1. Nothing outdated, no ledger, no roll recorded: Idle.
 * 2. A new target: StartRoll (plan, op-id baseline). A changed target mid-roll is a rollback:
 *    the same algorithm toward the reverted version.
 * 3. OpenMLDB unreadable: Wait (Halt once the step's watchdog expires).
 * 4. A kFailed op newer than the baseline and not acknowledged: lift any fence that can be
 *    lifted, then Halt until the user acknowledges it.
 * 5. A halt that only the user can lift: stay halted until openmldb.ai/retry changes.
 * 6. Prepare: record the original auto-failover in the ledger, then turn it off.
 * 7. The pod in progress (recorded intent) finishes its procedure first; for a tablet see
 *    {@link TabletProcedure}: plan, move leaders (fenced), restart, recover, restore, clear.
 * 8. Otherwise the next outdated pod in {@link RollOrder}, once the health gate passes: every
 *    other pod ready, every tablet registered, a nameserver leader, every table healthy, no op
 *    running. Paused: nothing disruptive starts.
 * 9. Every pod on the target revision: restore auto-failover, clear the ledger, Done.
 * </pre>
 *
 * A wait that makes no progress for longer than its step's timeout becomes a Halt that reports
 * Degraded and lifts by itself when the condition clears.
 */
public final class UpgradePlanner {

  /** Metadata-only calls (fence, recover) go in bigger batches than leader moves. */
  static final int BULK_FACTOR = 4;

  public UpgradeDecision decide(ClusterObservation obs) {
    UpgradeIntent intent = obs.intent();
    boolean anyOutdated = obs.pods().stream().anyMatch(p -> p.exists() && !p.upToDate()
        && p.ordinal() < obs.desired(p.component()));
    boolean rollActive = intent.toVersion() != null && !intent.finished();
    if (!anyOutdated && obs.ledger().isEmpty() && !rollActive) {
      return new Idle();
    }
    Optional<OpenMLDBState> state = obs.openmldb();
    Optional<String> nsLeader = state.flatMap(OpenMLDBState::nameserverLeader);

    if (!intent.activeFor(obs.targetVersion())) {
      if (state.isEmpty()) {
        return new Wait(Position.cluster(Step.Prepare),
            "OpenMLDB not reachable: " + obs.openmldbUnavailable());
      }
      long baseline = rollActive
          ? intent.opBaseline()
          : state.get().ops().stream().mapToLong(OpStatus::opId).max().orElse(0);
      String from = rollActive ? intent.toVersion() : obs.currentVersion();
      return new StartRoll(Position.cluster(Step.Prepare), from, obs.targetVersion(),
          RollOrder.plan(obs, nsLeader), baseline);
    }

    Position here = currentPosition(obs);
    if (state.isEmpty()) {
      return watchdog(obs, here, "OpenMLDB not reachable: " + obs.openmldbUnavailable(),
          "check that ZooKeeper (spec.zookeeper) and the nameserver leader are up and reachable "
              + "from the operator; nothing is moved meanwhile, and the roll resumes by itself "
              + "once they answer");
    }
    OpenMLDBState os = state.get();
    Partitions parts = new Partitions(os.tables(), os.ops());

    Optional<OpStatus> failed = os.ops().stream()
        .filter(o -> o.failed() && o.opId() > intent.opBaseline()
            && !obs.acknowledgedFailedOps().contains(o.opId()))
        .findFirst();
    if (failed.isPresent()) {
      OpStatus op = failed.get();
      String error = "nameserver op " + op.opId() + " (" + op.opType() + " of " + op.db() + "."
          + op.name() + "/" + op.pid() + ") failed";
      String remedy = "inspect it (openmldb_ops.py showopstatus --filter=kFailed), repair the "
          + "partition, then annotate the cluster openmldb.ai/acknowledge-failed-ops=" + op.opId();
      List<ReplicaRef> liftable = Fences.liftable(obs, parts);
      if (!liftable.isEmpty()) {
        return new UnfenceLeaders(here, liftable, error, remedy, false);
      }
      return new Halt(here, error, remedy, false);
    }

    if (intent.halted()) {
      if (obs.retryToken() != null && !obs.retryToken().equals(intent.retryToken())) {
        return new Resume(here, obs.retryToken());
      }
      return new Wait(new Position(here.component(), here.pod(), Step.Halted),
          "halted: see status.upgrade.lastError; set annotation openmldb.ai/retry to a new value "
              + "to retry, or revert spec.version");
    }

    Optional<PodState> current = currentPod(obs, os, parts);
    Optional<PodState> next = current.isPresent() ? Optional.empty() : RollOrder.next(obs, nsLeader);
    if (current.isEmpty() && next.isEmpty()) {
      return finish(obs, os, parts);
    }

    Position prepare = Position.cluster(Step.Prepare);
    if (obs.ledger().originalAutoFailover().isEmpty()) {
      return new RecordAutoFailover(prepare, os.autoFailover());
    }
    if (os.autoFailover()) {
      return pauseGuard(obs, new DisableAutoFailover(prepare));
    }

    if (current.isPresent()) {
      PodState pod = current.get();
      return pod.component() == Component.TABLET
          ? new TabletProcedure(obs, os, parts, pod).next()
          : otherProcedure(obs, os, pod);
    }

    PodState pod = next.get();
    Position gatePos = new Position(pod.component(), pod.name(), Step.WaitHealthy);
    Optional<String> blocked = HealthGate.blocker(obs, os, parts, pod);
    if (blocked.isPresent()) {
      return watchdog(obs, gatePos, "health gate: " + blocked.get(),
          "bring the cluster back to health (" + blocked.get() + "); the roll resumes by itself");
    }
    if (pod.component() == Component.TABLET) {
      return new TabletProcedure(obs, os, parts, pod).next();
    }
    return pauseGuard(obs, new DeletePod(new Position(pod.component(), pod.name(), Step.Restart),
        pod.name(), pod.uid(), restartReason(obs, pod, nsLeader)));
  }

  private UpgradeDecision otherProcedure(ClusterObservation obs, OpenMLDBState os, PodState pod) {
    Position restart = new Position(pod.component(), pod.name(), Step.Restart);
    Optional<UpgradeDecision> restarting = restarting(obs, pod);
    if (restarting.isPresent()) {
      return restarting.get();
    }
    if (!pod.upToDate()) {
      return pauseGuard(obs, new DeletePod(restart, pod.name(), pod.uid(),
          restartReason(obs, pod, os.nameserverLeader())));
    }
    if (!pod.ready()) {
      return watchdog(obs, restart, pod.name() + " is not ready",
          "check the pod (kubectl describe pod " + pod.name() + "); fix the image or flags, or "
              + "revert spec.version");
    }
    if (pod.component() == Component.NAMESERVER && os.nameserverLeader().isEmpty()) {
      return watchdog(obs, restart, "no nameserver holds the ZooKeeper leader lock",
          "check the nameserver logs and ZooKeeper");
    }
    throw new IllegalStateException(pod.name() + " is complete but was chosen as current");
  }

  /**
   * The pod instance the operator chose to delete is still there or gone and not yet replaced.
   * If it is neither terminating nor gone, the deletion may never have been sent (the operator
   * stopped between recording it and sending it): send it again (the executor checks the uid).
   */
  static Optional<UpgradeDecision> restarting(ClusterObservation obs, PodState pod) {
    Position restart = new Position(pod.component(), pod.name(), Step.Restart);
    if (!pod.exists() || pod.terminating()) {
      return Optional.of(watchdog(obs, restart, pod.name() + " is being recreated",
          "check why the StatefulSet does not recreate " + pod.name()));
    }
    if (Objects.equals(pod.uid(), obs.intent().deletedPodUid())) {
      return Optional.of(new DeletePod(restart, pod.name(), pod.uid(), "deletion not seen yet"));
    }
    return Optional.empty();
  }

  private UpgradeDecision finish(ClusterObservation obs, OpenMLDBState os, Partitions parts) {
    Position fin = Position.cluster(Step.Finish);
    Optional<String> blocked = HealthGate.blocker(obs, os, parts, null);
    if (blocked.isPresent()) {
      return watchdog(obs, fin, blocked.get(),
          "bring the cluster back to health (" + blocked.get() + "); the roll finishes by itself");
    }
    if (obs.ledger().originalAutoFailover().orElse(false) && !os.autoFailover()) {
      return new RestoreAutoFailover(fin);
    }
    if (!obs.ledger().isEmpty()) {
      return new ClearLedger(fin);
    }
    return new Done(fin, obs.targetVersion());
  }

  /** The pod whose procedure is under way: the recorded one, else a tablet with ledger entries. */
  static Optional<PodState> currentPod(ClusterObservation obs, OpenMLDBState os, Partitions parts) {
    UpgradeIntent intent = obs.intent();
    if (intent.pod() != null && intent.step() != null && !Step.WaitHealthy.name().equals(intent.step())) {
      Optional<PodState> pod = obs.pods(componentOf(obs, intent.pod())).stream()
          .filter(p -> p.name().equals(intent.pod()))
          .findFirst();
      if (pod.isPresent() && !complete(obs, os, parts, pod.get())) {
        return pod;
      }
    }
    for (PodState tablet : obs.pods(Component.TABLET)) {
      if (!obs.ledger().entriesOf(tablet.endpoint()).isEmpty()) {
        return Optional.of(tablet);
      }
    }
    return Optional.empty();
  }

  private static Component componentOf(ClusterObservation obs, String podName) {
    return obs.pod(podName).map(PodState::component).orElse(Component.TASKMANAGER);
  }

  /** The pod runs the desired revision and, for a tablet, all its replicas are back. */
  static boolean complete(ClusterObservation obs, OpenMLDBState os, Partitions parts, PodState pod) {
    if (!pod.settled()) {
      return false;
    }
    if (pod.component() == Component.NAMESERVER) {
      return os.nameserverLeader().isPresent();
    }
    if (pod.component() != Component.TABLET) {
      return true;
    }
    String ep = pod.endpoint();
    return os.liveTablets().contains(ep)
        && obs.ledger().entriesOf(ep).isEmpty()
        && parts.on(ep).stream().allMatch(p -> p.on(ep).get().alive() && !parts.opInFlight(p));
  }

  /** The position the roll is at, for decisions made before the pod is known. */
  static Position currentPosition(ClusterObservation obs) {
    UpgradeIntent intent = obs.intent();
    Step step = parseStep(intent.step());
    if (intent.pod() == null) {
      return Position.cluster(step);
    }
    return new Position(obs.pod(intent.pod()).map(PodState::component).orElse(null), intent.pod(),
        step);
  }

  /** A recorded step name; unknown or missing ones (hand-edited status) read as Prepare. */
  static Step parseStep(String name) {
    for (Step s : Step.values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return Step.Prepare;
  }

  private static String restartReason(ClusterObservation obs, PodState pod, Optional<String> leader) {
    String role = pod.component() == Component.NAMESERVER && RollOrder.isLeader(pod, leader)
        ? "nameserver leader, last"
        : pod.component().id();
    return role + ": pod revision differs from the desired template (version "
        + obs.targetVersion() + ")";
  }

  /** Disruptive decisions wait while the roll is paused. */
  static UpgradeDecision pauseGuard(ClusterObservation obs, UpgradeDecision decision) {
    if (decision.disruptive() && obs.settings().paused()) {
      return new Wait(decision.position(), "paused (spec.upgrade.paused); next: "
          + decision.describe());
    }
    return decision;
  }

  /**
   * A wait, or a Halt once the step has made no progress for longer than its timeout. The clock
   * runs from the operator's last action in this pod and step (recorded in status).
   */
  static UpgradeDecision watchdog(
      ClusterObservation obs, Position pos, String reason, String remedy) {
    UpgradeIntent intent = obs.intent();
    if (pos.samePodAndStep(intent.pod(), intent.step()) && intent.lastProgressAt() != null
        && !obs.settings().paused()) {
      var limit = obs.settings().timeoutOf(pos.step());
      if (intent.lastProgressAt().plus(limit).isBefore(obs.now())) {
        return new Halt(pos, pos + " made no progress for " + limit.toSeconds() + "s: " + reason,
            remedy, false);
      }
    }
    return new Wait(pos, reason);
  }
}
