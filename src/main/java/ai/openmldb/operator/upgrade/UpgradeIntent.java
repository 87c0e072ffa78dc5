package ai.openmldb.operator.upgrade;

import java.time.Instant;

/**
 * What the operator recorded in {@code status.upgrade} before it last acted: the roll's target,
 * the pod and step, and the clocks of the step's watchdogs. Together with what ZooKeeper, the
 * nameserver and the pods show, it is all a (possibly new) operator instance needs to continue.
 *
 * @param toVersion the version the roll goes to; null when no roll was ever started
 * @param finished the roll reached Done (and has not been restarted since)
 * @param pod the pod in progress, or null
 * @param step the step in progress ({@link Step} name), or null
 * @param lastProgressAt when the operator last acted in this roll (the watchdog's start)
 * @param fencedAt when the current fence wave started, or null when no wave is open
 * @param deletedPodUid uid of the pod instance the operator deleted for the current pod
 * @param opBaseline the highest op id seen when the roll started: older failed ops are ignored
 * @param halted the roll stopped in a safe state that only the user can lift (retry or revert)
 * @param retryToken the last {@code openmldb.ai/retry} annotation value the operator honoured
 */
public record UpgradeIntent(
    String toVersion,
    boolean finished,
    String pod,
    String step,
    Instant lastProgressAt,
    Instant fencedAt,
    String deletedPodUid,
    long opBaseline,
    boolean halted,
    String retryToken) {

  public static UpgradeIntent none() {
    return new UpgradeIntent(null, false, null, null, null, null, null, 0, false, null);
  }

  /** A roll toward {@code version} was started and has not finished. */
  public boolean activeFor(String version) {
    return toVersion != null && toVersion.equals(version) && !finished;
  }

  public UpgradeIntent withPosition(String newPod, Step newStep) {
    return new UpgradeIntent(toVersion, finished, newPod, newStep.name(), lastProgressAt, fencedAt,
        deletedPodUid, opBaseline, halted, retryToken);
  }

  public UpgradeIntent withLastProgressAt(Instant value) {
    return new UpgradeIntent(toVersion, finished, pod, step, value, fencedAt, deletedPodUid,
        opBaseline, halted, retryToken);
  }

  public UpgradeIntent withFencedAt(Instant value) {
    return new UpgradeIntent(toVersion, finished, pod, step, lastProgressAt, value, deletedPodUid,
        opBaseline, halted, retryToken);
  }

  public UpgradeIntent withDeletedPodUid(String value) {
    return new UpgradeIntent(toVersion, finished, pod, step, lastProgressAt, fencedAt, value,
        opBaseline, halted, retryToken);
  }

  public UpgradeIntent withHalted(boolean value) {
    return new UpgradeIntent(toVersion, finished, pod, step, lastProgressAt, fencedAt,
        deletedPodUid, opBaseline, value, retryToken);
  }

  public UpgradeIntent withRetryToken(String value) {
    return new UpgradeIntent(toVersion, finished, pod, step, lastProgressAt, fencedAt,
        deletedPodUid, opBaseline, halted, value);
  }

  public UpgradeIntent withFinished(boolean value) {
    return new UpgradeIntent(toVersion, value, pod, step, lastProgressAt, fencedAt, deletedPodUid,
        opBaseline, halted, retryToken);
  }

  /**
   * Whether this intent says more than {@code recorded} about what a restarted operator must
   * know: everything but {@link #lastProgressAt}, which only feeds the watchdog (the status patch
   * that ends the reconcile writes it; lost in a crash, the watchdog counts from an older time).
   */
  public boolean needsRecordingOver(UpgradeIntent recorded) {
    return !withLastProgressAt(null).equals(recorded.withLastProgressAt(null));
  }

  /** The same roll: target, completion, op-id baseline, halt and retry token are equal. */
  public boolean sameRollAs(UpgradeIntent other) {
    return java.util.Objects.equals(toVersion, other.toVersion) && finished == other.finished
        && opBaseline == other.opBaseline && halted == other.halted
        && java.util.Objects.equals(retryToken, other.retryToken);
  }

  /** A freshly started roll. */
  public static UpgradeIntent started(String toVersion, long opBaseline, Instant now) {
    return new UpgradeIntent(toVersion, false, null, Step.Prepare.name(), now, null, null,
        opBaseline, false, null);
  }
}
