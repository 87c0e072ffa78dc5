package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.ComponentSpec;
import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterCrd;
import ai.openmldb.operator.api.OpenMLDBClusterSpec;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.api.SingleReplicaPolicy;
import ai.openmldb.operator.api.TabletSpec;
import ai.openmldb.operator.api.UpgradeSpec;
import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.api.ZooKeeperSpec;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.openmldb.LeaderMoveLedger;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.sandbox.PodLifecycleEvent;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import ai.openmldb.operator.sandbox.SimulatorSettings;
import ai.openmldb.operator.sandbox.StatefulSetSimulator;
import ai.openmldb.operator.sandbox.WriteLoadGenerator;
import ai.openmldb.operator.sandbox.WriteLoadReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.curator.test.TestingServer;
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
  private static TestingServer zk;
  private static SimulatedOpenMLDB sim;
  private static StatefulSetSimulator statefulSets;
  private static final List<PodLifecycleEvent> podEvents =
      Collections.synchronizedList(new ArrayList<>());

  private Operator operator;
  private OpenMLDBConnections connections;
  private String ns;
  private WriteLoadGenerator load;

  @BeforeAll
  static void startWorld() throws Exception {
    zk = new TestingServer(true);
    OpenMLDBClusterCrd.install(client);
    sim = new SimulatedOpenMLDB(SimulatedOpenMLDB.Settings.defaults()
        .withOpLatency(Duration.ofMillis(20))
        .withReplicationLag(Duration.ofMillis(5)));
    statefulSets = new StatefulSetSimulator(client, sim, SimulatorSettings.defaults()
        .withPodStartDelay(Duration.ofMillis(50)).withPollInterval(Duration.ofMillis(20)),
        podEvents::add).start();
  }

  @AfterAll
  static void stopWorld() throws Exception {
    statefulSets.close();
    sim.close();
    zk.close();
  }

  @BeforeEach
  void startOperator() {
    ns = "roll" + NAMESPACES.incrementAndGet();
    operator = newOperator();
  }

  @AfterEach
  void stopOperator() {
    if (load != null) {
      load.stop();
    }
    operator.stop();
    connections.close();
  }

  private Operator newOperator() {
    connections = new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(2), null);
    Operator op = OperatorFactory.create(client,
        OperatorConfig.forMockApi().withStepPollInterval(Duration.ofMillis(50)),
        new SimpleMeterRegistry(), connections);
    op.start();
    return op;
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
    assertThat(pods("back")).allMatch(p -> p.getSpec().getContainers().get(0).getImage()
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
    operator.stop();
    connections.close();
    operator = newOperator();
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

  // ------------------------------------------------------------------ helpers

  /** Creates a cluster on version 0.9.2 and waits until its pods run and a nameserver leads. */
  private SimulatedCluster create(String name, int nameservers, int tablets,
      boolean autoFailover, Consumer<OpenMLDBClusterSpec> customize) {
    OpenMLDBCluster cluster = new OpenMLDBCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
        .withAnnotations(new LinkedHashMap<>()).build());
    OpenMLDBClusterSpec spec = new OpenMLDBClusterSpec();
    spec.setVersion("0.9.2");
    ZooKeeperSpec zkSpec = new ZooKeeperSpec();
    zkSpec.setCluster(zk.getConnectString());
    zkSpec.setRootPath("/" + ns);
    spec.setZookeeper(zkSpec);
    ComponentSpec nameserver = new ComponentSpec(nameservers);
    nameserver.getFlags().put("auto_failover", Boolean.toString(autoFailover));
    spec.setNameserver(nameserver);
    spec.setTablet(new TabletSpec(tablets));
    spec.setApiserver(new ComponentSpec(1));
    spec.setTaskmanager(new ComponentSpec(0));
    UpgradeSpec upgrade = new UpgradeSpec();
    upgrade.setMaxConcurrentLeaderMoves(4);
    spec.setUpgrade(upgrade);
    customize.accept(spec);
    cluster.setSpec(spec);
    client.resources(OpenMLDBCluster.class).resource(cluster).create();

    SimulatedCluster c = sim.cluster(zk.getConnectString(), "/" + ns);
    await().atMost(ROLL).pollInterval(Duration.ofMillis(20))
        .until(() -> pods(name).size() == nameservers + tablets + 1
            && pods(name).stream().allMatch(ai.openmldb.operator.k8s.Pods::isReady)
            && c.nameserverLeader().isPresent());
    await().atMost(ROLL).pollInterval(Duration.ofMillis(20))
        .until(() -> Phase.RUNNING.equals(status(name).getPhase()));
    return c;
  }

  private void bump(String name, String version) {
    mergePatch(name, "{\"spec\": {\"version\": \"" + version + "\"}}");
  }

  /** A JSON merge patch of the resource (no resourceVersion: the operator writes status). */
  private void mergePatch(String name, String json) {
    client.resources(OpenMLDBCluster.class).inNamespace(ns).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
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
    OpenMLDBCluster c = client.resources(OpenMLDBCluster.class).inNamespace(ns).withName(name)
        .get();
    return c == null || c.getStatus() == null ? new OpenMLDBClusterStatus() : c.getStatus();
  }

  private static Condition condition(OpenMLDBClusterStatus s, String type) {
    return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow();
  }

  private List<Pod> pods(String name) {
    return client.pods().inNamespace(ns).withLabel(Labels.INSTANCE, name).list().getItems();
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
    return connections.connect(zk.getConnectString(), "/" + ns).ledger(ns, name);
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
