package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.upgrade.Position;
import ai.openmldb.operator.upgrade.UpgradeIntent;
import java.time.Instant;
import java.util.ArrayList;

/** Reads the planner's {@link UpgradeIntent} from {@code status.upgrade} and writes it back. */
final class UpgradeStatusRecord {
  private UpgradeStatusRecord() {}

  static UpgradeIntent intentOf(UpgradeStatus s) {
    if (s == null) {
      return UpgradeIntent.none();
    }
    return new UpgradeIntent(
        s.getToVersion(),
        s.getFinishedAt() != null,
        s.getPod(),
        s.getStep(),
        instant(s.getLastProgressAt()),
        instant(s.getFencedAt()),
        s.getDeletedPodUid(),
        s.getOpBaseline() == null ? 0 : s.getOpBaseline(),
        Boolean.TRUE.equals(s.getHalted()),
        s.getRetryToken());
  }

  /** Copies the intent into the status record; a changed pod or step restarts stepStartedAt. */
  static void write(UpgradeStatus s, UpgradeIntent intent, Position position, Instant now) {
    boolean moved = !java.util.Objects.equals(s.getPod(), intent.pod())
        || !java.util.Objects.equals(s.getStep(), intent.step());
    s.setToVersion(intent.toVersion());
    s.setPod(intent.pod());
    s.setStep(intent.step());
    if (position != null && position.component() != null) {
      s.setComponent(position.component().id());
    } else if (intent.pod() == null) {
      s.setComponent(null);
    }
    if (moved || s.getStepStartedAt() == null) {
      s.setStepStartedAt(now.toString());
    }
    s.setLastProgressAt(text(intent.lastProgressAt()));
    s.setFencedAt(text(intent.fencedAt()));
    s.setDeletedPodUid(intent.deletedPodUid());
    s.setOpBaseline(intent.opBaseline());
    s.setHalted(intent.halted() ? Boolean.TRUE : null);
    s.setRetryToken(intent.retryToken());
  }

  static UpgradeStatus copy(UpgradeStatus s) {
    UpgradeStatus c = new UpgradeStatus();
    if (s == null) {
      return c;
    }
    c.setFromVersion(s.getFromVersion());
    c.setToVersion(s.getToVersion());
    c.setComponent(s.getComponent());
    c.setPod(s.getPod());
    c.setStep(s.getStep());
    c.setStepStartedAt(s.getStepStartedAt());
    c.setStartedAt(s.getStartedAt());
    c.setFinishedAt(s.getFinishedAt());
    c.setPodsTotal(s.getPodsTotal());
    c.setPodsUpgraded(s.getPodsUpgraded());
    c.setLeadersMoved(s.getLeadersMoved());
    c.setLeadersRestored(s.getLeadersRestored());
    c.setProgress(s.getProgress());
    c.setLastError(s.getLastError());
    c.setRemedy(s.getRemedy());
    c.setPlan(s.getPlan() == null ? new ArrayList<>() : new ArrayList<>(s.getPlan()));
    c.setMessage(s.getMessage());
    c.setLastProgressAt(s.getLastProgressAt());
    c.setFencedAt(s.getFencedAt());
    c.setDeletedPodUid(s.getDeletedPodUid());
    c.setOpBaseline(s.getOpBaseline());
    c.setHalted(s.getHalted());
    c.setRetryToken(s.getRetryToken());
    c.setReplacedRoll(s.getReplacedRoll());
    return c;
  }

  private static Instant instant(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String text(Instant i) {
    return i == null ? null : i.toString();
  }
}
