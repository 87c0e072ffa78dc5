package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.BadInputCorpus;
import ai.openmldb.operator.api.BadInputCorpus.Case;
import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterCrd;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.k8s.WorkloadNames;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.testing.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code degraded:} case of the bad-input corpus, against the real operator on the Fabric8
 * mock API: Degraded=True naming the field and the fix, a Warning event naming it, and nothing
 * disruptive — no StatefulSet created for a new cluster; for a change of a running cluster no
 * StatefulSet, ConfigMap or Service changed and no pod deleted.
 */
@EnableKubernetesMockClient(crud = true)
class BadInputReconcileTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  static KubernetesClient client;
  private static Operator operator;
  private static OpenMLDBConnections connections;

  /** The operator as shipped: with the rolling upgrade and its OpenMLDB connections. */
  @BeforeAll
  static void startOperator() {
    OpenMLDBClusterCrd.install(client);
    connections = new OpenMLDBConnections(Duration.ofSeconds(1), Duration.ofSeconds(1), null);
    operator = OperatorFactory.create(client, OperatorConfig.forMockApi(), new SimpleMeterRegistry(),
        connections);
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.stop();
    connections.close();
  }

  /** The cases this world can show; those that need OpenMLDB itself are in LiveBadInputTest. */
  static List<Case> degradedCases() {
    return BadInputCorpus.cases().stream().filter(c -> c.degraded() && !c.simulatedWorld())
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("degradedCases")
  void caseIsDegradedNamingTheFieldAndNothingIsDisrupted(Case c) {
    String ns = "bad" + NAMESPACES.incrementAndGet();
    JsonNode bad = c.tree();
    String name = bad.at("/metadata/name").asText();
    Map<String, String> before = Map.of();
    if (c.updateOf() != null) {
      runningCluster(ns, c.base());
      before = snapshot(ns, name);
      patchSpec(ns, name, bad.get("spec"));
    } else {
      create(ns, bad);
    }

    await().atMost(WAIT).untilAsserted(() -> {
      Condition degraded = condition(ns, name, ConditionType.DEGRADED).orElseThrow();
      assertThat(degraded.getStatus()).isEqualTo("True");
      assertThat(degraded.getReason()).isEqualTo("InvalidSpec");
      for (String field : c.degradedFields()) {
        assertThat(degraded.getMessage()).as("Degraded message of %s", c).contains(field);
      }
      assertThat(degraded.getMessage()).as("the message says what to do").contains("fix");
      assertThat(status(ns, name).getPhase()).isEqualTo(Phase.INVALID);
    });
    await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list()
        .getItems()).anySatisfy(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getInvolvedObject().getName()).isEqualTo(name);
          c.degradedFields().forEach(f -> assertThat(e.getMessage()).contains(f));
        }));
    if (c.updateOf() == null) {
      assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems())
          .as("no workload for an invalid new cluster").isEmpty();
    } else {
      assertThat(snapshot(ns, name))
          .as("no StatefulSet, Service, ConfigMap or pod changed or deleted").isEqualTo(before);
    }
  }

  /**
   * The mock API validates nothing, so it also shows what the operator does with the resources a
   * real API server refuses (an outdated CRD, validation switched off): all of them at once, each
   * reconciled for its generation without a failed reconcile, and each either Degraded with no
   * workload or accepted as the schema-less reading of it.
   */
  @org.junit.jupiter.api.Test
  void everyCorpusFileIsReconciledWithoutAFailedReconcile() {
    String ns = "corpus";
    List<Case> creates = BadInputCorpus.cases().stream().filter(c -> c.updateOf() == null).toList();
    String logs;
    try (LogCapture capture = LogCapture.atLeast(Level.WARN)) {
      for (Case c : creates) {
        create(ns, c.tree());
      }
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        for (Case c : creates) {
          String name = c.tree().at("/metadata/name").asText();
          OpenMLDBCluster cluster = cluster(ns, name);
          assertThat(cluster.getStatus()).as("status of %s", c).isNotNull();
          assertThat(cluster.getStatus().getObservedGeneration()).as("%s reconciled", c)
              .isEqualTo(cluster.getMetadata().getGeneration());
        }
      });
      logs = capture.text();
    }
    for (Case c : creates) {
      String name = c.tree().at("/metadata/name").asText();
      boolean degraded = condition(ns, name, ConditionType.DEGRADED)
          .map(d -> "True".equals(d.getStatus())).orElse(false);
      boolean workloads = !client.apps().statefulSets().inNamespace(ns)
          .withLabel(Labels.INSTANCE, name).list().getItems().isEmpty();
      assertThat(degraded).as("%s: Degraded xor workloads", c).isNotEqualTo(workloads);
    }
    assertThat(logs.lines().filter(l -> l.startsWith("ERROR"))
        .filter(l -> l.contains(" io.javaoperatorsdk") || l.contains(" ai.openmldb")))
        .as("no reconcile failed").isEmpty();
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static void create(String ns, JsonNode resource) {
    GenericKubernetesResource r =
        Serialization.unmarshal(resource.toString(), GenericKubernetesResource.class);
    client.genericKubernetesResources("openmldb.ai/v1alpha1", "OpenMLDBCluster")
        .inNamespace(ns).resource(r).create();
  }

  /** The base cluster, its workloads created and every pod ready: Running. */
  private static void runningCluster(String ns, JsonNode base) {
    create(ns, base);
    String name = base.at("/metadata/name").asText();
    await().atMost(WAIT).until(() -> Component.UPGRADE_ORDER.stream()
        .allMatch(c -> statefulSet(ns, name, c) != null));
    for (Component c : Component.values()) {
      StatefulSet sts = statefulSet(ns, name, c);
      for (int i = 0; i < sts.getSpec().getReplicas(); i++) {
        Pod pod = new PodBuilder()
            .withMetadata(new ObjectMetaBuilder(sts.getSpec().getTemplate().getMetadata())
                .withName(WorkloadNames.pod(name, c, i)).withNamespace(ns).build())
            .withSpec(sts.getSpec().getTemplate().getSpec())
            .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
            .endStatus()
            .build();
        client.pods().inNamespace(ns).resource(pod).create();
      }
    }
    await().atMost(WAIT).until(() -> Phase.RUNNING.equals(
        Optional.ofNullable(cluster(ns, name).getStatus()).map(OpenMLDBClusterStatus::getPhase)
            .orElse(null)));
  }

  /** kind/name -> uid and resourceVersion of every object the operator manages, and of every pod. */
  private static Map<String, String> snapshot(String ns, String name) {
    Map<String, String> out = new TreeMap<>();
    List<HasMetadata> all = new java.util.ArrayList<>();
    all.addAll(client.apps().statefulSets().inNamespace(ns).withLabel(Labels.INSTANCE, name).list()
        .getItems());
    all.addAll(client.services().inNamespace(ns).withLabel(Labels.INSTANCE, name).list().getItems());
    all.addAll(client.configMaps().inNamespace(ns).withLabel(Labels.INSTANCE, name).list()
        .getItems());
    all.addAll(client.pods().inNamespace(ns).withLabel(Labels.INSTANCE, name).list().getItems());
    for (HasMetadata r : all) {
      out.put(r.getKind() + "/" + r.getMetadata().getName(),
          r.getMetadata().getUid() + "@" + r.getMetadata().getResourceVersion());
    }
    assertThat(out).as("the running cluster's objects").isNotEmpty();
    return out;
  }

  /** A user's `kubectl apply` of the changed spec, as a JSON merge patch. */
  private static void patchSpec(String ns, String name, JsonNode spec) {
    ObjectNode patch = Serialization.jsonMapper().createObjectNode();
    patch.set("spec", spec);
    client.resources(OpenMLDBCluster.class).inNamespace(ns).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  private static OpenMLDBCluster cluster(String ns, String name) {
    return client.resources(OpenMLDBCluster.class).inNamespace(ns).withName(name).get();
  }

  private static OpenMLDBClusterStatus status(String ns, String name) {
    OpenMLDBClusterStatus s = cluster(ns, name).getStatus();
    assertThat(s).as("status of %s/%s", ns, name).isNotNull();
    return s;
  }

  private static Optional<Condition> condition(String ns, String name, String type) {
    return status(ns, name).getConditions().stream().filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private static StatefulSet statefulSet(String ns, String cluster, Component c) {
    return client.apps().statefulSets().inNamespace(ns)
        .withName(WorkloadNames.statefulSet(cluster, c)).get();
  }

  @SuppressWarnings("unused")
  private static String describe(List<Case> cases) {
    return cases.stream().map(Case::id).collect(Collectors.joining(", "));
  }
}
