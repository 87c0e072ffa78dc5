package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.ComponentSpec;
import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBClusterSpec;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.api.SingleReplicaPolicy;
import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.openmldb.LeaderMoveLedger;
import ai.openmldb.operator.sandbox.PodLifecycleEvent;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.WriteLoadGenerator;
import ai.openmldb.operator.sandbox.WriteLoadReport;
import ai.openmldb.operator.testing.UpgradeWorld;
import ai.openmldb.operator.testing.UpgradeWorld.RunningOperator;
import io.fabric8.kubernetes.api.model.Condition;
import ai.openmldb.operator.api.OpenMLDBCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rolling upgrade end to end: the real operator (JOSDK) against the Fabric8 mock API in CRUD
 * mode, the StatefulSet/kubelet simulator, real ZooKeeper, and the simulated OpenMLDB driven by
 * the production nameserver client, under a continuous write load.
 */
@EnableKubernetesMockClient(crud = true)
class RollingUpgradeTest {
  private static final Duration ROLL = Duration.ofSeconds(40);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

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
    ns = "roll" + NAMESPACES.incrementAndGet();
    operator = world.startOperator();
  }

  @AfterEach
  void stopOperator() {
    if (load != null) {
      load.stop();
    }
    operator.close();
  }

  // ------------------------------------------------------------------ the tests

  @Test
  void rollsNameserverLeaderLastAndEveryTabletWithItsLeadersMovedAwayLosingNoWrite() {
    SimulatedCluster c = create("ha", 2, 3, true, spec -> { });
    c.createTable("db", "t1", 4, 3);
    c.createTable("db", "t2", 2, 2);
    Map<String, String> leadersBefore = leaders(c);
    String nsLeader = c.nameserverLeader().orElseThrow();
    startLoad(c);
    c.clearCalls();
    podEvents.clear();

    bump("ha", "0.9.3");
    UpgradeStatus done = awaitRollDone("ha", "0.9.3");
    WriteLoadReport report = stopLoad();

    String leaderPod = nsLeader.substring(0, nsLeader.indexOf('.'));
    String followerPod = leaderPod.endsWith("-0") ? "ha-nameserver-1" : "ha-nameserver-0";
    assertThat(deletions()).containsExactly(followerPod, leaderPod,
        "ha-tablet-0", "ha-tablet-1", "ha-tablet-2", "ha-apiserver-0");
    assertThat(report.lost()).as(report.toString()).isZero();
    assertThat(report.acknowledged()).isPositive();
    assertThat(leaders(c)).isEqualTo(leadersBefore);
    assertThat(c.autoFailover()).as("auto-failover restored").isTrue();
    assertThat(ledger("ha").read().tablets()).isEmpty();
    assertThat(done.getLeadersMoved()).isEqualTo(6).isEqualTo(done.getLeadersRestored());
    assertThat(done.getPodsUpgraded()).isEqualTo(6);

    List<String> calls = c.mutatingCalls();
    assertThat(calls.get(0)).startsWith("ConfSet");
    assertThat(calls.get(calls.size() - 1)).startsWith("ConfSet");
    assertThat(calls).noneMatch(x -> x.contains("candidate_leader=auto"));
    // per partition: the leader is fenced before its leader changes
    for (String call : calls) {
      if (call.startsWith("ChangeLeader")) {
        String partition = call.substring("ChangeLeader ".length(), call.indexOf(" candidate"));
        int change = calls.indexOf(call);
        assertThat(calls.subList(0, change))
            .anyMatch(x -> x.startsWith("UpdateTableAliveStatus " + partition)
                && x.endsWith("is_alive=false"));
      }
    }
    // every moved leader changed exactly once each way: an observation whose op list is newer
    // than its tables (an op finished between the reads) switched a partition twice, to a
    // follower behind the new leader, and lost a write. The ops are read (or kept) first and the
    // tables read again whenever the unfinished ops differ from those they were read with
    // (ClusterTablesTest); the first observation reads the ops before the tables
    assertThat(c.calls()).filteredOn(x -> x.method().equals("ChangeLeader") && x.code() == 0)
        .hasSize(12);
    List<String> reads = c.calls().stream().map(x -> x.method())
        .filter(m -> m.equals("ShowOPStatus") || m.equals("ShowTable")).toList();
    assertThat(reads.get(0)).isEqualTo("ShowOPStatus");
    System.out.printf("[upgrade figures] HA roll: %s; mutating RPCs=%d%n", report, calls.size());
  }

  @Test
  void singleReplicaTableGetsATemporaryReplicaAndAutoFailoverOffStaysOff() {
    SimulatedCluster c = create("solo", 1, 2, false, spec -> { });
    c.createTable("db", "solo", 2, 1);
    Map<String, String> leadersBefore = leaders(c);
    startLoad(c);
    c.clearCalls();

    bump("solo", "0.9.3");
    awaitRollDone("solo", "0.9.3");
    WriteLoadReport report = stopLoad();

    assertThat(report.lost()).as(report.toString()).isZero();
    assertThat(leaders(c)).isEqualTo(leadersBefore);
    assertThat(c.table("db", "solo").orElseThrow().partitions())
        .allMatch(p -> p.replicas().size() == 1);
    List<String> calls = c.mutatingCalls();
    assertThat(calls).anyMatch(x -> x.startsWith("AddReplicaNS"));
    assertThat(calls).anyMatch(x -> x.startsWith("DelReplicaNS"));
    assertThat(calls).noneMatch(x -> x.startsWith("ConfSet"));
    assertThat(c.autoFailover()).isFalse();
    System.out.printf("[upgrade figures] single replica, temporary replica: %s%n", report);
  }

  @Test
  void singleReplicaTableIsUnavailableDuringItsRestartWhenAccepted() {
    SimulatedCluster c = create("accept", 1, 2, false, spec ->
        spec.getUpgrade().setSingleReplicaPolicy(SingleReplicaPolicy.AcceptUnavailability));
    c.createTable("db", "solo", 2, 1);
    Map<String, String> leadersBefore = leaders(c);
    startLoad(c);
    c.clearCalls();

    bump("accept", "0.9.3");
    awaitRollDone("accept", "0.9.3");
    WriteLoadReport report = stopLoad();

    assertThat(c.mutatingCalls()).noneMatch(x -> x.startsWith("AddReplicaNS"));
    assertThat(report.lost()).as("fenced before the restart: " + report).isZero();
    assertThat(report.writeUnavailablePartitionSeconds()).isPositive();
    assertThat(leaders(c)).isEqualTo(leadersBefore);
    System.out.printf("[upgrade figures] single replica, accepted outage: %s%n", report);
  }

  @Test
  void pauseHoldsTheRollAndLiftingItFinishesTheRoll() throws Exception {
    SimulatedCluster c = create("paused", 1, 2, true, spec -> spec.getUpgrade().setPaused(true));
    c.createTable("db", "t", 2, 2);
    podEvents.clear();
    bump("paused", "0.9.3");

    await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
        .until(() -> deletions().isEmpty());
    await().atMost(ROLL).untilAsserted(() ->
        assertThat(status("paused").getPhase()).isEqualTo(Phase.PAUSED));
    assertThat(c.autoFailover()).as("nothing disruptive while paused").isTrue();

    mergePatch("paused", "{\"spec\": {\"upgrade\": {\"paused\": false}}}");
    awaitRollDone("paused", "0.9.3");
    assertThat(deletions()).hasSize(4);
  }

  @Test
  void revertingTheVersionMidRollRollsBackTheSameWay() {
    SimulatedCluster c = create("back", 2, 3, true, spec -> { });
    c.createTable("db", "t", 3, 3);
    Map<String, String> leadersBefore = leaders(c);
    startLoad(c);
    podEvents.clear();

    bump("back", "0.9.3");
    await().atMost(ROLL).until(() -> deletions().contains("back-tablet-1"));
    bump("back", "0.9.2");
    awaitRollDone("back", "0.9.2");
    WriteLoadReport report = stopLoad();

    assertThat(report.lost()).as(report.toString()).isZero();
    assertThat(leaders(c)).isEqualTo(leadersBefore);
    assertThat(world.pods(ns, "back")).allMatch(p -> p.getSpec().getContainers().get(0).getImage()
        .endsWith(":0.9.2"));
    System.out.printf("[upgrade figures] rollback: %s; restarts %s%n", report, deletions());
  }

  @Test
  void aNewOperatorInstanceTakesOverMidUpgrade() {
    SimulatedCluster c = create("takeover", 1, 3, true, spec -> { });
    c.createTable("db", "t", 3, 2);
    Map<String, String> leadersBefore = leaders(c);
    startLoad(c);
    podEvents.clear();

    bump("takeover", "0.9.3");
    await().atMost(ROLL).until(() -> deletions().contains("takeover-tablet-1"));
    operator.close();
    operator = world.startOperator();
    awaitRollDone("takeover", "0.9.3");
    WriteLoadReport report = stopLoad();

    assertThat(report.lost()).as(report.toString()).isZero();
    assertThat(leaders(c)).isEqualTo(leadersBefore);
    assertThat(deletions()).containsExactly("takeover-nameserver-0", "takeover-tablet-0",
        "takeover-tablet-1", "takeover-tablet-2", "takeover-apiserver-0");
    assertThat(ledger("takeover").read().tablets()).isEmpty();
  }

  @Test
  void aFailedOpHaltsTheRollWithLeadersServingUntilAcknowledged() {
    SimulatedCluster c = create("failed", 1, 2, true, spec -> { });
    c.createTable("db", "t", 2, 2);
    c.failNextOp("kChangeLeaderOP");
    bump("failed", "0.9.3");

    await().atMost(ROLL).untilAsserted(() -> {
      OpenMLDBClusterStatus s = status("failed");
      assertThat(s.getPhase()).isEqualTo(Phase.HALTED);
      Condition degraded = condition(s, ConditionType.DEGRADED);
      assertThat(degraded.getStatus()).isEqualTo("True");
      assertThat(degraded.getMessage()).contains("failed")
          .contains(Labels.ACKNOWLEDGE_FAILED_OPS_ANNOTATION);
    });
    assertThat(c.table("db", "t").orElseThrow().partitions())
        .as("no partition left fenced").allMatch(p -> p.leader().isPresent());
    String message = condition(status("failed"), ConditionType.DEGRADED).getMessage();
    String opId = message.replaceAll(".*acknowledge-failed-ops=(\\d+).*", "$1");

    mergePatch("failed", "{\"metadata\": {\"annotations\": {\""
        + Labels.ACKNOWLEDGE_FAILED_OPS_ANNOTATION + "\": \"" + opId + "\"}}}");
    awaitRollDone("failed", "0.9.3");
    assertThat(c.autoFailover()).isTrue();
  }

  /**
   * A roll after a finished one: from the version change to its own end, no status tells a
   * watcher (a user's script, a GitOps tool) or a restarted operator that the new roll has
   * finished. The roll's intent patches once left the previous roll's finishedAt in place.
   */
  @Test
  void aSecondRollNeverReadsAsFinishedBeforeItEnds() throws Exception {
    SimulatedCluster c = create("again", 1, 2, true, spec -> { });
    c.createTable("db", "t", 2, 2);
    bump("again", "0.9.3");
    awaitRollDone("again", "0.9.3");
    List<UpgradeStatus> seen = Collections.synchronizedList(new ArrayList<>());
    try (Watch watch = client.resources(OpenMLDBCluster.class).inNamespace(ns).withName("again")
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, OpenMLDBCluster resource) {
            if (resource.getStatus() != null && resource.getStatus().getUpgrade() != null) {
              seen.add(resource.getStatus().getUpgrade());
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        })) {
      bump("again", "0.9.4");
      await().atMost(ROLL).until(() -> world.pods(ns, "again").stream().allMatch(p ->
          p.getSpec().getContainers().get(0).getImage().endsWith(":0.9.4")));
      awaitRollDone("again", "0.9.4");
    }

    List<UpgradeStatus> second = seen.stream()
        .filter(u -> "0.9.4".equals(u.getToVersion())).toList();
    assertThat(second).as("statuses of the second roll").isNotEmpty();
    assertThat(second).allSatisfy(u -> {
      if (u.getFinishedAt() != null) {
        assertThat(u.getProgress()).as("finished at " + u.getStep() + " " + u.getPod())
            .endsWith("done");
        assertThat(u.getHalted()).isNull();
      }
      assertThat(u.getFromVersion()).isEqualTo("0.9.3");
      if (u.getFinishedAt() == null) {
        assertThat(u.getMessage()).as("what a roll under way does").doesNotContain("complete");
      }
    });
  }

  // ------------------------------------------------------------------ helpers

  /** Creates a cluster on version 0.9.2 and waits until its pods run and a nameserver leads. */
  private SimulatedCluster create(String name, int nameservers, int tablets,
      boolean autoFailover, Consumer<OpenMLDBClusterSpec> customize) {
    return world.create(ns, name, tablets, spec -> {
      ComponentSpec nameserver = new ComponentSpec(nameservers);
      nameserver.getFlags().put("auto_failover", Boolean.toString(autoFailover));
      spec.setNameserver(nameserver);
      customize.accept(spec);
    }, ROLL);
  }

  private void bump(String name, String version) {
    world.bump(ns, name, version);
  }

  private void mergePatch(String name, String json) {
    world.mergePatch(ns, name, json);
  }

  private UpgradeStatus awaitRollDone(String name, String version) {
    await().atMost(ROLL).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      OpenMLDBClusterStatus s = status(name);
      assertThat(s.getUpgrade()).isNotNull();
      assertThat(s.getUpgrade().getToVersion()).isEqualTo(version);
      assertThat(s.getUpgrade().getFinishedAt()).as(String.valueOf(s.getUpgrade().getMessage()))
          .isNotNull();
    });
    return status(name).getUpgrade();
  }

  private OpenMLDBClusterStatus status(String name) {
    return world.status(ns, name);
  }

  private static Condition condition(OpenMLDBClusterStatus s, String type) {
    return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow();
  }

  private List<String> deletions() {
    synchronized (podEvents) {
      return podEvents.stream()
          .filter(e -> e.type() == PodLifecycleEvent.Type.DELETED && e.namespace().equals(ns))
          .map(PodLifecycleEvent::pod)
          .toList();
    }
  }

  private LeaderMoveLedger ledger(String name) {
    return operator.connections().connect(world.zookeeper(), "/" + ns).ledger(ns, name);
  }

  private static Map<String, String> leaders(SimulatedCluster c) {
    Map<String, String> out = new LinkedHashMap<>();
    for (SimulatedCluster.SimTableInfo t : c.tables()) {
      t.partitions().forEach(p -> out.put(t.name() + "/" + p.pid(),
          p.leader().map(SimulatedCluster.SimReplicaInfo::endpoint).orElse("")));
    }
    return out;
  }

  private void startLoad(SimulatedCluster c) {
    load = new WriteLoadGenerator(c, 400).start();
  }

  private WriteLoadReport stopLoad() {
    load.stop();
    WriteLoadReport r = load.report();
    load = null;
    return r;
  }
}
