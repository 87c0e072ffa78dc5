package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterCrd;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.k8s.FlagsFile;
import ai.openmldb.operator.k8s.WorkloadApplier;
import ai.openmldb.operator.k8s.WorkloadNames;
import ai.openmldb.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against the Fabric8 mock API in CRUD mode, with the real JOSDK operator. One
 * operator (watching all namespaces) serves the class; each test works in its own namespace.
 */
@EnableKubernetesMockClient(crud = true)
class OpenMLDBClusterReconcilerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  static KubernetesClient client;
  private static Operator operator;
  private String ns;

  @BeforeAll
  static void startOperator() {
    OpenMLDBClusterCrd.install(client);
    operator = OperatorFactory.create(client, OperatorConfig.forMockApi(), new SimpleMeterRegistry());
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.stop();
  }

  @BeforeEach
  void useFreshNamespace() {
    ns = "test" + NAMESPACES.incrementAndGet();
  }

  @Test
  void creatingAClusterYieldsFourComponentsWithOwnerReferencesAndAStatus() {
    OpenMLDBCluster created = clusters().resource(Fixtures.sample("minimal", ns)).create();

    await().atMost(WAIT).untilAsserted(() -> {
      for (Component c : Component.values()) {
        StatefulSet sts = statefulSet("minimal", c);
        assertThat(sts).as(c.id()).isNotNull();
        assertOwnedBy(sts, created);
        assertThat(sts.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
        assertOwnedBy(client.services().inNamespace(ns)
            .withName(WorkloadNames.service("minimal", c)).get(), created);
        assertOwnedBy(flags("minimal", c), created);
      }
      assertThat(status("minimal").getObservedGeneration()).isEqualTo(1L);
    });
    assertThat(statefulSet("minimal", Component.TABLET).getSpec().getReplicas()).isEqualTo(3);
    assertThat(statefulSet("minimal", Component.TASKMANAGER).getSpec().getReplicas()).isZero();
    Service tabletService = client.services().inNamespace(ns).withName("minimal-tablet").get();
    assertThat(tabletService.getSpec().getClusterIP()).isEqualTo("None");
    String tabletFlags = flags("minimal", Component.TABLET).getData().get("tablet.flags");
    assertThat(tabletFlags)
        .contains("--endpoint=${POD_NAME}.minimal-tablet." + ns + ".svc.cluster.local:10921")
        .contains("--zk_cluster=zookeeper.default.svc:2181")
        .contains("--zk_root_path=/openmldb");
    await().atMost(WAIT).untilAsserted(() -> {
      var status = status("minimal");
      assertThat(status.getPhase()).isEqualTo(Phase.PENDING);
      assertThat(status.getReady()).isEqualTo("0/6");
      assertThat(status.getTargetVersion()).isEqualTo("0.9.2");
      assertThat(condition("minimal", ConditionType.READY).getStatus()).isEqualTo("False");
      assertThat(condition("minimal", ConditionType.DEGRADED).getStatus()).isEqualTo("False");
    });
  }

  @Test
  void readyPodsMakeTheClusterRunning() {
    clusters().resource(Fixtures.sample("minimal", ns)).create();
    await().atMost(WAIT).until(() -> allStatefulSets("minimal"));
    startPods("minimal");

    await().atMost(WAIT).untilAsserted(() -> {
      var status = status("minimal");
      assertThat(status.getPhase()).isEqualTo(Phase.RUNNING);
      assertThat(status.getReady()).isEqualTo("6/6");
      assertThat(status.getCurrentVersion()).isEqualTo("0.9.2");
      assertThat(status.getTablet().getUpdatedReplicas()).isEqualTo(3);
      assertThat(condition("minimal", ConditionType.READY).getStatus()).isEqualTo("True");
      assertThat(condition("minimal", ConditionType.PROGRESSING).getStatus()).isEqualTo("False");
    });
  }

  @Test
  void changingReplicasOrFlagsUpdatesTheWorkloadsButRestartsNoPod() {
    clusters().resource(Fixtures.sample("minimal", ns)).create();
    await().atMost(WAIT).until(() -> allStatefulSets("minimal"));
    startPods("minimal");
    String revision = WorkloadApplier.templateRevision(statefulSet("minimal", Component.TABLET));
    await().atMost(WAIT).until(() -> Phase.RUNNING.equals(status("minimal").getPhase()));

    patchSpec("minimal", "{\"tablet\": {\"replicas\": 4}}");
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(statefulSet("minimal", Component.TABLET).getSpec().getReplicas()).isEqualTo(4));
    assertThat(WorkloadApplier.templateRevision(statefulSet("minimal", Component.TABLET)))
        .as("scaling does not change the pod revision").isEqualTo(revision);

    patchSpec("minimal", "{\"tablet\": {\"flags\": {\"thread_pool_size\": \"32\"}}}");
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(flags("minimal", Component.TABLET).getData().get("tablet.flags"))
          .contains("--thread_pool_size=32");
      assertThat(WorkloadApplier.templateRevision(statefulSet("minimal", Component.TABLET)))
          .isNotEqualTo(revision);
      var status = status("minimal");
      assertThat(status.getObservedGeneration()).isEqualTo(3L);
      assertThat(status.getTablet().getUpdatedReplicas()).isZero();
      assertThat(condition("minimal", ConditionType.PROGRESSING).getReason()).isEqualTo("PodsOutdated");
    });
    assertThat(pods("minimal", Component.TABLET)).as("the operator restarts no pod by itself")
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.getMetadata().getAnnotations().get(Labels.REVISION_ANNOTATION))
            .isEqualTo(revision));
  }

  @Test
  void deletedPodsAreLeftToTheStatefulSet() {
    clusters().resource(Fixtures.sample("minimal", ns)).create();
    await().atMost(WAIT).until(() -> allStatefulSets("minimal"));
    startPods("minimal");
    await().atMost(WAIT).until(() -> "6/6".equals(status("minimal").getReady()));

    client.pods().inNamespace(ns).withName("minimal-tablet-1").delete();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(status("minimal").getReady()).isEqualTo("5/6");
      assertThat(condition("minimal", ConditionType.READY).getStatus()).isEqualTo("False");
    });
    assertThat(client.pods().inNamespace(ns).withName("minimal-tablet-1").get())
        .as("pods are the StatefulSet's to recreate, not the operator's").isNull();
    assertThat(statefulSet("minimal", Component.TABLET).getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void malformedResourceIsDegradedNamingTheFieldAndTouchesNothing() {
    GenericKubernetesResource bad = Serialization.unmarshal("""
        apiVersion: openmldb.ai/v1alpha1
        kind: OpenMLDBCluster
        metadata: {name: bad}
        spec:
          version: 0.9.2
          zookeeper: {cluster: "zk:2181", rootPath: /openmldb}
          tablet: {replicas: abc}
          upgrade: {singleReplicaPolicy: Sometimes}
        """, GenericKubernetesResource.class);
    client.genericKubernetesResources("openmldb.ai/v1alpha1", "OpenMLDBCluster")
        .inNamespace(ns).resource(bad).create();
    // a well-formed cluster next to it is still served: the informer did not stop
    clusters().resource(Fixtures.sample("minimal", ns)).create();

    await().atMost(WAIT).untilAsserted(() -> {
      Condition degraded = condition("bad", ConditionType.DEGRADED);
      assertThat(degraded.getStatus()).isEqualTo("True");
      assertThat(degraded.getReason()).isEqualTo("InvalidSpec");
      assertThat(degraded.getMessage()).contains("spec.tablet.replicas")
          .contains("spec.upgrade.singleReplicaPolicy");
      assertThat(status("bad").getPhase()).isEqualTo(Phase.INVALID);
      assertThat(statefulSet("minimal", Component.TABLET)).isNotNull();
    });
    assertThat(client.apps().statefulSets().inNamespace(ns).withLabel(Labels.INSTANCE, "bad").list()
        .getItems()).isEmpty();
    await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list()
        .getItems()).anySatisfy(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getReason()).isEqualTo("InvalidSpec");
          assertThat(e.getInvolvedObject().getName()).isEqualTo("bad");
          assertThat(e.getMessage()).contains("spec.tablet.replicas");
        }));
  }

  @Test
  void anInvalidChangeLeavesExistingWorkloadsAlone() {
    clusters().resource(Fixtures.sample("minimal", ns)).create();
    await().atMost(WAIT).until(() -> allStatefulSets("minimal"));

    patchSpec("minimal", "{\"tablet\": {\"replicas\": 0},"
        + " \"nameserver\": {\"flags\": {\"zk_cluster\": \"elsewhere:2181\"}}}");

    await().atMost(WAIT).untilAsserted(() -> {
      Condition degraded = condition("minimal", ConditionType.DEGRADED);
      assertThat(degraded.getStatus()).isEqualTo("True");
      assertThat(degraded.getMessage()).contains("spec.tablet.replicas")
          .contains("spec.nameserver.flags.zk_cluster");
    });
    assertThat(statefulSet("minimal", Component.TABLET).getSpec().getReplicas()).isEqualTo(3);
    assertThat(flags("minimal", Component.NAMESERVER).getData().get("nameserver.flags"))
        .doesNotContain("elsewhere");
  }

  // --- helpers -------------------------------------------------------------------------------

  /** A user's `kubectl patch --type=merge` of the spec (no resourceVersion: no 409 races). */
  private void patchSpec(String name, String specJson) {
    clusters().withName(name).patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\": " + specJson + "}");
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<OpenMLDBCluster,
      io.fabric8.kubernetes.api.model.KubernetesResourceList<OpenMLDBCluster>,
      io.fabric8.kubernetes.client.dsl.Resource<OpenMLDBCluster>> clusters() {
    return client.resources(OpenMLDBCluster.class).inNamespace(ns);
  }

  private ai.openmldb.operator.api.OpenMLDBClusterStatus status(String name) {
    OpenMLDBCluster c = clusters().withName(name).get();
    assertThat(c.getStatus()).as("status of " + name).isNotNull();
    return c.getStatus();
  }

  private Condition condition(String name, String type) {
    return status(name).getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow();
  }

  /** Every component's StatefulSet exists (they are applied side by side, in no fixed order). */
  private boolean allStatefulSets(String cluster) {
    return java.util.Arrays.stream(Component.values()).allMatch(c -> statefulSet(cluster, c) != null);
  }

  private StatefulSet statefulSet(String cluster, Component c) {
    return client.apps().statefulSets().inNamespace(ns)
        .withName(WorkloadNames.statefulSet(cluster, c)).get();
  }

  private ConfigMap flags(String cluster, Component c) {
    return client.configMaps().inNamespace(ns).withName(WorkloadNames.flagsConfigMap(cluster, c)).get();
  }

  private List<Pod> pods(String cluster, Component c) {
    return client.pods().inNamespace(ns).withLabels(Labels.selector(cluster, c)).list().getItems();
  }

  /** What the StatefulSet controller and kubelet would do: ready pods from each template. */
  private void startPods(String cluster) {
    for (Component c : Component.values()) {
      StatefulSet sts = statefulSet(cluster, c);
      for (int i = 0; i < sts.getSpec().getReplicas(); i++) {
        Pod pod = new PodBuilder()
            .withMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(
                sts.getSpec().getTemplate().getMetadata())
                .withName(WorkloadNames.pod(cluster, c, i)).withNamespace(ns).build())
            .withSpec(sts.getSpec().getTemplate().getSpec())
            .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
            .endStatus()
            .build();
        client.pods().inNamespace(ns).resource(pod).create();
      }
    }
  }

  private static void assertOwnedBy(HasMetadata owned, OpenMLDBCluster owner) {
    assertThat(owned).isNotNull();
    assertThat(owned.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
      assertThat(ref.getUid()).isEqualTo(owner.getMetadata().getUid());
      assertThat(ref.getKind()).isEqualTo("OpenMLDBCluster");
      assertThat(ref.getController()).isTrue();
    });
  }

  @SuppressWarnings("unused")
  private static String unused() {
    return FlagsFile.POD_NAME;
  }
}
