package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.ComponentStatus;
import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.api.SpecProblem;
import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.k8s.ObservedCluster;
import ai.openmldb.operator.k8s.ObservedWorkload;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The single owner of {@code status}: derives phase, counts and the four conditions from what was
 * observed, lets the rolling upgrade override a condition, the phase or {@code status.upgrade},
 * and keeps a condition's {@code lastTransitionTime} when its status did not change, so an
 * unchanged cluster yields an equal status and no write.
 */
public final class ClusterStatusBuilder {
  private final OpenMLDBCluster cluster;
  private final Clock clock;
  private ObservedCluster observed;
  private List<SpecProblem> problems = List.of();
  private final Map<String, Condition> overrides = new LinkedHashMap<>();
  private String phaseOverride;
  private UpgradeStatus upgrade;
  private boolean upgradeSet;
  private String nameserverLeader;
  private boolean nameserverLeaderSet;

  public ClusterStatusBuilder(OpenMLDBCluster cluster, Clock clock) {
    this.cluster = cluster;
    this.clock = clock;
  }

  /** The cluster as the reconcile saw it (previous status included). */
  public OpenMLDBCluster cluster() {
    return cluster;
  }

  public ClusterStatusBuilder observed(ObservedCluster observed) {
    this.observed = observed;
    return this;
  }

  /** Problems of the spec: phase Invalid, Degraded=True with reason InvalidSpec. */
  public ClusterStatusBuilder invalid(List<SpecProblem> problems) {
    this.problems = List.copyOf(problems);
    return this;
  }

  /** Replaces {@code status.upgrade} (null clears it); untouched, the previous value is kept. */
  public ClusterStatusBuilder upgrade(UpgradeStatus upgrade) {
    this.upgrade = upgrade;
    this.upgradeSet = true;
    return this;
  }

  /** The previous {@code status.upgrade}, or null: the rolling upgrade's recorded intent. */
  public UpgradeStatus previousUpgrade() {
    return cluster.getStatus() == null ? null : cluster.getStatus().getUpgrade();
  }

  public ClusterStatusBuilder nameserverLeader(String endpoint) {
    this.nameserverLeader = endpoint;
    this.nameserverLeaderSet = true;
    return this;
  }

  /** Overrides the derived phase (e.g. Upgrading, Halted). */
  public ClusterStatusBuilder phase(String phase) {
    this.phaseOverride = phase;
    return this;
  }

  /**
   * Keeps the phase and the Progressing and Degraded conditions as the previous status has them:
   * for a reconcile of a roll that learned nothing new (its cache is still catching up with the
   * StatefulSets it just applied). Derived afresh, a halted roll would read "Upgrading" for that
   * one reconcile, and the next one would take it for a roll under way.
   */
  public ClusterStatusBuilder keepRolloutState() {
    OpenMLDBClusterStatus previous = cluster.getStatus();
    if (previous == null) {
      return this;
    }
    if (previous.getPhase() != null) {
      phaseOverride = previous.getPhase();
    }
    if (previous.getConditions() != null) {
      for (Condition c : previous.getConditions()) {
        if (ConditionType.PROGRESSING.equals(c.getType())
            || ConditionType.DEGRADED.equals(c.getType())) {
          overrides.put(c.getType(), new ConditionBuilder(c).build());
        }
      }
    }
    return this;
  }

  /** Overrides one derived condition (e.g. Degraded=True reason LeaderMoveTimeout). */
  public ClusterStatusBuilder condition(String type, boolean status, String reason, String message) {
    overrides.put(type, condition(type, status ? "True" : "False", reason, message));
    return this;
  }

  public OpenMLDBClusterStatus build() {
    OpenMLDBClusterStatus previous = cluster.getStatus();
    OpenMLDBClusterStatus status = new OpenMLDBClusterStatus();
    status.setObservedGeneration(cluster.getMetadata().getGeneration());
    String target = cluster.getSpec() == null ? null : cluster.getSpec().getVersion();
    status.setTargetVersion(target);
    String current = observed == null ? null : observed.uniformVersion().orElse(null);
    if (current == null && previous != null) {
      current = previous.getCurrentVersion();
    }
    status.setCurrentVersion(current);
    if (observed != null) {
      status.setReady(observed.readyPods() + "/" + observed.desiredPods());
      for (Component c : Component.values()) {
        ObservedWorkload w = observed.workload(c);
        ComponentStatus cs = new ComponentStatus();
        cs.setReplicas(w.existing());
        cs.setReadyReplicas(w.ready());
        cs.setUpdatedReplicas(w.updated());
        status.setComponent(c, cs);
      }
    }
    status.setUpgrade(upgradeSet ? upgrade : previous == null ? null : previous.getUpgrade());
    status.setNameserverLeader(nameserverLeaderSet ? nameserverLeader
        : previous == null ? null : previous.getNameserverLeader());
    status.setPhase(phaseOverride != null ? phaseOverride : derivePhase(current, target));
    List<Condition> conditions = new ArrayList<>();
    for (Condition c : List.of(ready(), progressing(), degraded(), pausedCondition())) {
      Condition chosen = overrides.getOrDefault(c.getType(), c);
      conditions.add(keepTransitionTime(chosen, previous));
    }
    status.setConditions(conditions);
    return status;
  }

  private boolean isPaused() {
    return cluster.getSpec() != null && cluster.getSpec().getUpgrade() != null
        && Boolean.TRUE.equals(cluster.getSpec().getUpgrade().getPaused());
  }

  private String derivePhase(String current, String target) {
    if (!problems.isEmpty()) {
      return Phase.INVALID;
    }
    if (observed == null) {
      return Phase.PENDING;
    }
    boolean outdated = observed.updatedPods() < observed.existingPods();
    if (isPaused() && (outdated || !Objects.equals(current, target))) {
      return Phase.PAUSED;
    }
    if (observed.isSettled()) {
      return Phase.RUNNING;
    }
    if (current == null) {
      return Phase.PENDING;
    }
    if (outdated || !Objects.equals(current, target)) {
      return Phase.UPGRADING;
    }
    return Phase.RUNNING;
  }

  private Condition ready() {
    if (observed == null) {
      return condition(ConditionType.READY, "False", "NotObserved", "Workloads not observed yet");
    }
    String counts = observed.readyPods() + "/" + observed.desiredPods() + " pods ready, "
        + observed.updatedPods() + "/" + observed.desiredPods() + " up to date";
    return observed.isSettled()
        ? condition(ConditionType.READY, "True", "AllPodsReady", counts)
        : condition(ConditionType.READY, "False", "PodsNotReady", counts);
  }

  private Condition progressing() {
    if (!problems.isEmpty()) {
      return condition(ConditionType.PROGRESSING, "False", "InvalidSpec",
          "Nothing is changed until the spec is fixed");
    }
    if (observed == null || observed.isSettled()) {
      return condition(ConditionType.PROGRESSING, "False", "Stable", "Every pod is ready and up to date");
    }
    long missingSets = observed.workloads().values().stream().filter(w -> w.statefulSet() == null).count();
    int outdated = observed.existingPods() - observed.updatedPods();
    if (missingSets > 0) {
      return condition(ConditionType.PROGRESSING, "True", "Creating", "Creating the workloads");
    }
    if (outdated > 0) {
      return condition(ConditionType.PROGRESSING, "True", "PodsOutdated",
          outdated + " pod(s) run an older revision and are restarted one at a time");
    }
    if (observed.existingPods() != observed.desiredPods()) {
      return condition(ConditionType.PROGRESSING, "True", "Scaling",
          observed.existingPods() + " of " + observed.desiredPods() + " pods exist");
    }
    return condition(ConditionType.PROGRESSING, "True", "WaitingForPods",
        "Waiting for " + (observed.desiredPods() - observed.readyPods()) + " pod(s) to become ready");
  }

  private Condition degraded() {
    if (!problems.isEmpty()) {
      return condition(ConditionType.DEGRADED, "True", "InvalidSpec",
          problems.stream().map(SpecProblem::message).collect(Collectors.joining("; ")));
    }
    return condition(ConditionType.DEGRADED, "False", "AsExpected", "No problem found");
  }

  private Condition pausedCondition() {
    return isPaused()
        ? condition(ConditionType.PAUSED, "True", "PausedBySpec",
            "spec.upgrade.paused is true: no pod is restarted until it is set to false")
        : condition(ConditionType.PAUSED, "False", "NotPaused", "Pod restarts are allowed");
  }

  private Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(cluster.getMetadata().getGeneration())
        .withLastTransitionTime(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString())
        .build();
  }

  private static Condition keepTransitionTime(Condition c, OpenMLDBClusterStatus previous) {
    if (previous == null || previous.getConditions() == null) {
      return c;
    }
    for (Condition old : previous.getConditions()) {
      if (old.getType().equals(c.getType()) && Objects.equals(old.getStatus(), c.getStatus())
          && old.getLastTransitionTime() != null) {
        c.setLastTransitionTime(old.getLastTransitionTime());
      }
    }
    return c;
  }
}
