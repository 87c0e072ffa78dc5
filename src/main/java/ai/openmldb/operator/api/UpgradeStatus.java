package ai.openmldb.operator.api;

import java.util.ArrayList;
import java.util.List;

/** The roll in progress (or the last one): plan, position and counters. */
public class UpgradeStatus {
  /** Version the roll started from. */
  private String fromVersion;

  /** Version the roll goes to. */
  private String toVersion;

  /** Component whose pod is being rolled. */
  private String component;

  /** Pod being rolled. */
  private String pod;

  /** Step in progress for that pod (see docs/upgrades.md). */
  private String step;

  /** When the current step started (RFC 3339). */
  private String stepStartedAt;

  /** When the roll started (RFC 3339). */
  private String startedAt;

  /** When the roll finished (RFC 3339), empty while it runs. */
  private String finishedAt;

  /** Pods the roll has to restart. */
  private int podsTotal;

  /** Pods already on the target revision. */
  private int podsUpgraded;

  /**
   * Leader switches issued off tablets before their restart. A switch issued again (after a
   * failed op, or by an operator restarted before it saw the first one land) counts again.
   */
  private int leadersMoved;

  /** Leader switches issued back after a tablet's restart; re-issued switches count again. */
  private int leadersRestored;

  /** One-line summary for printer columns, e.g. '4/9 tablet-1 Restart'. */
  private String progress;

  /** Why the roll halted, if it did. */
  private String lastError;

  /** What the user should do to resume a halted roll. */
  private String remedy;

  /** Pods in the order they are rolled. */
  private List<String> plan = new ArrayList<>();

  /** What the roll waits for or does right now. */
  private String message;

  /** When the operator last made progress in this step (RFC 3339): the step timeout's start. */
  private String lastProgressAt;

  /** When the current wave of fenced leader moves started (RFC 3339). */
  private String fencedAt;

  /** Uid of the pod instance the operator deleted for the pod in progress. */
  private String deletedPodUid;

  /** Highest nameserver op id when the roll started: older failed ops are not this roll's. */
  private Long opBaseline;

  /** The roll stopped in a safe state and waits for the user (annotation openmldb.ai/retry). */
  private Boolean halted;

  /** The openmldb.ai/retry annotation value already honoured. */
  private String retryToken;

  /**
   * The unfinished roll this one replaced because spec.version changed before it completed: its
   * target and how it stood, e.g. '0.9.3 (halted: ...)'.
   */
  private String replacedRoll;

  public String getReplacedRoll() {
    return replacedRoll;
  }

  public void setReplacedRoll(String replacedRoll) {
    this.replacedRoll = replacedRoll;
  }

  public String getFromVersion() {
    return fromVersion;
  }

  public void setFromVersion(String fromVersion) {
    this.fromVersion = fromVersion;
  }

  public String getToVersion() {
    return toVersion;
  }

  public void setToVersion(String toVersion) {
    this.toVersion = toVersion;
  }

  public String getComponent() {
    return component;
  }

  public void setComponent(String component) {
    this.component = component;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getStep() {
    return step;
  }

  public void setStep(String step) {
    this.step = step;
  }

  public String getStepStartedAt() {
    return stepStartedAt;
  }

  public void setStepStartedAt(String stepStartedAt) {
    this.stepStartedAt = stepStartedAt;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getFinishedAt() {
    return finishedAt;
  }

  public void setFinishedAt(String finishedAt) {
    this.finishedAt = finishedAt;
  }

  public int getPodsTotal() {
    return podsTotal;
  }

  public void setPodsTotal(int podsTotal) {
    this.podsTotal = podsTotal;
  }

  public int getPodsUpgraded() {
    return podsUpgraded;
  }

  public void setPodsUpgraded(int podsUpgraded) {
    this.podsUpgraded = podsUpgraded;
  }

  public int getLeadersMoved() {
    return leadersMoved;
  }

  public void setLeadersMoved(int leadersMoved) {
    this.leadersMoved = leadersMoved;
  }

  public int getLeadersRestored() {
    return leadersRestored;
  }

  public void setLeadersRestored(int leadersRestored) {
    this.leadersRestored = leadersRestored;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }

  public String getLastError() {
    return lastError;
  }

  public void setLastError(String lastError) {
    this.lastError = lastError;
  }

  public String getRemedy() {
    return remedy;
  }

  public void setRemedy(String remedy) {
    this.remedy = remedy;
  }

  public List<String> getPlan() {
    return plan;
  }

  public void setPlan(List<String> plan) {
    this.plan = plan;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getLastProgressAt() {
    return lastProgressAt;
  }

  public void setLastProgressAt(String lastProgressAt) {
    this.lastProgressAt = lastProgressAt;
  }

  public String getFencedAt() {
    return fencedAt;
  }

  public void setFencedAt(String fencedAt) {
    this.fencedAt = fencedAt;
  }

  public String getDeletedPodUid() {
    return deletedPodUid;
  }

  public void setDeletedPodUid(String deletedPodUid) {
    this.deletedPodUid = deletedPodUid;
  }

  public Long getOpBaseline() {
    return opBaseline;
  }

  public void setOpBaseline(Long opBaseline) {
    this.opBaseline = opBaseline;
  }

  public Boolean getHalted() {
    return halted;
  }

  public void setHalted(Boolean halted) {
    this.halted = halted;
  }

  public String getRetryToken() {
    return retryToken;
  }

  public void setRetryToken(String retryToken) {
    this.retryToken = retryToken;
  }
}
