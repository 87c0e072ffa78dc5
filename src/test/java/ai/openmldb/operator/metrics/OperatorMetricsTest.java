package ai.openmldb.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.Component;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
  final MeterRegistry registry = new SimpleMeterRegistry();
  final OperatorMetrics metrics = new OperatorMetrics(registry);

  @Test
  void countsAndTimesStepsByComponentStepAndOutcome() {
    metrics.recordStep(Component.TABLET, "moveLeadersOff", "ok", Duration.ofSeconds(3));
    metrics.recordStep(Component.TABLET, "moveLeadersOff", "ok", Duration.ofSeconds(1));
    metrics.recordStep(Component.NAMESERVER, "restartPod", "timeout", Duration.ofMinutes(5));

    assertThat(registry.get(OperatorMetrics.UPGRADE_STEPS)
            .tags("component", "tablet", "step", "moveLeadersOff", "outcome", "ok").counter().count())
        .isEqualTo(2.0);
    var timer = registry.get(OperatorMetrics.UPGRADE_STEP_DURATION)
        .tags("component", "tablet", "step", "moveLeadersOff", "outcome", "ok").timer();
    assertThat(timer.count()).isEqualTo(2);
    assertThat(timer.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(4.0);
    assertThat(registry.get(OperatorMetrics.UPGRADE_STEPS).tags("outcome", "timeout").counter()
        .count()).isEqualTo(1.0);
  }

  @Test
  void tracksUpgradesInProgressAndNeverGoesNegative() {
    metrics.upgradeStarted();
    metrics.upgradeStarted();
    metrics.upgradeFinished();
    assertThat(gauge()).isEqualTo(1.0);
    metrics.upgradeFinished();
    metrics.upgradeFinished();
    assertThat(gauge()).isEqualTo(0.0);
    assertThat(registry.get(OperatorMetrics.UPGRADES_STARTED).counter().count()).isEqualTo(2.0);
    assertThat(registry.get(OperatorMetrics.UPGRADES_FINISHED).counter().count()).isEqualTo(3.0);
    metrics.setUpgradesInProgress(4);
    assertThat(gauge()).isEqualTo(4.0);
  }

  @Test
  void countsLeaderMovesPodRestartsAndHalts() {
    metrics.leaderMoved("off");
    metrics.leaderMoved("off");
    metrics.leaderMoved("back");
    metrics.podRestarted(Component.TABLET);
    metrics.halted("podNotReady");

    assertThat(registry.get(OperatorMetrics.LEADER_MOVES).tag("direction", "off").counter().count())
        .isEqualTo(2.0);
    assertThat(registry.get(OperatorMetrics.LEADER_MOVES).tag("direction", "back").counter()
        .count()).isEqualTo(1.0);
    assertThat(registry.get(OperatorMetrics.POD_RESTARTS).tag("component", "tablet").counter()
        .count()).isEqualTo(1.0);
    assertThat(registry.get(OperatorMetrics.HALTS).tag("reason", "podNotReady").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void keepsTagsLowCardinalityWhenCallersPassFreeText() {
    metrics.recordStep(Component.TABLET, "restart pod demo-tablet-2 in ns default", "weird",
        Duration.ofSeconds(1));
    metrics.halted("Leader move of table t1 partition 3 failed: code 134");
    metrics.leaderMoved("sideways");

    assertThat(registry.get(OperatorMetrics.UPGRADE_STEPS).tags("step", "other", "outcome", "other")
        .counter().count()).isEqualTo(1.0);
    assertThat(registry.get(OperatorMetrics.HALTS).tag("reason", "other").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get(OperatorMetrics.LEADER_MOVES).tag("direction", "other").counter()
        .count()).isEqualTo(1.0);
  }

  @Test
  void usesOnlyTheDocumentedTagKeys() {
    metrics.recordStep(Component.APISERVER, "restartPod", "failed", Duration.ofSeconds(1));
    metrics.podRestarted(Component.APISERVER);
    metrics.halted("opFailed");
    Set<String> keys = registry.getMeters().stream()
        .map(Meter::getId)
        .filter(id -> id.getName().startsWith("openmldb.operator."))
        .flatMap(id -> id.getTags().stream())
        .map(Tag::getKey)
        .collect(Collectors.toSet());
    assertThat(keys).isSubsetOf("component", "step", "outcome", "direction", "reason");
  }

  @Test
  void servesDomainAndJvmMetersInPrometheusFormat() {
    try (PrometheusMetrics prometheus = new PrometheusMetrics()) {
      OperatorMetrics m = new OperatorMetrics(prometheus.registry());
      m.recordStep(Component.TABLET, "moveLeadersOff", "ok", Duration.ofMillis(1500));
      m.upgradeStarted();
      String text = prometheus.scrape();
      assertThat(text)
          .contains("openmldb_operator_upgrade_steps_total{component=\"tablet\",outcome=\"ok\","
              + "step=\"moveLeadersOff\"} 1.0")
          .contains("openmldb_operator_upgrade_step_duration_seconds_sum{component=\"tablet\","
              + "outcome=\"ok\",step=\"moveLeadersOff\"} 1.5")
          .contains("openmldb_operator_upgrades_in_progress 1.0")
          .contains("openmldb_operator_leader_moves_total{direction=\"off\"} 0.0")
          .contains("jvm_memory_used_bytes")
          .contains("process_uptime_seconds");
    }
  }

  private double gauge() {
    return registry.get(OperatorMetrics.UPGRADES_IN_PROGRESS).gauge().value();
  }
}
