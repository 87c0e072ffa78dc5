package ai.openmldb.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatefulSetSimulatorTest {
  /** The contract's other side, reduced to a log: readiness is switched by the test. */
  static final class RecordingRuntime implements PodProcessRuntime {
    final List<String> log = new CopyOnWriteArrayList<>();
    final Map<String, PodProcessSpec> running = new ConcurrentHashMap<>();
    final Set<String> notReady = ConcurrentHashMap.newKeySet();

    @Override
    public void start(PodProcessSpec spec) {
      String key = spec.namespace() + "/" + spec.podName();
      assertThat(running).as("start of %s while its predecessor runs", key).doesNotContainKey(key);
      running.put(key, spec);
      log.add("start " + spec.podName() + " " + spec.version());
    }

    @Override
    public void stop(String namespace, String podName) {
      running.remove(namespace + "/" + podName);
      log.add("stop " + podName);
    }

    @Override
    public boolean ready(String namespace, String podName) {
      return running.containsKey(namespace + "/" + podName) && !notReady.contains(podName);
    }
  }

  private SandboxKubernetes kube;
  private KubernetesClient client;
  private RecordingRuntime runtime;
  private StatefulSetSimulator simulator;

  @BeforeEach
  void start() {
    kube = SandboxKubernetes.start(0, "sim");
    client = kube.client();
    runtime = new RecordingRuntime();
    simulator = new StatefulSetSimulator(client, runtime,
        SimulatorSettings.defaults().withPodStartDelay(Duration.ofMillis(100))).start();
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("c1-tablet-flags")
        .endMetadata().addToData("tablet.flags", """
            # generated
            --endpoint=${POD_NAME}.c1-tablet.sim.svc.cluster.local:10921
            --zk_cluster=127.0.0.1:2181
            --zk_root_path=/c1
            --use_name
            """).build()).create();
  }

  @AfterEach
  void stop() {
    simulator.close();
    kube.close();
  }

  private static StatefulSet tablets(int replicas, String version, String revision) {
    return new StatefulSetBuilder()
        .withNewMetadata().withName("c1-tablet").endMetadata()
        .withNewSpec().withReplicas(replicas).withServiceName("c1-tablet")
        .withPodManagementPolicy("Parallel")
        .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
        .withNewSelector().addToMatchLabels(Labels.selector("c1", Component.TABLET)).endSelector()
        .withNewTemplate()
        .withNewMetadata().addToLabels(Labels.forComponent("c1", Component.TABLET))
        .addToAnnotations(Labels.REVISION_ANNOTATION, revision).endMetadata()
        .withNewSpec().addNewContainer().withName("tablet")
        .withImage("4pdosc/openmldb-online:" + version).endContainer()
        .addNewVolume().withName("flags").withNewConfigMap().withName("c1-tablet-flags")
        .endConfigMap().endVolume()
        .endSpec().endTemplate().endSpec().build();
  }

  private Pod pod(String name) {
    return client.pods().withName(name).get();
  }

  private static boolean ready(Pod pod) {
    return pod != null && StatefulSetSimulator.isReady(pod);
  }

  @Test
  void createsPodsFromTheTemplateAndStartsTheirProcessesWithSubstitutedFlags() {
    client.resource(tablets(3, "0.8.5", "r1")).create();

    await().atMost(Duration.ofSeconds(60)).until(() ->
        ready(pod("c1-tablet-0")) && ready(pod("c1-tablet-1")) && ready(pod("c1-tablet-2")));
    Pod pod = pod("c1-tablet-1");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry(Labels.REVISION_ANNOTATION, "r1");
    assertThat(pod.getMetadata().getLabels()).containsEntry(Labels.COMPONENT, "tablet");
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("c1-tablet"));
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");

    PodProcessSpec spec = runtime.running.get("sim/c1-tablet-1");
    assertThat(spec.component()).isEqualTo(Component.TABLET);
    assertThat(spec.version()).isEqualTo("0.8.5");
    assertThat(spec.flags()).containsEntry("endpoint",
            "c1-tablet-1.c1-tablet.sim.svc.cluster.local:10921")
        .containsEntry("zk_root_path", "/c1").containsEntry("use_name", "true");
    await().atMost(Duration.ofSeconds(60)).until(() -> Integer.valueOf(3).equals(
        client.apps().statefulSets().withName("c1-tablet").get().getStatus().getReadyReplicas()));
  }

  @Test
  void marksPodsReadyOnlyWhenTheProcessSaysSo() {
    runtime.notReady.add("c1-tablet-0");
    client.resource(tablets(1, "0.8.5", "r1")).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> runtime.running.containsKey("sim/c1-tablet-0")
        && "Running".equals(pod("c1-tablet-0").getStatus().getPhase()));
    assertThat(ready(pod("c1-tablet-0"))).isFalse();

    runtime.notReady.remove("c1-tablet-0");
    await().atMost(Duration.ofSeconds(60)).until(() -> ready(pod("c1-tablet-0")));
    runtime.notReady.add("c1-tablet-0");
    await().atMost(Duration.ofSeconds(60)).until(() -> !ready(pod("c1-tablet-0")));
  }

  @Test
  void neverRestartsPodsByItselfButRecreatesDeletedOnesFromTheCurrentTemplate() {
    client.resource(tablets(2, "0.8.5", "r1")).create();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        ready(pod("c1-tablet-0")) && ready(pod("c1-tablet-1")));
    String uid0 = pod("c1-tablet-0").getMetadata().getUid();

    // retried: the edit carries the resourceVersion and may race the simulator's status write (409)
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      client.apps().statefulSets().withName("c1-tablet").edit(s -> {
        StatefulSet next = tablets(2, "0.9.3", "r2");
        s.getSpec().setTemplate(next.getSpec().getTemplate());
        return s;
      });
      return true;
    });
    await().atMost(Duration.ofSeconds(60)).until(() -> client.apps().statefulSets()
        .withName("c1-tablet").get().getStatus().getUpdateRevision() != null
        && client.apps().statefulSets().withName("c1-tablet").get().getStatus()
            .getUpdatedReplicas() == 0);
    assertThat(pod("c1-tablet-0").getMetadata().getUid()).isEqualTo(uid0);

    runtime.log.clear();
    client.pods().withName("c1-tablet-0").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Pod p = pod("c1-tablet-0");
      return p != null && !p.getMetadata().getUid().equals(uid0) && ready(p);
    });
    assertThat(pod("c1-tablet-0").getMetadata().getAnnotations())
        .containsEntry(Labels.REVISION_ANNOTATION, "r2");
    assertThat(runtime.log).containsExactly("stop c1-tablet-0", "start c1-tablet-0 0.9.3");
    assertThat(pod("c1-tablet-1").getMetadata().getAnnotations())
        .containsEntry(Labels.REVISION_ANNOTATION, "r1");
    // the template's hash follows the edit (it is kept per StatefulSet resourceVersion)
    assertThat(pod("c1-tablet-0").getMetadata().getLabels()
        .get(StatefulSetSimulator.REVISION_HASH_LABEL))
        .isEqualTo(client.apps().statefulSets().withName("c1-tablet").get().getStatus()
            .getUpdateRevision())
        .isNotEqualTo(pod("c1-tablet-1").getMetadata().getLabels()
            .get(StatefulSetSimulator.REVISION_HASH_LABEL));
  }

  @Test
  void followsScaleUpAndDown() {
    client.resource(tablets(1, "0.8.5", "r1")).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> ready(pod("c1-tablet-0")));
    client.apps().statefulSets().withName("c1-tablet").scale(3);
    await().atMost(Duration.ofSeconds(60)).until(() -> ready(pod("c1-tablet-2")));
    client.apps().statefulSets().withName("c1-tablet").scale(1);
    await().atMost(Duration.ofSeconds(60)).until(() ->
        pod("c1-tablet-1") == null && pod("c1-tablet-2") == null);
    await().atMost(Duration.ofSeconds(60)).until(() -> runtime.running.keySet()
        .equals(Set.of("sim/c1-tablet-0")));
  }

  @Test
  void leavesPodsMatchingANeverReadyRuleInImagePullBackOff() {
    simulator.addNeverReady(new NeverReadyRule("c1-tablet-1", "0.9.3"));
    client.resource(tablets(2, "0.9.3", "r1")).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> ready(pod("c1-tablet-0")));
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Pod p = pod("c1-tablet-1");
      return p != null && p.getStatus() != null && p.getStatus().getContainerStatuses() != null
          && !p.getStatus().getContainerStatuses().isEmpty()
          && p.getStatus().getContainerStatuses().get(0).getState().getWaiting() != null
          && "ImagePullBackOff".equals(p.getStatus().getContainerStatuses().get(0).getState()
              .getWaiting().getReason());
    });
    assertThat(runtime.running).doesNotContainKey("sim/c1-tablet-1");
    assertThat(ready(pod("c1-tablet-1"))).isFalse();

    // Reverting the version (a new pod from the old image) recovers it.
    client.apps().statefulSets().withName("c1-tablet").edit(s -> {
      s.getSpec().setTemplate(tablets(2, "0.8.5", "r0").getSpec().getTemplate());
      return s;
    });
    client.pods().withName("c1-tablet-1").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> ready(pod("c1-tablet-1")));
    assertThat(runtime.running.get("sim/c1-tablet-1").version()).isEqualTo("0.8.5");
  }
}
