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
   * Whether the intent must reach status before this decision is carried out. Not for acts whose
   * result a restarted operator reads back by itself from the ledger or the nameserver and then
   * decides the same way: recording the roll's target, the auto-failover setting in the ledger,
   * turning auto-failover off or back on, writing or clearing ledger entries (a tablet with
   * entries is the pod in progress whatever status says), and the roll's end (no act: the status
   * patch that ends the reconcile records it). Their intent reaches status with the
   * next act that needs it, or with the status patch that ends the reconcile, so a chain of them
   * costs one status write instead of one each. Every other act needs it first: a fence wave's
   * start (its timeout), the pod instance deleted, replicas marked not alive (a tablet without
   * ledger entries is only known as the pod in progress from status), and anything that creates
   * nameserver ops (the roll's op-id baseline must be stored before its first op can fail).
   */
  public static boolean mustRecordBefore(UpgradeDecision decision) {
    return !(decision instanceof StartRoll || decision instanceof Resume
        || decision instanceof UpgradeDecision.RecordAutoFailover
        || decision instanceof UpgradeDecision.DisableAutoFailover
        || decision instanceof UpgradeDecision.RestoreAutoFailover
        || decision instanceof UpgradeDecision.RecordLedger
        || decision instanceof UpgradeDecision.ClearLedgerEntries
        || decision instanceof UpgradeDecision.ClearLedger || decision instanceof Done);
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
