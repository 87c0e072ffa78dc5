package ai.openmldb.operator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.ComponentSpec;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterCrd;
import ai.openmldb.operator.api.OpenMLDBClusterSpec;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.api.TabletSpec;
import ai.openmldb.operator.api.UpgradeSpec;
import ai.openmldb.operator.api.ZooKeeperSpec;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.reconcile.OperatorFactory;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import ai.openmldb.operator.sandbox.SimulatorSettings;
import ai.openmldb.operator.sandbox.StatefulSetSimulator;
import ai.openmldb.operator.sandbox.WriteLoadGenerator;
import ai.openmldb.operator.sandbox.WriteLoadReport;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults the sandbox has no chaos option for, in the RollingUpgradeTest-style world (real
 * operator, Fabric8 mock API in CRUD mode, StatefulSet simulator, real ZooKeeper, simulated
 * OpenMLDB) under continuous writes: a follower that lags behind its leader, and nameservers that
 * are unreachable for a while in the middle of the roll.
 */
@EnableKubernetesMockClient(crud = true)
class FaultWorldTest {
  private static final Duration ROLL = Duration.ofSeconds(90);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  static KubernetesClient client;
  private static TestingServer zk;
  private static SimulatedOpenMLDB sim;
  private static StatefulSetSimulator statefulSets;

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
        e -> { }).start();
  }

  @AfterAll
  static void stopWorld() throws Exception {
    statefulSets.close();
    sim.close();
    zk.close();
  }

  @BeforeEach
  void startOperator() {
    ns = "fault" + NAMESPACES.incrementAndGet();
    connections = new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(2), null);
    operator = OperatorFactory.create(client,
        OperatorConfig.forMockApi().withStepPollInterval(Duration.ofMillis(50)),
        new SimpleMeterRegistry(), connections);
    operator.start();
  }

  @AfterEach
  void stopOperator() {
    if (load != null) {
      load.stop();
    }
    operator.stop();
    connections.close();
  }

  @Test
  void aLaggingFollowerIsNotMadeLeaderBeforeItHasCaughtUp() {
    SimulatedCluster c = create("lagging", 2);
    c.createTable("db", "t", 2, 2);
    // followers see every acknowledged entry only 0.8 s later: a leader moved to a follower that
    // has not caught up would lose the writes still in flight
    c.setReplicationLag(Duration.ofMillis(800));
    load = new WriteLoadGenerator(c, 200).start();
    long started = System.nanoTime();
    bump("lagging", "0.9.3");

    awaitRollDone("lagging", "0.9.3");
    double wall = (System.nanoTime() - started) / 1e9;
    c.setReplicationLag(Duration.ofMillis(5));
    WriteLoadReport r = stopLoad();
    System.out.printf("FAULT-FIGURES lagging-follower: completed=true lostWrites=%d acked=%d"
        + " wallSeconds=%.1f%n", r.lost(), r.acknowledged(), wall);
    assertThat(r.acknowledged()).isPositive();
    assertThat(r.lost()).as("lost writes %s", r.lostWrites()).isZero();
    assertThat(c.opSummaries()).noneMatch(s -> s.endsWith(" kFailed"));
  }

  @Test
  void nameserversUnreachableForAWhileMidRollAreWaitedOutAndNothingIsLost() {
    SimulatedCluster c = create("unreachable", 2);
    c.createTable("db", "t", 2, 2);
    load = new WriteLoadGenerator(c, 200).start();
    long started = System.nanoTime();
    bump("unreachable", "0.9.3");
    // once the roll works on a tablet, every nameserver stops answering for 3 s
    await().atMost(ROLL).pollInterval(Duration.ofMillis(20)).until(() -> {
      OpenMLDBClusterStatus s = status("unreachable");
      return s.getUpgrade() != null && "tablet".equals(s.getUpgrade().getComponent());
    });
    c.makeNameserversUnreachable(Duration.ofSeconds(3));

    awaitRollDone("unreachable", "0.9.3");
    double wall = (System.nanoTime() - started) / 1e9;
    WriteLoadReport r = stopLoad();
    System.out.printf("FAULT-FIGURES nameserver-unreachable: completed=true lostWrites=%d acked=%d"
        + " wallSeconds=%.1f%n", r.lost(), r.acknowledged(), wall);
    assertThat(r.acknowledged()).isPositive();
    assertThat(r.lost()).as("lost writes %s", r.lostWrites()).isZero();
    assertThat(c.table("db", "t").orElseThrow().partitions())
        .as("every partition has a leader").allMatch(p -> p.leader().isPresent());
  }

  // ------------------------------------------------------------------ helpers

  /** A cluster on 0.9.2 (1 nameserver, the tablets, 1 apiserver), up and Running. */
  private SimulatedCluster create(String name, int tablets) {
    OpenMLDBCluster cluster = new OpenMLDBCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
        .withAnnotations(new LinkedHashMap<>()).build());
    OpenMLDBClusterSpec spec = new OpenMLDBClusterSpec();
    spec.setVersion("0.9.2");
    ZooKeeperSpec zkSpec = new ZooKeeperSpec();
    zkSpec.setCluster(zk.getConnectString());
    zkSpec.setRootPath("/" + ns);
    spec.setZookeeper(zkSpec);
    spec.setNameserver(new ComponentSpec(1));
    spec.setTablet(new TabletSpec(tablets));
    spec.setApiserver(new ComponentSpec(1));
    spec.setTaskmanager(new ComponentSpec(0));
    UpgradeSpec upgrade = new UpgradeSpec();
    upgrade.setMaxConcurrentLeaderMoves(4);
    spec.setUpgrade(upgrade);
    cluster.setSpec(spec);
    client.resources(OpenMLDBCluster.class).resource(cluster).create();

    SimulatedCluster c = sim.cluster(zk.getConnectString(), "/" + ns);
    await().atMost(ROLL).pollInterval(Duration.ofMillis(20))
        .until(() -> pods(name).size() == 1 + tablets + 1
            && pods(name).stream().allMatch(ai.openmldb.operator.k8s.Pods::isReady)
            && c.nameserverLeader().isPresent());
    await().atMost(ROLL).pollInterval(Duration.ofMillis(20))
        .until(() -> Phase.RUNNING.equals(status(name).getPhase()));
    return c;
  }

  private void bump(String name, String version) {
    client.resources(OpenMLDBCluster.class).inNamespace(ns).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\": {\"version\": \"" + version + "\"}}");
  }

  private void awaitRollDone(String name, String version) {
    await().atMost(ROLL).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      OpenMLDBClusterStatus s = status(name);
      assertThat(s.getPhase()).as("never halted").isNotEqualTo(Phase.HALTED);
      assertThat(s.getUpgrade()).isNotNull();
      assertThat(s.getUpgrade().getToVersion()).isEqualTo(version);
      assertThat(s.getUpgrade().getFinishedAt()).as(String.valueOf(s.getUpgrade().getMessage()))
          .isNotNull();
    });
  }

  private OpenMLDBClusterStatus status(String name) {
    OpenMLDBCluster c = client.resources(OpenMLDBCluster.class).inNamespace(ns).withName(name)
        .get();
    return c == null || c.getStatus() == null ? new OpenMLDBClusterStatus() : c.getStatus();
  }

  private List<Pod> pods(String name) {
    return client.pods().inNamespace(ns).withLabel(Labels.INSTANCE, name).list().getItems();
  }

  private WriteLoadReport stopLoad() {
    load.stop();
    WriteLoadReport r = load.report();
    load = null;
    return r;
  }
}
