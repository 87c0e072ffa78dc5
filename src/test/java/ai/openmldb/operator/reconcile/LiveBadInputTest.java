package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.BadInputCorpus;
import ai.openmldb.operator.api.BadInputCorpus.Case;
import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.k8s.WorkloadNames;
import ai.openmldb.operator.sandbox.NeverReadyRule;
import ai.openmldb.operator.sandbox.PodLifecycleEvent;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.WriteLoadGenerator;
import ai.openmldb.operator.sandbox.WriteLoadReport;
import ai.openmldb.operator.testing.UpgradeWorld;
import ai.openmldb.operator.testing.UpgradeWorld.RunningOperator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bad-input cases that only a live OpenMLDB shows ({@code world: simulated} in the corpus),
 * against the real operator, the simulated OpenMLDB and the StatefulSet simulator, under
 * continuous writes: each change is applied as the corpus file's difference to its base.
 */
@EnableKubernetesMockClient(crud = true)
class LiveBadInputTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final String FEWER_TABLETS = "55-tablets-fewer-than-table-replicas";
  private static final String VERSION_WHILE_HALTED = "56-version-change-while-halted";

  static KubernetesClient client;
  private static UpgradeWorld world;
  private static final List<PodLifecycleEvent> podEvents =
      Collections.synchronizedList(new ArrayList<>());

  private RunningOperator operator;
  private String ns;
  private WriteLoadGenerator load;

  @BeforeAll
  static void startWorld() throws Exception {
    world = UpgradeWorld.start(client, podEvents::add);
  }

  @AfterAll
  static void stopWorld() throws Exception {
    world.close();
  }

  @BeforeEach
  void startOperator() {
    ns = "live" + NAMESPACES.incrementAndGet();
    operator = world.startOperator();
  }

  @AfterEach
  void stopOperator() {
    if (load != null) {
      load.stop();
    }
    operator.close();
    world.statefulSets().clearNeverReady();
  }

  @Test
  void everySimulatedWorldCaseIsCoveredHere() {
    assertThat(BadInputCorpus.cases().stream().filter(Case::simulatedWorld).map(Case::id))
        .containsExactlyInAnyOrder(FEWER_TABLETS, VERSION_WHILE_HALTED);
  }

  @Test
  void fewerTabletsThanATablesReplicasIsDegradedAndNoTabletIsRemoved() {
    Case c = corpus(FEWER_TABLETS);
    String name = c.base().at("/metadata/name").asText();
    SimulatedCluster sim = world.create(ns, name, 3, spec -> { }, WAIT);
    sim.createTable("db", "t", 2, 3);
    load = new WriteLoadGenerator(sim, 200).start();
    Map<String, String> before = tabletsAsTheyAre(name);

    world.mergePatch(ns, name, "{\"spec\": " + specChange(c) + "}");

    await().atMost(WAIT).untilAsserted(() -> {
      Condition degraded = condition(name, ConditionType.DEGRADED);
      assertThat(degraded.getStatus()).isEqualTo("True");
      assertThat(degraded.getReason()).isEqualTo("InvalidSpec");
      assertThat(degraded.getMessage()).contains(c.degradedFields().get(0), "db.t",
          "keeps 3 replicas", "fix: keep at least 3 tablets");
      assertThat(world.status(ns, name).getPhase()).isEqualTo(Phase.INVALID);
    });
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> assertThat(e.getType() + " " + e.getMessage())
            .startsWith("Warning").contains("spec.tablet.replicas"));
    // it stays that way: the operator keeps looking (the tables could change) and removes nothing
    long deletedBefore = deletions(name);
    await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() ->
        assertThat(condition(name, ConditionType.DEGRADED).getStatus()).isEqualTo("True"));
    assertThat(tabletsAsTheyAre(name)).as("tablet StatefulSet and pods untouched")
        .isEqualTo(before);
    assertThat(deletions(name)).isEqualTo(deletedBefore);
    assertNothingLost();
  }

  @Test
  void aVersionChangeWhileHaltedIsTakenAsTheNewTargetAndSaidSo() {
    Case c = corpus(VERSION_WHILE_HALTED);
    String name = c.base().at("/metadata/name").asText();
    // 3 s, not 1: on a loaded machine a healthy pod's restart can take over a second, and the
    // roll would halt at that pod instead of the stuck one
    SimulatedCluster sim = world.create(ns, name, 2,
        spec -> spec.getUpgrade().setPodReadyTimeoutSeconds(3), WAIT);
    sim.createTable("db", "t", 2, 2);
    load = new WriteLoadGenerator(sim, 200).start();
    // a roll to 0.9.3 halts: tablet-1 never becomes ready on it (a bad image)
    String stuck = WorkloadNames.pod(name, Component.TABLET, 1);
    world.statefulSets().addNeverReady(new NeverReadyRule(stuck, "0.9.3"));
    world.bump(ns, name, "0.9.3");
    await().atMost(WAIT).until(() -> Phase.HALTED.equals(world.status(ns, name).getPhase()));

    // the corpus change: a third version
    world.mergePatch(ns, name, "{\"spec\": " + specChange(c) + "}");
    String target = c.tree().at("/spec/version").asText();

    await().atMost(WAIT).untilAsserted(() -> {
      OpenMLDBClusterStatus s = world.status(ns, name);
      assertThat(s.getUpgrade().getToVersion()).isEqualTo(target);
      assertThat(s.getUpgrade().getFinishedAt()).as(s.getUpgrade().getMessage()).isNotNull();
      assertThat(s.getPhase()).isEqualTo(Phase.RUNNING);
      assertThat(s.getCurrentVersion()).isEqualTo(target);
    });
    OpenMLDBClusterStatus s = world.status(ns, name);
    // said in status and in an event: which roll was replaced, and how it stood
    assertThat(s.getUpgrade().getReplacedRoll()).startsWith("0.9.3 (halted: ")
        .contains(stuck);
    assertThat(s.getUpgrade().getFromVersion()).isEqualTo("0.9.3");
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("UpgradeRetargeted");
          assertThat(e.getMessage()).contains("spec.version changed to " + target,
              "before the roll to 0.9.3 (halted");
        });
    // nothing beyond the documented: each pod restarted at most once per target (the stuck one
    // for 0.9.3, then for 0.9.4), every partition led, no op failed
    Map<String, Long> deleted = deletionsPerPod(name);
    assertThat(deleted.values()).as("deletions per pod %s", deleted).allMatch(n -> n <= 2);
    assertThat(deleted.get(stuck)).isEqualTo(2);
    assertThat(sim.table("db", "t").orElseThrow().partitions())
        .allMatch(p -> p.leader().isPresent());
    assertThat(sim.opSummaries()).noneMatch(o -> o.endsWith(" kFailed"));
    assertNothingLost();
  }

  // ------------------------------------------------------------------ helpers

  private static Case corpus(String id) {
    return BadInputCorpus.cases().stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow();
  }

  /** The case's spec minus what equals the base's: the user's edit, as a merge patch. */
  private static String specChange(Case c) {
    ObjectNode change = diff(c.base().get("spec"), c.tree().get("spec"));
    assertThat(change).as("the case changes its base").isNotEmpty();
    return change.toString();
  }

  private static ObjectNode diff(JsonNode base, JsonNode changed) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = changed.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode old = base == null ? null : base.get(e.getKey());
      if (e.getValue().isObject() && old != null && old.isObject()) {
        ObjectNode inner = diff(old, e.getValue());
        if (!inner.isEmpty()) {
          out.set(e.getKey(), inner);
        }
      } else if (!e.getValue().equals(old)) {
        out.set(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private Condition condition(String name, String type) {
    return world.status(ns, name).getConditions().stream()
        .filter(x -> type.equals(x.getType())).findFirst().orElseThrow();
  }

  /** uid@resourceVersion of the tablet StatefulSet, uid of every tablet pod. */
  private Map<String, String> tabletsAsTheyAre(String name) {
    Map<String, String> out = new TreeMap<>();
    var sts = client.apps().statefulSets().inNamespace(ns)
        .withName(WorkloadNames.statefulSet(name, Component.TABLET)).get();
    out.put("sts", sts.getMetadata().getUid() + "@" + sts.getSpec().getReplicas());
    for (Pod p : world.pods(ns, name)) {
      out.put(p.getMetadata().getName(), p.getMetadata().getUid());
    }
    return out;
  }

  private long deletions(String name) {
    return deletionsPerPod(name).values().stream().mapToLong(Long::longValue).sum();
  }

  private Map<String, Long> deletionsPerPod(String name) {
    synchronized (podEvents) {
      return podEvents.stream()
          .filter(e -> e.type() == PodLifecycleEvent.Type.DELETED && ns.equals(e.namespace())
              && e.pod().startsWith(name + "-"))
          .collect(Collectors.groupingBy(PodLifecycleEvent::pod, TreeMap::new,
              Collectors.counting()));
    }
  }

  private void assertNothingLost() {
    load.stop();
    WriteLoadReport r = load.report();
    load = null;
    assertThat(r.acknowledged()).isPositive();
    assertThat(r.lost()).as("lost writes %s", r.lostWrites()).isZero();
  }
}
