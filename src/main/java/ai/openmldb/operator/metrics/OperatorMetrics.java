package ai.openmldb.operator.metrics;

import ai.openmldb.operator.api.Component;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's domain meters (catalogue: {@code docs/metrics.md}). Tags are few-valued on
 * purpose: component, step, outcome, direction, reason; never a pod, table or partition name.
 * Methods never throw: a metrics call must not break a reconcile, so an unexpected tag value is
 * recorded as {@value #OTHER} and logged.
 */
public final class OperatorMetrics {
  /** Counter: upgrade steps finished; tags {@code component}, {@code step}, {@code outcome}. */
  public static final String UPGRADE_STEPS = "openmldb.operator.upgrade.steps";
  /** Timer: how long upgrade steps took; tags {@code component}, {@code step}, {@code outcome}. */
  public static final String UPGRADE_STEP_DURATION = "openmldb.operator.upgrade.step.duration";
  /** Counter: partition leader moves; tag {@code direction} ({@code off} the tablet, {@code back}). */
  public static final String LEADER_MOVES = "openmldb.operator.leader.moves";
  /** Counter: pods the operator deleted to restart them; tag {@code component}. */
  public static final String POD_RESTARTS = "openmldb.operator.pod.restarts";
  /** Counter: rolling upgrades started. */
  public static final String UPGRADES_STARTED = "openmldb.operator.upgrades.started";
  /** Counter: rolling upgrades finished (every pod on the target version). */
  public static final String UPGRADES_FINISHED = "openmldb.operator.upgrades.finished";
  /** Gauge: rolling upgrades in progress in this operator process. */
  public static final String UPGRADES_IN_PROGRESS = "openmldb.operator.upgrades.in.progress";
  /** Counter: rolls halted in a safe state waiting for the user; tag {@code reason}. */
  public static final String HALTS = "openmldb.operator.upgrade.halts";

  /** Tag value used when a caller passes a value outside the allowed set. */
  public static final String OTHER = "other";
  public static final Set<String> OUTCOMES = Set.of("ok", "failed", "timeout");
  public static final Set<String> DIRECTIONS = Set.of("off", "back");

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMetrics.class);
  /** Step names and halt reasons are code identifiers such as {@code moveLeadersOff}. */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,47}");

  private final MeterRegistry registry;
  private final AtomicInteger upgradesInProgress = new AtomicInteger();

  public MeterRegistry registry() {
    return registry;
  }

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(UPGRADES_IN_PROGRESS, upgradesInProgress, AtomicInteger::get)
        .description("Rolling upgrades in progress in this operator process")
        .register(registry);
    // Register the zero-valued counters so dashboards show 0 instead of "no data".
    Counter.builder(UPGRADES_STARTED).description("Rolling upgrades started").register(registry);
    Counter.builder(UPGRADES_FINISHED).description("Rolling upgrades finished").register(registry);
    for (String direction : DIRECTIONS) {
      leaderMoves(direction);
    }
  }

  /** One upgrade step of one pod ended with {@code outcome} ({@code ok|failed|timeout}). */
  public void recordStep(Component component, String step, String outcome, Duration duration) {
    String c = component == null ? OTHER : component.id();
    String s = identifier("step", step);
    String o = oneOf("outcome", outcome, OUTCOMES);
    Counter.builder(UPGRADE_STEPS)
        .description("Upgrade steps finished, by component, step and outcome")
        .tags("component", c, "step", s, "outcome", o)
        .register(registry)
        .increment();
    Timer.builder(UPGRADE_STEP_DURATION)
        .description("Duration of upgrade steps, by component, step and outcome")
        .tags("component", c, "step", s, "outcome", o)
        .register(registry)
        .record(duration == null || duration.isNegative() ? Duration.ZERO : duration);
  }

  /** A partition leader was moved {@code off} a tablet before its restart, or {@code back}. */
  public void leaderMoved(String direction) {
    leaderMoves(oneOf("direction", direction, DIRECTIONS)).increment();
  }

  /** The operator deleted a pod of {@code component} to restart it on the new template. */
  public void podRestarted(Component component) {
    Counter.builder(POD_RESTARTS)
        .description("Pods deleted by the operator to restart them, by component")
        .tag("component", component == null ? OTHER : component.id())
        .register(registry)
        .increment();
  }

  public void upgradeStarted() {
    registry.counter(UPGRADES_STARTED).increment();
    upgradesInProgress.incrementAndGet();
  }

  public void upgradeFinished() {
    registry.counter(UPGRADES_FINISHED).increment();
    upgradesInProgress.updateAndGet(n -> Math.max(0, n - 1));
  }

  /**
   * Sets the in-progress gauge from observed state, e.g. after an operator restart found rolls
   * recorded in the clusters' status (the counters above only see this process's events).
   */
  public void setUpgradesInProgress(int count) {
    upgradesInProgress.set(Math.max(0, count));
  }

  /** A roll stopped in a safe state and waits for the user; {@code reason} is a short code. */
  public void halted(String reason) {
    Counter.builder(HALTS)
        .description("Rolls halted in a safe state, by reason")
        .tag("reason", identifier("reason", reason))
        .register(registry)
        .increment();
  }

  private Counter leaderMoves(String direction) {
    return Counter.builder(LEADER_MOVES)
        .description("Partition leader moves, off a tablet before its restart or back after it")
        .tag("direction", direction)
        .register(registry);
  }

  private static String oneOf(String tag, String value, Set<String> allowed) {
    if (value != null && allowed.contains(value)) {
      return value;
    }
    LOG.warn("metric tag {}={} is not one of {}; recorded as {}", tag, value, allowed, OTHER);
    return OTHER;
  }

  private static String identifier(String tag, String value) {
    if (value != null && IDENTIFIER.matcher(value).matches()) {
      return value;
    }
    LOG.warn("metric tag {}={} is not a short identifier; recorded as {}", tag, value, OTHER);
    return OTHER;
  }
}
