package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.testing.Fixtures;
import ai.openmldb.operator.testing.RecordedRequests;
import ai.openmldb.operator.upgrade.Position;
import ai.openmldb.operator.upgrade.Step;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeletePod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pod deletion's check of the live pod goes out while the intent is written; the deletion
 * itself only after the write returned, and not at all when it failed.
 */
@EnableKubernetesMockClient(crud = true)
class RollingUpgradeExecutorTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void theLivePodIsReadWhileTheIntentIsWrittenAndDeletedOnlyAfterIt() throws Exception {
    Pod pod = createPod("exec1");
    OpenMLDBCluster cluster = Fixtures.sample("minimal", "exec1");
    DeletePod delete = new DeletePod(new Position(Component.TABLET, "minimal-tablet-0",
        Step.Restart), "minimal-tablet-0", pod.getMetadata().getUid(), "test");
    drain();
    List<String> seenDuringWrite = new ArrayList<>();

    var outcome = new RollingUpgradeExecutor(client).execute(delete, cluster, null, () -> {
      // the intent's write: the live read must arrive without waiting for it to return
      seenDuringWrite.addAll(takeUntil("GET /api/v1/namespaces/exec1/pods/minimal-tablet-0"));
    });

    assertThat(outcome.ok()).isTrue();
    assertThat(seenDuringWrite).containsExactly("GET /api/v1/namespaces/exec1/pods/minimal-tablet-0");
    assertThat(drain()).containsExactly("DELETE /api/v1/namespaces/exec1/pods/minimal-tablet-0");
  }

  @Test
  void aFailedIntentWriteDeletesNothing() throws Exception {
    Pod pod = createPod("exec2");
    OpenMLDBCluster cluster = Fixtures.sample("minimal", "exec2");
    DeletePod delete = new DeletePod(new Position(Component.TABLET, "minimal-tablet-0",
        Step.Restart), "minimal-tablet-0", pod.getMetadata().getUid(), "test");

    assertThatThrownBy(() -> new RollingUpgradeExecutor(client).execute(delete, cluster, null,
        () -> {
          throw new IllegalStateException("status write refused");
        })).hasMessage("status write refused");
    assertThat(client.pods().inNamespace("exec2").withName("minimal-tablet-0").get()).isNotNull();
  }

  private static Pod createPod(String ns) {
    return client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata()
        .withName("minimal-tablet-0").withNamespace(ns).endMetadata().build()).create();
  }

  /** Requests received until one equals {@code wanted} (10 s at most), as "METHOD path". */
  private static List<String> takeUntil(String wanted) {
    try {
      return RecordedRequests.until(server, wanted);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private static List<String> drain() throws InterruptedException {
    return RecordedRequests.since(server, 100);
  }
}
