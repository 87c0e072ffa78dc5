package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.BadInputCorpus;
import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterCrd;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.SpecProblem;
import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.k8s.WorkloadFactory;
import ai.openmldb.operator.k8s.WorkloadNames;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.testing.LogCapture;
import ai.openmldb.operator.testing.RandomClusters;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/**
 * Random resources never crash the reconciler: in process, thousands go through the lenient
 * deserializer, the spec validator, the status builder and (when valid) the workload factory
 * without an exception; through the running operator on the mock API, each random resource gets
 * a status for its generation, no reconcile fails, and a valid cluster created after them is
 * still served (the informer did not stop).
 */
@EnableKubernetesMockClient(crud = true)
class RandomResourcesTest {
  private static final long SEED = 20261130L;
  private static final int IN_PROCESS = 1000;
  private static final int THROUGH_OPERATOR = 10;

  KubernetesClient client;

  private static ObjectNode base() {
    return (ObjectNode) Serialization.jsonMapper()
        .valueToTree(Serialization.unmarshal(BadInputCorpus.baseYaml(), java.util.Map.class));
  }

  @Test
  void deserializerValidatorAndStatusBuilderNeverThrow() {
    RandomClusters random = new RandomClusters(SEED);
    ObjectNode base = base();
    int[] invalid = {0};
    for (int i = 0; i < IN_PROCESS; i++) {
      ObjectNode resource = random.next(base, "r" + i, "ns");
      ((ObjectNode) resource.get("metadata")).put("generation", 1);
      String json = RandomClusters.json(resource);
      assertThatCode(() -> {
        OpenMLDBCluster cluster = Serialization.unmarshal(json, OpenMLDBCluster.class);
        List<SpecProblem> problems = SpecValidator.validate(cluster);
        OpenMLDBClusterStatus status =
            new ClusterStatusBuilder(cluster, Clock.systemUTC()).invalid(problems).build();
        Condition degraded = status.getConditions().stream()
            .filter(c -> ConditionType.DEGRADED.equals(c.getType())).findFirst().orElseThrow();
        if (!problems.isEmpty()) {
          invalid[0]++;
        }
        if (problems.isEmpty()) {
          // what the validator lets through, the workload factory must build, and the objects
          // must survive what the applier and JOSDK do with them (hash, compare, serialize)
          for (var desired : WorkloadFactory.desired(cluster).values()) {
            for (var object : List.of(desired.statefulSet(), desired.service(), desired.flags())) {
              object.hashCode();
              Serialization.clone(object).hashCode();
              Serialization.asJson(object);
            }
          }
        } else {
          assertThat(degraded.getStatus()).isEqualTo("True");
          for (SpecProblem p : problems) {
            assertThat(degraded.getMessage()).contains(p.field());
          }
        }
      }).as("seed %d, resource %d: %s", SEED, i, json).doesNotThrowAnyException();
    }
    // the generator is not vacuous: most resources are broken, some stay valid
    assertThat(invalid[0]).isBetween(IN_PROCESS / 2, IN_PROCESS - 1);
  }

  @Test
  void theRunningOperatorServesEveryRandomResourceAndKeepsServingValidOnes() {
    OpenMLDBClusterCrd.install(client);
    String ns = "random";
    List<String> names = new ArrayList<>();
    String logs;
    try (LogCapture capture = LogCapture.atLeast(Level.WARN);
        OpenMLDBConnections connections =
            new OpenMLDBConnections(Duration.ofSeconds(1), Duration.ofSeconds(1), null)) {
      // the operator as shipped: with the rolling upgrade and its OpenMLDB connections
      Operator operator = OperatorFactory.create(client, OperatorConfig.forMockApi(),
          new SimpleMeterRegistry(), connections);
      operator.start();
      try {
        RandomClusters random = new RandomClusters(SEED + 1);
        ObjectNode base = base();
        for (int i = 0; i < THROUGH_OPERATOR; i++) {
          ObjectNode resource = random.next(base, "random-" + i, ns);
          client.genericKubernetesResources("openmldb.ai/v1alpha1", "OpenMLDBCluster")
              .inNamespace(ns)
              .resource(Serialization.unmarshal(RandomClusters.json(resource),
                  GenericKubernetesResource.class))
              .create();
          names.add("random-" + i);
        }
        GenericKubernetesResource valid = Serialization.unmarshal(
            BadInputCorpus.baseYaml(), GenericKubernetesResource.class);
        valid.getMetadata().setName("valid-after-random");
        client.genericKubernetesResources("openmldb.ai/v1alpha1", "OpenMLDBCluster")
            .inNamespace(ns).resource(valid).create();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          for (String name : names) {
            OpenMLDBCluster c =
                client.resources(OpenMLDBCluster.class).inNamespace(ns).withName(name).get();
            assertThat(c.getStatus()).as(name + " has a status").isNotNull();
            assertThat(c.getStatus().getObservedGeneration())
                .as(name + " reconciled at its generation")
                .isEqualTo(c.getMetadata().getGeneration());
          }
          assertThat(client.apps().statefulSets().inNamespace(ns)
              .withName(WorkloadNames.statefulSet("valid-after-random", Component.TABLET)).get())
              .as("a valid cluster is still served").isNotNull();
        });
      } finally {
        operator.stop();
      }
      logs = capture.text();
    }
    // JOSDK logs a failed reconcile at ERROR ("Error during event processing"); ours log no ERROR
    assertThat(logs.lines()
        .filter(l -> l.startsWith("ERROR"))
        .filter(l -> l.contains(" io.javaoperatorsdk") || l.contains(" ai.openmldb")))
        .as("no reconcile failed").isEmpty();
  }
}
