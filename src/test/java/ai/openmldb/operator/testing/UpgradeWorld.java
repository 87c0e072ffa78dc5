package ai.openmldb.operator.testing;

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
import ai.openmldb.operator.k8s.Pods;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.reconcile.OperatorFactory;
import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import ai.openmldb.operator.sandbox.PodLifecycleEvent;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import ai.openmldb.operator.sandbox.SimulatorSettings;
import ai.openmldb.operator.sandbox.StatefulSetSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * The world the end-to-end roll tests run in: the Fabric8 mock API (the test's CRUD client), a
 * real ZooKeeper, the simulated OpenMLDB with short op latency and replication lag, and the
 * StatefulSet/kubelet simulator. The operator under test is started per test with
 * {@link #startOperator()}; clusters live in one namespace per test.
 */
public final class UpgradeWorld implements AutoCloseable {
  private final KubernetesClient client;
  private final EmbeddedZooKeeper zk;
  private final SimulatedOpenMLDB sim;
  private final StatefulSetSimulator statefulSets;

  private UpgradeWorld(KubernetesClient client, EmbeddedZooKeeper zk, SimulatedOpenMLDB sim,
      StatefulSetSimulator statefulSets) {
    this.client = client;
    this.zk = zk;
    this.sim = sim;
    this.statefulSets = statefulSets;
  }

  public static UpgradeWorld start(KubernetesClient client, Consumer<PodLifecycleEvent> podEvents)
      throws Exception {
    EmbeddedZooKeeper zk = EmbeddedZooKeeper.start();
    OpenMLDBClusterCrd.install(client);
    SimulatedOpenMLDB sim = new SimulatedOpenMLDB(SimulatedOpenMLDB.Settings.defaults()
        .withOpLatency(Duration.ofMillis(20))
        .withReplicationLag(Duration.ofMillis(5)));
    StatefulSetSimulator statefulSets = new StatefulSetSimulator(client, sim,
        SimulatorSettings.defaults()
            .withPodStartDelay(Duration.ofMillis(50)).withPollInterval(Duration.ofMillis(20)),
        podEvents).start();
    return new UpgradeWorld(client, zk, sim, statefulSets);
  }

  /** The real operator as the factory builds it, with its own OpenMLDB connections. */
  public record RunningOperator(Operator operator, OpenMLDBConnections connections)
      implements AutoCloseable {
    @Override
    public void close() {
      operator.stop();
      connections.close();
    }
  }

  public RunningOperator startOperator() {
    OpenMLDBConnections connections =
        new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(2), null);
    Operator operator = OperatorFactory.create(client,
        OperatorConfig.forMockApi().withStepPollInterval(Duration.ofMillis(50)),
        new SimpleMeterRegistry(), connections);
    operator.start();
    return new RunningOperator(operator, connections);
  }

  /** The StatefulSet/kubelet simulator (chaos rules such as never-ready pods). */
  public StatefulSetSimulator statefulSets() {
    return statefulSets;
  }

  public String zookeeper() {
    return zk.connectString();
  }

  /**
   * Creates a cluster on 0.9.2 (1 nameserver, the tablets, 1 apiserver, 4 concurrent leader
   * moves, then {@code customize}) and waits until every pod is ready, a nameserver leads and the
   * phase is Running.
   */
  public SimulatedCluster create(String ns, String name, int tablets,
      Consumer<OpenMLDBClusterSpec> customize, Duration timeout) {
    OpenMLDBCluster cluster = new OpenMLDBCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
        .withAnnotations(new LinkedHashMap<>()).build());
    OpenMLDBClusterSpec spec = new OpenMLDBClusterSpec();
    spec.setVersion("0.9.2");
    ZooKeeperSpec zkSpec = new ZooKeeperSpec();
    zkSpec.setCluster(zk.connectString());
    zkSpec.setRootPath("/" + ns);
    spec.setZookeeper(zkSpec);
    spec.setNameserver(new ComponentSpec(1));
    spec.setTablet(new TabletSpec(tablets));
    spec.setApiserver(new ComponentSpec(1));
    spec.setTaskmanager(new ComponentSpec(0));
    UpgradeSpec upgrade = new UpgradeSpec();
    upgrade.setMaxConcurrentLeaderMoves(4);
    spec.setUpgrade(upgrade);
    customize.accept(spec);
    cluster.setSpec(spec);
    client.resources(OpenMLDBCluster.class).resource(cluster).create();

    int podCount = spec.getNameserver().getReplicas() + spec.getTablet().getReplicas()
        + spec.getApiserver().getReplicas() + spec.getTaskmanager().getReplicas();
    SimulatedCluster c = sim.cluster(zk.connectString(), "/" + ns);
    await().atMost(timeout).pollInterval(Duration.ofMillis(20))
        .until(() -> pods(ns, name).size() == podCount
            && pods(ns, name).stream().allMatch(Pods::isReady)
            && c.nameserverLeader().isPresent());
    await().atMost(timeout).pollInterval(Duration.ofMillis(20))
        .until(() -> Phase.RUNNING.equals(status(ns, name).getPhase()));
    return c;
  }

  /** A JSON merge patch of the resource (no resourceVersion: the operator writes status). */
  public void mergePatch(String ns, String name, String json) {
    client.resources(OpenMLDBCluster.class).inNamespace(ns).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }

  public void bump(String ns, String name, String version) {
    mergePatch(ns, name, "{\"spec\": {\"version\": \"" + version + "\"}}");
  }

  /** The cluster's status, or an empty one before the operator wrote any. */
  public OpenMLDBClusterStatus status(String ns, String name) {
    OpenMLDBCluster c = client.resources(OpenMLDBCluster.class).inNamespace(ns).withName(name)
        .get();
    return c == null || c.getStatus() == null ? new OpenMLDBClusterStatus() : c.getStatus();
  }

  public List<Pod> pods(String ns, String name) {
    return client.pods().inNamespace(ns).withLabel(Labels.INSTANCE, name).list().getItems();
  }

  @Override
  public void close() throws Exception {
    statefulSets.close();
    sim.close();
    zk.close();
  }
}
