package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.k8s.DesiredWorkload;
import ai.openmldb.operator.k8s.ObservedCluster;
import ai.openmldb.operator.k8s.ObservedWorkload;
import ai.openmldb.operator.k8s.WorkloadFactory;
import ai.openmldb.operator.metrics.OperatorMetrics;
import ai.openmldb.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reconcile right after a version change, while the informer cache still shows the
 * StatefulSets as they were: the roll learns nothing in it, so its state must read as before. A
 * halted roll derived afresh read "Upgrading" there, and the reconcile after it then reported the
 * replaced roll as under way instead of halted ({@code LiveBadInputTest}, 1 run in 5 under load).
 */
@EnableKubernetesMockClient(crud = true)
class RollCacheLagTest {
  static KubernetesClient client;

  @Test
  void aHaltedRollStaysHaltedWhileTheCacheCatchesUpWithANewVersion() {
    OpenMLDBCluster halted = Fixtures.sample("minimal", "lag");
    halted.getSpec().setVersion("0.9.3");
    Map<Component, DesiredWorkload> applied = WorkloadFactory.desired(halted);
    OpenMLDBCluster changed = Fixtures.sample("minimal", "lag");
    changed.getSpec().setVersion("0.9.4");
    changed.setStatus(haltedStatus());
    Map<Component, DesiredWorkload> desired = WorkloadFactory.desired(changed);
    Map<Component, ObservedWorkload> workloads = new EnumMap<>(Component.class);
    for (Component c : Component.values()) {
      // the cache still holds the 0.9.3 StatefulSets
      workloads.put(c, new ObservedWorkload(c, changed.getSpec().replicas(c),
          desired.get(c).revision(), applied.get(c).statefulSet(), List.of()));
    }
    ClusterStatusBuilder status = new ClusterStatusBuilder(changed, Clock.systemUTC());
    status.observed(new ObservedCluster(changed, workloads));
    EventRecorder events = new EventRecorder(client, Clock.systemUTC());
    RollingUpgrade roll = new RollingUpgrade(client, OperatorConfig.forMockApi(), null, events,
        new OperatorMetrics(new SimpleMeterRegistry()), new StatusWriter(false), Clock.systemUTC());

    assertThat(roll.step(new ObservedCluster(changed, workloads), status)).isPresent();

    OpenMLDBClusterStatus built = status.build();
    assertThat(built.getPhase()).isEqualTo(Phase.HALTED);
    assertThat(built.getConditions())
        .filteredOn(c -> ConditionType.DEGRADED.equals(c.getType()))
        .singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("UpgradeHalted"));
    assertThat(built.getUpgrade().getToVersion()).isEqualTo("0.9.3");
  }

  private static OpenMLDBClusterStatus haltedStatus() {
    OpenMLDBClusterStatus s = new OpenMLDBClusterStatus();
    s.setPhase(Phase.HALTED);
    s.setCurrentVersion("0.9.2");
    UpgradeStatus upgrade = new UpgradeStatus();
    upgrade.setFromVersion("0.9.2");
    upgrade.setToVersion("0.9.3");
    upgrade.setPod("minimal-tablet-1");
    upgrade.setStep("Restart");
    upgrade.setLastError("minimal-tablet-1 Restart made no progress for 1s");
    s.setUpgrade(upgrade);
    Condition degraded = new ConditionBuilder().withType(ConditionType.DEGRADED)
        .withStatus("True").withReason("UpgradeHalted")
        .withMessage("minimal-tablet-1 Restart made no progress for 1s").build();
    s.setConditions(List.of(degraded));
    return s;
  }
}
