package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterCrd;
import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A reconcile that an event queued while the previous one ran (a pod changing, a ZooKeeper
 * wake-up) must start from the status that one wrote, not from an older informer copy. Against
 * the mock API with the real JOSDK operator; a rollout stands in for the roll, writes an intent
 * in every pass as the roll does, and touches a pod so that the next pass is queued at once.
 */
@EnableKubernetesMockClient(crud = true)
class StatusWriterTest {
  private static final int PASSES = 30;
  private static final String MARKER = "minimal-marker";

  static KubernetesClient client;

  @Test
  void anAnswerNoInformerCopyReplacesIsForgottenAfterMaxAge() {
    AtomicLong now = new AtomicLong();
    StatusWriter writer = new StatusWriter(false, now::get);
    writer.remember(copy("uid-a", "5"));
    now.addAndGet(Duration.ofMinutes(9).toNanos());
    writer.remember(copy("uid-b", "7"));
    assertThat(writer.kept()).isEqualTo(2);
    assertThat(writer.newer(copy("uid-a", "4")).getMetadata().getResourceVersion())
        .isEqualTo("5");

    // cluster a was deleted right after its write: no informer copy will ever replace the answer
    now.addAndGet(Duration.ofMinutes(2).toNanos());
    writer.remember(copy("uid-b", "8"));
    assertThat(writer.kept()).isEqualTo(1);
    assertThat(writer.newer(copy("uid-a", "4")).getMetadata().getResourceVersion())
        .isEqualTo("4");
    assertThat(writer.newer(copy("uid-b", "7")).getMetadata().getResourceVersion())
        .isEqualTo("8");
  }

  private static OpenMLDBCluster copy(String uid, String resourceVersion) {
    OpenMLDBCluster c = new OpenMLDBCluster();
    c.setMetadata(new ObjectMetaBuilder().withName(uid).withNamespace("ns").withUid(uid)
        .withResourceVersion(resourceVersion).build());
    return c;
  }

  @Test
  void aReconcileQueuedByAnEventStartsFromTheStatusTheLastReconcileWrote() {
    OpenMLDBClusterCrd.install(client);
    String ns = "fresh";
    AtomicInteger passes = new AtomicInteger();
    AtomicReference<String> lastWritten = new AtomicReference<>();
    List<String> stale = Collections.synchronizedList(new ArrayList<>());
    PodRollout intentEveryPass = (observed, status) -> {
      OpenMLDBCluster cluster = observed.cluster();
      UpgradeStatus seen = cluster.getStatus() == null ? null : cluster.getStatus().getUpgrade();
      String seenPass = seen == null ? null : seen.getPod();
      String expected = lastWritten.get();
      if (expected != null && !expected.equals(seenPass)) {
        stale.add("started from " + seenPass + " after " + expected + " was written");
      }
      int n = passes.incrementAndGet();
      if (n > PASSES) {
        return Optional.empty(); // nothing written: the cluster goes quiet
      }
      // like IntentWriter: a merge patch of status.upgrade in the middle of the reconcile
      client.resources(OpenMLDBCluster.class).inNamespace(ns)
          .withName(cluster.getMetadata().getName()).subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"upgrade\":{\"step\":\"intent-" + n + "\"}}}");
      // like a pod changing while the roll acts: an event that queues the next reconcile
      client.pods().inNamespace(ns).withName(MARKER).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"annotations\":{\"pass\":\"" + n + "\"}}}");
      UpgradeStatus upgrade = new UpgradeStatus();
      upgrade.setPod("pass-" + n);
      upgrade.setStep("intent-" + n);
      status.upgrade(upgrade);
      lastWritten.set("pass-" + n);
      return Optional.empty();
    };
    Operator operator = OperatorFactory.create(client, OperatorConfig.forMockApi(),
        new SimpleMeterRegistry(), intentEveryPass);
    operator.start();
    try {
      client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata()
          .withName(MARKER)
          .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
          .addToLabels(Labels.INSTANCE, "minimal")
          .endMetadata().build()).create();
      client.resources(OpenMLDBCluster.class).resource(Fixtures.sample("minimal", ns)).create();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(passes.get()).as("passes; stale: %s", stale).isGreaterThan(PASSES));
      assertThat(stale).as("reconciles that started from a status older than the last written")
          .isEmpty();
    } finally {
      operator.stop();
    }
  }
}
