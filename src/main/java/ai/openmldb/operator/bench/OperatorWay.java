package ai.openmldb.operator.bench;

import ai.openmldb.operator.api.ComponentSpec;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterSpec;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.api.TabletSpec;
import ai.openmldb.operator.api.UpgradeSpec;
import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.api.ZooKeeperSpec;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.k8s.Pods;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.reconcile.OperatorFactory;
import ai.openmldb.operator.sandbox.SandboxKubernetes;
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
import java.util.function.Predicate;

/**
 * The operator way: the real operator ({@link OperatorFactory} with the rolling upgrade) against
 * the sandbox's Kubernetes API, whose StatefulSet/kubelet simulator starts the same simulated
 * OpenMLDB processes with the same pod start delay. The cluster is created as an {@code
 * OpenMLDBCluster}; the roll is a change of {@code spec.version}. It starts when the API server
 * has accepted that change (the patch's answer) and ends when the operator's status patch that
 * records the roll as finished arrives (a watch) and the cluster is healthy. Pods count as
 * restarting until the kubelet reports them Ready in the API ({@link ReportedReadiness}).
 */
final class OperatorWay {
  static final String ROOT = "/bench-operator";

  private OperatorWay() {}

  /** What to do with a running operator and its ready cluster. */
  interface Body<T> {
    T run(KubernetesClient client, SimulatedOpenMLDB sim, SimulatedCluster cluster,
        ReportedReadiness readiness, ReplaceableOperator operator) throws Exception;
  }

  /**
   * How long a newly started operator runs before its roll: it has synced its informers, made
   * its first reconcile and primed its nameserver connection, as one that was started a while
   * before a version change has.
   */
  static final Duration FRESH_OPERATOR_SETTLE = Duration.ofSeconds(3);

  static WayResult run(BenchOptions o, String zkConnect) throws Exception {
    return withOperator(o, zkConnect, ROOT, (client, sim, cluster, readiness, operator) -> {
      BenchWorld.createTables(cluster, o);
      List<String> podNames = DirectCluster.podNames(o);
      BenchWorld.Upgrade upgrade = (sampler, version) -> {
        try (RollDoneWatch done = RollDoneWatch.start(client, version, OperatorWay::trace)) {
          bump(client, version);
          sampler.markRollStart();
          done.await(BenchWorld.LIMIT);
        }
      };
      Predicate<String> allOn = version -> podNames.stream().allMatch(
          p -> sim.version(BenchWorld.NAMESPACE, p).map(version::equals).orElse(false));
      WayResult result = BenchWorld.measure(Way.OPERATOR, o, cluster, sim, readiness::ready,
          podNames, upgrade, allOn);
      if (!o.freshOperatorRoll()) {
        return result;
      }
      operator.replaceWithFresh();
      Thread.sleep(FRESH_OPERATOR_SETTLE.toMillis());
      return result.withFreshOperatorRoll(BenchWorld.measureRoll(Way.OPERATOR, o, cluster, sim,
          readiness::ready, podNames, upgrade, allOn, BenchWorld.FRESH_OPERATOR_VERSION));
    });
  }

  static void bump(KubernetesClient client, String version) {
    client.resources(OpenMLDBCluster.class).inNamespace(BenchWorld.NAMESPACE)
        .withName(BenchWorld.CLUSTER).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\": {\"version\": \"" + version + "\"}}");
  }

  /** Starts the world and the operator, creates the cluster resource, runs {@code body}. */
  static <T> T withOperator(BenchOptions o, String zkConnect, String root, Body<T> body)
      throws Exception {
    Duration podStart = Duration.ofMillis(o.podStartMs());
    ReportedReadiness readiness = new ReportedReadiness();
    try (SandboxKubernetes kube = SandboxKubernetes.start(0, BenchWorld.NAMESPACE);
        SimulatedOpenMLDB sim = new SimulatedOpenMLDB(BenchWorld.simSettings(o));
        StatefulSetSimulator statefulSets = new StatefulSetSimulator(kube.client(), sim,
            SimulatorSettings.defaults().withPodStartDelay(podStart)
                .withPollInterval(Duration.ofMillis(10)), readiness).start();
        OpenMLDBConnections connections = newConnections();
        KubernetesClient client = kube.newClient()) {
      try (ReplaceableOperator operator = ReplaceableOperator.start(
          newOperator(client, o.stepPollMs(), connections), kube.url(), o.stepPollMs())) {
        createResource(client, o, zkConnect, root);
        SimulatedCluster cluster = sim.cluster(zkConnect, root);
        int podCount = o.nameservers() + o.tablets();
        ClusterProbe.await("operator-created pods ready", Duration.ofSeconds(180), 100,
            () -> {
              List<Pod> pods = pods(client);
              return pods.size() == podCount && pods.stream().allMatch(Pods::isReady)
                  && cluster.nameserverLeader().isPresent()
                  && Phase.RUNNING.equals(status(client).getPhase());
            });
        return body.run(client, sim, cluster, readiness, operator);
      }
    }
  }

  /** The operator's connections to OpenMLDB clusters, as the bench runs it. */
  static OpenMLDBConnections newConnections() {
    return new OpenMLDBConnections(Duration.ofSeconds(10), Duration.ofSeconds(10), null);
  }

  /** The operator as the bench runs it (not started): the mock API's settings. */
  static Operator newOperator(KubernetesClient client, long stepPollMs,
      OpenMLDBConnections connections) {
    return OperatorFactory.create(client,
        OperatorConfig.forMockApi().withStepPollInterval(Duration.ofMillis(stepPollMs)),
        new SimpleMeterRegistry(), connections);
  }

  /**
   * The operator of a bench cluster: started in this JVM's class loader, or replaced by a newly
   * started one in a class loader of its own ({@link FreshOperator}).
   */
  static final class ReplaceableOperator implements AutoCloseable {
    private final Operator inProcess;
    private final String apiUrl;
    private final long stepPollMs;
    private AutoCloseable fresh;

    private ReplaceableOperator(Operator inProcess, String apiUrl, long stepPollMs) {
      this.inProcess = inProcess;
      this.apiUrl = apiUrl;
      this.stepPollMs = stepPollMs;
    }

    static ReplaceableOperator start(Operator inProcess, String apiUrl, long stepPollMs) {
      inProcess.start();
      return new ReplaceableOperator(inProcess, apiUrl, stepPollMs);
    }

    /** Stops this JVM's operator and starts a new one, whose code has never run. */
    void replaceWithFresh() throws Exception {
      inProcess.stop();
      fresh = FreshOperator.start(apiUrl, BenchWorld.NAMESPACE, stepPollMs);
    }

    @Override
    public void close() throws Exception {
      if (fresh != null) {
        fresh.close();
      } else {
        inProcess.stop();
      }
    }
  }

  private static void createResource(KubernetesClient client, BenchOptions o, String zkConnect,
      String root) {
    OpenMLDBCluster resource = new OpenMLDBCluster();
    resource.setMetadata(new ObjectMetaBuilder().withName(BenchWorld.CLUSTER)
        .withNamespace(BenchWorld.NAMESPACE).withAnnotations(new LinkedHashMap<>()).build());
    OpenMLDBClusterSpec spec = new OpenMLDBClusterSpec();
    spec.setVersion(BenchWorld.FROM);
    ZooKeeperSpec zk = new ZooKeeperSpec();
    zk.setCluster(zkConnect);
    zk.setRootPath(root);
    spec.setZookeeper(zk);
    ComponentSpec nameserver = new ComponentSpec(o.nameservers());
    nameserver.getFlags().put("auto_failover", "true");
    spec.setNameserver(nameserver);
    spec.setTablet(new TabletSpec(o.tablets()));
    spec.setApiserver(new ComponentSpec(0));
    spec.setTaskmanager(new ComponentSpec(0));
    UpgradeSpec upgrade = new UpgradeSpec();
    upgrade.setMaxConcurrentLeaderMoves(o.maxConcurrentLeaderMoves());
    spec.setUpgrade(upgrade);
    resource.setSpec(spec);
    client.resources(OpenMLDBCluster.class).resource(resource).create();
  }

  private static String lastTrace;
  static final long T0 = System.nanoTime();

  static synchronized void trace(UpgradeStatus u) {
    if (!Boolean.getBoolean("openmldb.bench.trace") || u == null) {
      return;
    }
    String now = u.getPod() + " " + u.getStep() + " " + u.getMessage();
    if (!now.equals(lastTrace)) {
      lastTrace = now;
      System.err.printf("%8.3f %s%n", (System.nanoTime() - T0) / 1e9, now);
    }
  }

  static OpenMLDBClusterStatus status(KubernetesClient client) {
    OpenMLDBCluster c = client.resources(OpenMLDBCluster.class).inNamespace(BenchWorld.NAMESPACE)
        .withName(BenchWorld.CLUSTER).get();
    return c == null || c.getStatus() == null ? new OpenMLDBClusterStatus() : c.getStatus();
  }

  private static List<Pod> pods(KubernetesClient client) {
    return client.pods().inNamespace(BenchWorld.NAMESPACE).list().getItems();
  }
}
