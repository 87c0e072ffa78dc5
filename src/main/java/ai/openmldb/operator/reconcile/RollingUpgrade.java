package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.api.SpecProblem;
import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.api.ZooKeeperSpec;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.k8s.ObservedCluster;
import ai.openmldb.operator.k8s.ObservedWorkload;
import ai.openmldb.operator.metrics.OperatorMetrics;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.upgrade.ClusterObservation;
import ai.openmldb.operator.upgrade.IntentUpdate;
import ai.openmldb.operator.upgrade.KnownEffects;
import ai.openmldb.operator.upgrade.PodState;
import ai.openmldb.operator.upgrade.Position;
import ai.openmldb.operator.upgrade.Step;
import ai.openmldb.operator.upgrade.UpgradeDecision;
import ai.openmldb.operator.upgrade.UpgradeDecision.AddTemporaryReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedgerEntries;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeletePod;
import ai.openmldb.operator.upgrade.UpgradeDecision.Direction;
import ai.openmldb.operator.upgrade.UpgradeDecision.DisableAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.Done;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.Halt;
import ai.openmldb.operator.upgrade.UpgradeDecision.Idle;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecoverTables;
import ai.openmldb.operator.upgrade.UpgradeDecision.RestoreAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.Resume;
import ai.openmldb.operator.upgrade.UpgradeDecision.StartRoll;
import ai.openmldb.operator.upgrade.UpgradeDecision.SwitchLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.UnfenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.Wait;
import ai.openmldb.operator.upgrade.UpgradeIntent;
import ai.openmldb.operator.upgrade.UpgradePlanner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rolling upgrade as the reconciler's {@link PodRollout}: observe, let the
 * {@link UpgradePlanner} choose the single next action, record the intent in
 * {@code status.upgrade} before a disruptive act, act, report (status, conditions, Events,
 * metrics) and reschedule. It never waits: a pod starting or an op running is a {@code Wait} and
 * a reschedule after {@code stepPollInterval}.
 *
 * <p>Decisions that only touch OpenMLDB metadata (ledger, auto-failover, fencing) are followed at
 * once by the next one within the same reconcile, up to {@link #MAX_CHAIN} observations: a fenced
 * partition is switched as soon as its follower has the final offset, not one poll interval
 * later. When a decision's whole effect is known ({@link KnownEffects}) the next one is taken
 * from the observation with that effect applied rather than from a fresh read, and the intent
 * is written to status only before an act that needs it ({@link IntentUpdate#mustRecord}).
 */
public final class RollingUpgrade implements PodRollout {
  private static final Logger LOG = LoggerFactory.getLogger(RollingUpgrade.class);
  static final int MAX_CHAIN = 4;
  /** Decisions per reconcile at most, read or carried forward (a bound if an effect were wrong). */
  static final int MAX_DECISIONS = 12;
  /**
   * While a fence wave is open writes to its partitions are refused: look again this soon rather
   * than a whole step poll interval later (a reschedule, never a wait inside the reconcile).
   */
  static final Duration FENCE_RECHECK = Duration.ofMillis(10);

  private final OperatorConfig config;
  private final OpenMLDBConnections connections;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final UpgradePlanner planner = new UpgradePlanner();
  private final RollingUpgradeObserver observer = new RollingUpgradeObserver();
  private final RollingUpgradeExecutor executor;
  private final IntentWriter intentWriter;
  private final LiveSpecChecks liveChecks;
  private final KubernetesClient client;
  /** Consecutive reconciles per cluster that could not read OpenMLDB (for the backoff). */
  private final Map<String, Integer> unreachableStreak = new ConcurrentHashMap<>();
  private final OpenMLDBWakeups wakeups = new OpenMLDBWakeups();
  private final ObservationPace pace = new ObservationPace();
  private final NameserverPrimer primer = new NameserverPrimer();

  public RollingUpgrade(KubernetesClient client, OperatorConfig config,
      OpenMLDBConnections connections, EventRecorder events, OperatorMetrics metrics,
      StatusWriter answers, Clock clock) {
    this.client = client;
    this.config = config;
    this.connections = connections;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.executor = new RollingUpgradeExecutor(client);
    this.intentWriter = new IntentWriter(client, answers);
    this.liveChecks = new LiveSpecChecks(client, this::connect);
  }

  @Override
  public List<SpecProblem> liveProblems(ObservedCluster asIs) {
    return liveChecks.check(asIs);
  }

  @Override
  public Optional<Duration> step(ObservedCluster observed, ClusterStatusBuilder status) {
    OpenMLDBCluster cluster = observed.cluster();
    UpgradeStatus previous = status.previousUpgrade();
    boolean active = previous != null && previous.getToVersion() != null
        && previous.getFinishedAt() == null;
    boolean outdated = observed.workloads().values().stream()
        .anyMatch(w -> w.pods().stream().anyMatch(p -> !w.isUpToDate(p)));
    String key = cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
    for (ObservedWorkload w : observed.workloads().values()) {
      if (w.desiredReplicas() > 0 && (w.statefulSet() == null || !w.statefulSetCurrent())) {
        // The informer cache does not show every StatefulSet as just applied yet: which pods
        // are outdated (and so the roll's order) is only known once it does. The StatefulSets'
        // events wake the next reconcile; the poll is a fallback. Until then the roll's state
        // (a halt above all) is as it was.
        if (active) {
          status.keepRolloutState();
        }
        return Optional.of(config.stepPollInterval());
      }
    }
    if (!active && !outdated) {
      wakeups.unwatch(key);
      pace.forget(key);
      // keep the cluster's ZooKeeper session warm: a roll then starts at once instead of first
      // waiting for a session and the caches (about a second); and reach its nameserver once
      if (cluster.getSpec().getZookeeper() != null
          && cluster.getSpec().getZookeeper().getCluster() != null) {
        primer.prime(connect(cluster));
      }
      // pods on another version than the spec's while none looks outdated: the StatefulSet in
      // the cache predates the change that is being applied; look again soon, not in a minute
      boolean caughtUp = observed.runningVersions().isEmpty()
          || observed.runningVersions().equals(java.util.Set.of(cluster.getSpec().getVersion()));
      return caughtUp ? Optional.empty() : Optional.of(config.stepPollInterval());
    }
    ClusterConnection conn = connect(cluster);
    UpgradeStatus st = UpgradeStatusRecord.copy(previous);
    UpgradeIntent intent = UpgradeStatusRecord.intentOf(previous);
    // the intent as stored: written again before an act only when the act changes what a
    // restarted operator needs (position, fence, deleted pod, ...), not for every act
    UpgradeIntent recorded = intent;
    Duration next = config.stepPollInterval();
    long lastObserveNanos = 0;
    boolean halted = cluster.getStatus() != null
        && Phase.HALTED.equals(cluster.getStatus().getPhase());
    ClusterObservation carried = null;
    int observations = 0;
    for (int i = 0; i < MAX_DECISIONS && (carried != null || observations < MAX_CHAIN); i++) {
      Instant now = clock.instant();
      ClusterObservation obs;
      long observeNanos = lastObserveNanos;
      if (carried != null) {
        obs = carried;
        carried = null;
      } else {
        long observeStart = System.nanoTime();
        obs = observer.observe(observed, conn, intent, now);
        observeNanos = System.nanoTime() - observeStart;
        lastObserveNanos = observeNanos;
        observations++;
      }
      if (obs.openmldb().isEmpty()) {
        // OpenMLDB unreadable: look again later and later (the step's timeout is the budget)
        next = unreachableBackoff(unreachableStreak.merge(key, 1, Integer::sum));
      } else {
        unreachableStreak.remove(key);
      }
      obs.openmldb().flatMap(s -> s.nameserverLeader()).ifPresent(status::nameserverLeader);
      UpgradeDecision decision = planner.decide(obs);
      if (decision instanceof Idle) {
        wakeups.unwatch(key);
        pace.forget(key);
        return Optional.empty();
      }
      UpgradeIntent before = IntentUpdate.before(intent, decision, now, obs.retryToken());
      recordStep(st, before, decision, now);
      UpgradeStatusRecord.write(st, before, decision.position(), now);
      if (decision instanceof StartRoll s) {
        if (!intent.activeFor(intent.toVersion())) {
          metrics.upgradeStarted(); // a revert mid-roll continues the same roll for the gauge
        }
        String replaced = replacedRoll(intent, s, halted, st);
        startRoll(st, s, now);
        st.setReplacedRoll(replaced);
        if (replaced != null) {
          String why = "spec.version changed to " + s.toVersion() + " before the roll to "
              + replaced + " completed: rolling to " + s.toVersion() + " instead, from where that"
              + " roll stopped (a failed op of it still needs acknowledging)";
          LOG.info("{}: {}", key, why);
          events.normal(cluster, "UpgradeRetargeted", why);
        }
      }
      boolean recordFirst = IntentUpdate.mustRecord(decision, before, recorded);
      if (recordFirst) {
        st.setMessage(decision.describe()); // what the intent is for, not the last act's line
      }
      UpgradeStatus toRecord = st;
      RollingUpgradeExecutor.Outcome outcome = isAction(decision)
          ? executor.execute(decision, cluster, conn,
              recordFirst ? () -> intentWriter.record(cluster, toRecord) : () -> { })
          : RollingUpgradeExecutor.Outcome.OK;
      if (recordFirst) {
        recorded = before;
      }
      intent = outcome.ok() ? IntentUpdate.progressed(before, decision, now) : before;
      UpgradeStatusRecord.write(st, intent, decision.position(), now);
      report(cluster, obs, decision, outcome, st, status, now);
      if (!outcome.ok()) {
        next = backoff();
        break;
      }
      if (decision instanceof Halt || decision instanceof UnfenceLeaders
          || (decision instanceof Wait w && w.position() != null
              && w.position().step() == Step.Halted)) {
        next = backoff();
      }
      if (decision instanceof Wait w && w.writesRefused()) {
        // a fence wave waits only for replication to drain to the candidates
        next = min(next, FENCE_RECHECK);
        break;
      }
      if (waitsForOps(decision, obs)) {
        next = min(next, opRecheck(observeNanos));
      }
      if (!chains(decision)) {
        break;
      }
      carried = KnownEffects.after(obs, decision, intent, clock.instant()).orElse(null);
    }
    status.upgrade(st);
    if (conn != null && !intent.finished()) {
      wakeups.watch(key, ResourceID.fromResource(cluster), conn, pace.after(key, lastObserveNanos));
    } else {
      wakeups.unwatch(key);
      pace.forget(key);
    }
    return Optional.of(next);
  }

  /**
   * The cluster's OpenMLDB is read (ops, then tables; the ledger) while the reconcile writes the
   * StatefulSets of a version change, into the connection's kept copies: the roll's first pass,
   * right after the writes, then finds them kept unless something changed meanwhile (the same
   * rules as between two passes), instead of reading them after the writes.
   */
  @Override
  public void beforeApply(OpenMLDBCluster cluster) {
    if (cluster.getSpec().getZookeeper() == null
        || cluster.getSpec().getZookeeper().getCluster() == null) {
      return;
    }
    SideBySide.start(() -> {
      try {
        observer.prefetch(cluster, connect(cluster));
      } catch (RuntimeException e) {
        // only a head start: the pass reads for itself and reports what it cannot read
        LOG.debug("reading ahead for {} failed: {}", cluster.getMetadata().getName(), e.toString());
      }
    });
  }

  @Override
  public List<EventSource<?, OpenMLDBCluster>> eventSources() {
    return List.of(wakeups.source());
  }

  /**
   * While nameserver ops of the roll run, look again after twice the time one observation took
   * (at least {@link #FENCE_RECHECK}, at most the step poll interval) instead of a whole poll
   * interval: the next step follows an op's end closely, and the nameserver spends at most a
   * third of the time answering this operator whatever the cluster's size (an observation of a
   * larger cluster takes longer, so it is repeated less often).
   */
  private Duration opRecheck(long observeNanos) {
    Duration d = Duration.ofNanos(2 * observeNanos);
    if (d.compareTo(FENCE_RECHECK) < 0) {
      d = FENCE_RECHECK;
    }
    return min(d, config.stepPollInterval());
  }

  /** A decision that just created ops, or a wait while ops are unfinished (not halted). */
  private static boolean waitsForOps(UpgradeDecision d, ClusterObservation obs) {
    if (d instanceof SwitchLeaders || d instanceof RecoverTables
        || d instanceof UpgradeDecision.ReviveLeaders || d instanceof AddTemporaryReplicas
        || d instanceof UpgradeDecision.DeleteTemporaryReplicas) {
      return true;
    }
    return d instanceof Wait w && (w.position() == null || w.position().step() != Step.Halted)
        && obs.openmldb().map(s -> s.ops().stream().anyMatch(o -> !o.finished())).orElse(false);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The cached connection, or null when the ZooKeeper credential Secret cannot be read. */
  private ClusterConnection connect(OpenMLDBCluster cluster) {
    return connect(cluster, ZooKeeperCredential.read(client, cluster));
  }

  private ClusterConnection connect(OpenMLDBCluster cluster, ZooKeeperCredential credential) {
    if (!credential.usable()) {
      return null;
    }
    ZooKeeperSpec zk = cluster.getSpec().getZookeeper();
    int session = zk.getSessionTimeoutMs() == null ? 10_000 : zk.getSessionTimeoutMs();
    return connections.connect(zk.getCluster(), zk.getRootPath(), session, credential.auth());
  }

  /**
   * The n-th consecutive reconcile that could not read OpenMLDB looks again after the poll
   * interval doubled n-1 times, at most {@link #backoff()}.
   */
  private Duration unreachableBackoff(int n) {
    Duration d = config.stepPollInterval().multipliedBy(1L << Math.min(n - 1, 10));
    return min(d, backoff());
  }

  private Duration backoff() {
    Duration poll = config.stepPollInterval();
    Duration slow = poll.multipliedBy(5);
    return slow.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : slow;
  }

  private static boolean isAction(UpgradeDecision d) {
    return !(d instanceof Wait || d instanceof Halt || d instanceof Idle);
  }

  /** Metadata-only decisions whose follow-up can be decided at once. */
  private static boolean chains(UpgradeDecision d) {
    return d instanceof StartRoll || d instanceof RecordAutoFailover
        || d instanceof DisableAutoFailover || d instanceof RecordLedger
        || d instanceof FenceLeaders || d instanceof FenceReplicas
        || d instanceof ClearLedgerEntries || d instanceof Resume
        || d instanceof RestoreAutoFailover || d instanceof ClearLedger;
  }

  /**
   * A new target while a roll to another one is unfinished (a revert, or a third version while
   * halted): the new roll replaces it, from where it stopped. Returns how the replaced roll stood,
   * or null when no roll is replaced.
   */
  private static String replacedRoll(UpgradeIntent intent, StartRoll s, boolean halted,
      UpgradeStatus st) {
    if (intent.toVersion() == null || intent.finished()
        || intent.toVersion().equals(s.toVersion())) {
      return null;
    }
    if (halted || intent.halted()) {
      return intent.toVersion() + " (halted"
          + (st.getLastError() == null ? "" : ": " + st.getLastError()) + ")";
    }
    return intent.toVersion() + " (under way at " + st.getProgress() + ")";
  }

  private void startRoll(UpgradeStatus st, StartRoll s, Instant now) {
    st.setFromVersion(s.fromVersion());
    st.setToVersion(s.toVersion());
    st.setStartedAt(now.toString());
    st.setFinishedAt(null);
    st.setPlan(new java.util.ArrayList<>(s.plan()));
    st.setPodsTotal(s.plan().size());
    st.setPodsUpgraded(0);
    st.setLeadersMoved(0);
    st.setLeadersRestored(0);
    st.setLastError(null);
    st.setRemedy(null);
  }

  /** A step ends when the position moves on: its duration goes to the step timer. */
  private void recordStep(UpgradeStatus st, UpgradeIntent next, UpgradeDecision d, Instant now) {
    if (st.getStep() == null || st.getStepStartedAt() == null
        || (Objects.equals(st.getPod(), next.pod()) && Objects.equals(st.getStep(), next.step()))) {
      return;
    }
    try {
      Duration took = Duration.between(Instant.parse(st.getStepStartedAt()), now);
      Component c = st.getComponent() == null ? null : Component.fromId(st.getComponent());
      metrics.recordStep(c, st.getStep(), d instanceof Halt ? "timeout" : "ok", took);
    } catch (RuntimeException e) {
      LOG.debug("step timing skipped", e);
    }
  }

  private void report(OpenMLDBCluster cluster, ClusterObservation obs, UpgradeDecision d,
      RollingUpgradeExecutor.Outcome outcome, UpgradeStatus st, ClusterStatusBuilder status,
      Instant now) {
    String key = cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
    int upgraded = (int) st.getPlan().stream()
        .filter(p -> obs.pod(p).map(PodState::settled).orElse(false)).count();
    st.setPodsUpgraded(upgraded);
    Position pos = d.position();
    String where = pos == null || pos.pod() == null ? "" : " " + pos.pod();
    String stepName = pos == null ? "" : " " + pos.step();
    st.setProgress(upgraded + "/" + st.getPodsTotal() + where + stepName);
    st.setMessage(d.describe());

    if (!outcome.ok()) {
      st.setLastError("retrying: " + d.describe() + " failed: " + outcome.failure());
      status.phase(Phase.UPGRADING);
      status.condition(ConditionType.PROGRESSING, true, "Upgrading", st.getProgress()
          + ": retrying after an error: " + outcome.failure());
      return;
    }
    if (d instanceof Halt h) {
      haltReport(cluster, st, status, h.error(), h.remedy(), haltReason(h));
      return;
    }
    if (d instanceof UnfenceLeaders u) {
      events.warning(cluster, "LeaderMoveAborted", u.describe());
      haltReport(cluster, st, status, u.error(), u.remedy(),
          u.sticky() ? "fence_timeout" : "failed_op");
      return;
    }
    if (d instanceof Wait w && pos != null && pos.step() == Step.Halted) {
      status.phase(Phase.HALTED);
      status.condition(ConditionType.DEGRADED, true, "UpgradeHalted",
          Objects.requireNonNullElse(st.getLastError(), "the roll is halted") + ". Remedy: "
              + Objects.requireNonNullElse(st.getRemedy(), w.reason()));
      return;
    }
    if (isAction(d)) {
      if (st.getLastError() != null) {
        LOG.info("{}: roll continues ({})", key, d.describe());
      }
      st.setLastError(null);
      st.setRemedy(null);
    }
    if (d instanceof Done done) {
      st.setFinishedAt(now.toString());
      st.setProgress(st.getPodsTotal() + "/" + st.getPodsTotal() + " done");
      metrics.upgradeFinished();
      LOG.info("{}: roll to {} complete", key, done.version());
      events.normal(cluster, "UpgradeCompleted", "Every pod runs " + done.version()
          + "; leaders moved " + st.getLeadersMoved() + ", restored " + st.getLeadersRestored());
      return;
    }
    status.phase(obs.settings().paused() && d instanceof Wait ? Phase.PAUSED : Phase.UPGRADING);
    status.condition(ConditionType.PROGRESSING, true,
        d instanceof Wait ? "Waiting" : "Upgrading", st.getProgress() + ": " + d.describe());
    announce(cluster, key, d, st);
  }

  private void haltReport(OpenMLDBCluster cluster, UpgradeStatus st, ClusterStatusBuilder status,
      String error, String remedy, String reason) {
    boolean fresh = !Objects.equals(st.getLastError(), error);
    st.setLastError(error);
    st.setRemedy(remedy);
    status.phase(Phase.HALTED);
    status.condition(ConditionType.DEGRADED, true, "UpgradeHalted", error + ". Remedy: " + remedy);
    status.condition(ConditionType.PROGRESSING, false, "UpgradeHalted", st.getProgress());
    if (fresh) {
      LOG.warn("{}/{}: roll halted: {}; remedy: {}", cluster.getMetadata().getNamespace(),
          cluster.getMetadata().getName(), error, remedy);
      metrics.halted(reason);
      events.warning(cluster, "UpgradeHalted", error + ". Remedy: " + remedy);
    }
  }

  private static String haltReason(Halt h) {
    if (h.error().contains("made no progress")) {
      return "timeout";
    }
    if (h.error().startsWith("nameserver op")) {
      return "failed_op";
    }
    return "blocked";
  }

  /** Log line, Event and meters for each disruptive action. */
  private void announce(OpenMLDBCluster cluster, String key, UpgradeDecision d, UpgradeStatus st) {
    if (d instanceof StartRoll s) {
      LOG.info("{}: {}", key, s.describe());
      events.normal(cluster, "UpgradeStarted", "Rolling " + s.plan().size() + " pods from "
          + s.fromVersion() + " to " + s.toVersion() + ": " + String.join(", ", s.plan()));
    } else if (d instanceof DisableAutoFailover || d instanceof RestoreAutoFailover) {
      LOG.info("{}: {}", key, d.describe());
      events.normal(cluster, "AutoFailover", d.describe()
          + (d instanceof DisableAutoFailover ? " (the original setting is kept in the ledger)" : ""));
    } else if (d instanceof DeletePod p) {
      Component c = p.position().component();
      if (!"deletion not seen yet".equals(p.reason())) {
        metrics.podRestarted(c);
        LOG.info("{}: Restarting {} ({})", key, p.pod(), p.reason());
        events.normal(cluster, "RestartingPod", "Restarting " + p.pod() + " (" + p.reason() + ")");
      }
    } else if (d instanceof FenceLeaders f) {
      String tablet = f.leaders().isEmpty() ? "" : f.leaders().get(0).endpoint();
      LOG.info("{}: {}", key, f.describe());
      events.normal(cluster, f.direction() == Direction.OFF ? "MovingLeadersOff" : "MovingLeadersBack",
          "Fencing " + f.leaders().size() + " leader(s) on " + tablet
              + " and moving them to replicas that hold every acknowledged write");
    } else if (d instanceof SwitchLeaders s) {
      String dir = s.direction() == Direction.OFF ? "off" : "back";
      s.switches().forEach(x -> metrics.leaderMoved(dir));
      int n = s.switches().size();
      if (s.direction() == Direction.OFF) {
        st.setLeadersMoved(st.getLeadersMoved() + n);
      } else {
        st.setLeadersRestored(st.getLeadersRestored() + n);
      }
      intentWriter.recordLeaderSwitches(cluster, st);
      LOG.info("{}: {}", key, s.describe());
    } else if (d instanceof AddTemporaryReplicas a) {
      LOG.info("{}: {}", key, a.describe());
      events.normal(cluster, "AddingTemporaryReplicas", a.describe());
    } else if (d instanceof RecoverTables r) {
      LOG.info("{}: {}", key, r.describe());
    } else if (d instanceof Resume) {
      events.normal(cluster, "UpgradeResumed", "Retrying the halted roll ("
          + Labels.RETRY_ANNOTATION + " changed)");
    } else if (!(d instanceof Wait)) {
      LOG.info("{}: {}", key, d.describe());
    }
  }

  /** Annotations as a map that is never null. */
  static Map<String, String> annotations(OpenMLDBCluster cluster) {
    Map<String, String> a = cluster.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }
}
