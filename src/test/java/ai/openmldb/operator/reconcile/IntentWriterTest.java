package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.testing.Fixtures;
import ai.openmldb.operator.testing.RecordedRequests;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The intent reaches status in one request: a patch, not a read followed by a patch. */
@EnableKubernetesMockClient(crud = true)
class IntentWriterTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void recordingTheIntentSendsOnlyAStatusPatch() throws Exception {
    OpenMLDBCluster cluster = client.resources(OpenMLDBCluster.class)
        .resource(Fixtures.sample("minimal", "intent")).create();
    UpgradeStatus st = new UpgradeStatus();
    st.setToVersion("0.9.3");
    st.setPod("minimal-tablet-0");
    st.setStep("Restart");
    st.setDeletedPodUid("uid-1");
    drain();

    new IntentWriter(client, new StatusWriter(false)).record(cluster, st);

    assertThat(drain()).containsExactly(
        "PATCH /apis/openmldb.ai/v1alpha1/namespaces/intent/openmldbclusters/minimal/status");
    UpgradeStatus stored = client.resources(OpenMLDBCluster.class).inNamespace("intent")
        .withName("minimal").get().getStatus().getUpgrade();
    assertThat(stored.getPod()).isEqualTo("minimal-tablet-0");
    assertThat(stored.getDeletedPodUid()).isEqualTo("uid-1");
  }

  @Test
  void switchCountsAreWrittenFromTheCopyWithOnePatchAndNoRead() throws Exception {
    OpenMLDBCluster cluster = client.resources(OpenMLDBCluster.class)
        .resource(Fixtures.sample("minimal", "counts")).create();
    IntentWriter writer = new IntentWriter(client, new StatusWriter(false));
    UpgradeStatus st = new UpgradeStatus();
    st.setLeadersMoved(3);
    st.setLeadersRestored(2);
    drain();

    writer.recordLeaderSwitches(cluster, st);

    assertThat(drain()).containsExactly(
        "PATCH /apis/openmldb.ai/v1alpha1/namespaces/counts/openmldbclusters/minimal/status");
    UpgradeStatus stored = client.resources(OpenMLDBCluster.class).inNamespace("counts")
        .withName("minimal").get().getStatus().getUpgrade();
    assertThat(stored.getLeadersMoved()).isEqualTo(3);
    assertThat(stored.getLeadersRestored()).isEqualTo(2);
  }

  /** The requests received since the last call, as "METHOD path". */
  private static List<String> drain() throws InterruptedException {
    return RecordedRequests.since(server, 100);
  }
}
