package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.upgrade.UpgradeDecision.DeletePod;
import ai.openmldb.operator.upgrade.UpgradeDecision.Done;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.Halt;
import ai.openmldb.operator.upgrade.UpgradeDecision.Idle;
import ai.openmldb.operator.upgrade.UpgradeDecision.Resume;
import ai.openmldb.operator.upgrade.UpgradeDecision.StartRoll;
import ai.openmldb.operator.upgrade.UpgradeDecision.UnfenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.Wait;
import java.time.Instant;
import java.util.Objects;

/**
 * The intent to record in status before a decision is carried out (pure). Recording first is what
 * lets a restarted operator finish the step: the deletion of a pod instance is issued once, a
 * fence wave's age is known, and a step's watchdog survives restarts.
 */
public final class IntentUpdate {
  private IntentUpdate() {}

  /**
   * @param retryAnnotation the current {@code openmldb.ai/retry} value, remembered when the roll
   *     starts or halts so that only a later change means "retry"
   */
  public static UpgradeIntent before(
      UpgradeIntent intent, UpgradeDecision decision, Instant now, String retryAnnotation) {
    if (decision instanceof Idle) {
      return intent;
    }
    if (decision instanceof StartRoll s) {
      return UpgradeIntent.started(s.toVersion(), s.opBaseline(), now)
          .withRetryToken(retryAnnotation);
    }
    if (decision instanceof Resume r) {
      return intent.withHalted(false).withLastProgressAt(now).withFencedAt(null)
          .withRetryToken(r.retryToken());
    }
    Position pos = decision.position();
    if (pos.step() == Step.Halted) {
      return intent; // staying halted: keep the position the roll halted at
    }
    boolean moved = !pos.samePodAndStep(intent.pod(), intent.step());
    UpgradeIntent next = moved
        ? intent.withPosition(pos.pod(), pos.step()).withLastProgressAt(now)
        : intent;
    if (decision instanceof Wait || decision instanceof Halt) {
      return next;
    }
    if (decision instanceof UnfenceLeaders u) {
      return u.sticky() ? next.withHalted(true).withRetryToken(retryAnnotation) : next;
    }
    if (decision instanceof FenceLeaders) {
      next = next.withFencedAt(now);
    }
    if (decision instanceof DeletePod d && !Objects.equals(d.uid(), intent.deletedPodUid())) {
      next = next.withDeletedPodUid(d.uid());
    }
    if (decision instanceof Done) {
      next = next.withFinished(true);
    }
    return next;
  }

  /**
   * Whether the intent {@code before} must reach status before the decision is carried out,
   * given what status holds ({@code recorded}). A restarted operator decides from status, the
   * ledger and what OpenMLDB shows; status must hold before an act what it could not tell
   * otherwise:
   *
   * <ul>
   *   <li>nothing before acts whose result it reads back by itself and then decides the same
   *       way: recording the roll's start, the auto-failover setting in the ledger, turning
   *       auto-failover off or back on, writing or clearing ledger entries (a tablet with entries
   *       is the pod in progress whatever status says), the roll's end (no act);
   *   <li>the roll itself (target, op-id baseline, halt, retry token) before acts that create
   *       nameserver ops: a failed op is this roll's only if its id is above a stored baseline.
   *       Their step need not be stored first: the pod they work on is known from the ledger or
   *       from the position stored by the act that began its procedure;
   *   <li>all of it before the rest: a fence wave's start (its timeout), the pod instance
   *       deleted, replicas marked not alive (a tablet without ledger entries is only known as
   *       the pod in progress from status), fences lifted for a halt.
   * </ul>
   *
   * What is not written first reaches status with the next act that needs it or with the status
   * patch that ends the reconcile; lost in a crash, a step's watchdog counts from an older start.
   */
  public static boolean mustRecord(UpgradeDecision decision, UpgradeIntent before,
      UpgradeIntent recorded) {
    if (decision instanceof Wait || decision instanceof Halt || decision instanceof Idle
        || readBackByItself(decision)) {
      return false;
    }
    if (createsOps(decision)) {
      return !before.sameRollAs(recorded);
    }
    return before.needsRecordingOver(recorded);
  }

  private static boolean readBackByItself(UpgradeDecision d) {
    return d instanceof StartRoll || d instanceof Resume
        || d instanceof UpgradeDecision.RecordAutoFailover
        || d instanceof UpgradeDecision.DisableAutoFailover
        || d instanceof UpgradeDecision.RestoreAutoFailover
        || d instanceof UpgradeDecision.RecordLedger
        || d instanceof UpgradeDecision.ClearLedgerEntries
        || d instanceof UpgradeDecision.ClearLedger || d instanceof Done;
  }

  private static boolean createsOps(UpgradeDecision d) {
    return d instanceof UpgradeDecision.SwitchLeaders || d instanceof UpgradeDecision.RecoverTables
        || d instanceof UpgradeDecision.ReviveLeaders
        || d instanceof UpgradeDecision.AddTemporaryReplicas
        || d instanceof UpgradeDecision.DeleteTemporaryReplicas;
  }

  /**
   * The intent once the decision was carried out: the step made progress, so its watchdog
   * restarts. An action that failed leaves the watchdog running, so repeated failures end in a
   * halt after the step's timeout instead of retrying for ever.
   */
  public static UpgradeIntent progressed(UpgradeIntent intent, UpgradeDecision decision,
      Instant now) {
    if (decision instanceof Wait || decision instanceof Halt || decision instanceof Idle
        || decision instanceof UnfenceLeaders) {
      return intent;
    }
    return intent.withLastProgressAt(now);
  }
}
