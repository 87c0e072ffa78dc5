package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterCrd;
import ai.openmldb.operator.config.LeaderElectionSettings;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * An informer that stops on an object it cannot read (the one error JOSDK does not retry) stops
 * the operator and then runs what its host asked for, instead of JOSDK's exit of the JVM: the
 * sandbox's and the tests' JVM goes on, the operator's own process ends ({@code OperatorCommand}).
 */
@EnableKubernetesMockClient(crud = true)
class InformerFailureTest {
  private static final String NS = "informer";

  static KubernetesClient client;

  @Test
  void anInformerStoppedByAnUnreadablePodStopsTheOperatorAndNotTheProcess() throws Exception {
    OpenMLDBClusterCrd.install(client);
    OperatorConfig config = OperatorConfig.forMockApi();
    AtomicBoolean afterStop = new AtomicBoolean();
    InformerFailure failure = new InformerFailure(() -> afterStop.set(true));
    try (OpenMLDBConnections connections = new OpenMLDBConnections(config)) {
      Operator operator = OperatorFactory.create(client, config, new SimpleMeterRegistry(),
          connections, new LeaderElectionSettings(config), failure);
      operator.start();
      try {
        // the operator reconciles before the failure
        client.resources(OpenMLDBCluster.class).inNamespace(NS)
            .resource(Fixtures.sample("minimal", NS)).create();
        await().atMost(Duration.ofSeconds(30)).until(() ->
            !client.apps().statefulSets().inNamespace(NS).list().getItems().isEmpty());
        assertThat(failure.failure()).isEmpty();

        // a pod of the operator's selector whose spec no client can read
        GenericKubernetesResource unreadable = new GenericKubernetesResourceBuilder()
            .withApiVersion("v1").withKind("Pod")
            .withNewMetadata().withName("unreadable").withNamespace(NS)
            .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
            .addToLabels(Labels.INSTANCE, "minimal").endMetadata()
            .addToAdditionalProperties("spec", Map.of("containers", "not a list"))
            .build();
        client.genericKubernetesResources("v1", "Pod").inNamespace(NS).resource(unreadable)
            .create();

        await().atMost(Duration.ofSeconds(30)).untilTrue(afterStop);
        assertThat(failure.failure()).hasValueSatisfying(f ->
            assertThat(f).startsWith("the informer of Pod stopped:"));

        // stopped: a new cluster gets no workloads (the JVM, this test's, goes on)
        String later = NS + "-later";
        client.resources(OpenMLDBCluster.class).inNamespace(later)
            .resource(Fixtures.sample("minimal", later)).create();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
            client.apps().statefulSets().inNamespace(later).list().getItems().isEmpty());
      } finally {
        operator.stop();
      }
    }
  }
}
