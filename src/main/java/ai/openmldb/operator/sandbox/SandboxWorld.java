package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.reconcile.OperatorFactory;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.ZooKeeper;

/**
 * Everything the sandbox runs in one JVM: a real ZooKeeper, the Kubernetes API, the
 * StatefulSet/kubelet simulator driving the simulated OpenMLDB processes, and the real operator
 * (which can be stopped and replaced by a new instance, as a crashed operator pod would be).
 */
public final class SandboxWorld implements AutoCloseable {
  private final EmbeddedZooKeeper zookeeper;
  private final SandboxKubernetes kubernetes;
  private final SimulatedOpenMLDB openmldb;
  private final StatefulSetSimulator statefulSets;
  private final OperatorConfig operatorConfig;
  private Operator operator;
  private OpenMLDBConnections connections;
  private int operatorStarts;

  private SandboxWorld(EmbeddedZooKeeper zookeeper, SandboxKubernetes kubernetes,
      SimulatedOpenMLDB openmldb, StatefulSetSimulator statefulSets, OperatorConfig config) {
    this.zookeeper = zookeeper;
    this.kubernetes = kubernetes;
    this.openmldb = openmldb;
    this.statefulSets = statefulSets;
    this.operatorConfig = config;
  }

  /** Starts ZooKeeper, the API server and the simulators (not the operator). */
  public static SandboxWorld start(SandboxOptions options, SandboxPrinter printer) {
    EmbeddedZooKeeper zk = options.chaosZkMemberLoss()
        ? EmbeddedZooKeeper.startEnsemble(3) : EmbeddedZooKeeper.start();
    printer.line("ZooKeeper %s%s", zk.connectString(), zk.isEnsemble() ? " (3 members)" : "");
    SandboxKubernetes kube = null;
    SimulatedOpenMLDB sim = null;
    try {
      kube = SandboxKubernetes.start(options.port(), options.namespace());
      printer.line("Kubernetes API %s (CRD %s, namespace %s)", kube.url(),
          SandboxKubernetes.crdName(), options.namespace());
      sim = new SimulatedOpenMLDB(SimulatedOpenMLDB.Settings.defaults()
          .withOpLatency(Duration.ofMillis(options.opMs()))
          .withTaskConcurrency(options.nsTaskConcurrency()));
      StatefulSetSimulator sts = new StatefulSetSimulator(kube.client(), sim,
          SimulatorSettings.defaults().withPodStartDelay(Duration.ofMillis(options.podStartMs())),
          printer::podEvent).start();
      printer.line("StatefulSet controller and kubelet simulator (pod start %d ms) driving the"
          + " simulated OpenMLDB (op %d ms, %d op queues, ShowTable offsets refreshed every %d ms"
          + " as OpenMLDB's get_table_status_interval)", options.podStartMs(), options.opMs(),
          options.nsTaskConcurrency(),
          SimulatedOpenMLDB.Settings.TABLE_STATUS_INTERVAL.toMillis());
      return new SandboxWorld(zk, kube, sim, sts, OperatorConfig.forMockApi());
    } catch (RuntimeException e) {
      if (sim != null) {
        sim.close();
      }
      if (kube != null) {
        kube.close();
      }
      zk.close();
      throw e;
    }
  }

  /** Builds and starts a new operator instance (with its own OpenMLDB connections). */
  public synchronized void startOperator() {
    if (operator != null) {
      throw new IllegalStateException("operator already running");
    }
    connections = new OpenMLDBConnections(operatorConfig);
    // The production operator with the rolling upgrade, as OperatorCommand builds it
    operator = OperatorFactory.create(kubernetes.client(), operatorConfig,
        new SimpleMeterRegistry(), connections);
    operator.start();
    operatorStarts++;
  }

  /** Stops the operator as a crash would: nothing is finished or cleaned up first. */
  public synchronized void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
    if (connections != null) {
      connections.close();
      connections = null;
    }
  }

  /**
   * Expires the ZooKeeper session of every cluster connection of the running operator, as a long
   * pause or a network partition longer than the session timeout would (the client sees
   * {@code Expired}; Curator opens a new session). Returns the ids of the expired sessions.
   */
  public synchronized List<Long> expireOperatorZooKeeperSessions() {
    List<Long> expired = new ArrayList<>();
    if (connections == null) {
      return expired;
    }
    for (ClusterConnection c : connections.open()) {
      try {
        ZooKeeper zk = c.curator().getZookeeperClient().getZooKeeper();
        expired.add(zk.getSessionId());
        zk.getTestable().injectSessionExpiration();
      } catch (Exception e) {
        throw new IllegalStateException("cannot expire the session of " + c.connectString(), e);
      }
    }
    return expired;
  }

  /** Ids of the operator's current ZooKeeper sessions (0 while one is being opened). */
  public synchronized List<Long> operatorZooKeeperSessions() {
    List<Long> ids = new ArrayList<>();
    if (connections != null) {
      for (ClusterConnection c : connections.open()) {
        try {
          ids.add(c.curator().getZookeeperClient().getZooKeeper().getSessionId());
        } catch (Exception e) {
          ids.add(0L);
        }
      }
    }
    return ids;
  }

  /** How many operator instances were started. */
  public synchronized int operatorStarts() {
    return operatorStarts;
  }

  public EmbeddedZooKeeper zookeeper() {
    return zookeeper;
  }

  public SandboxKubernetes kubernetes() {
    return kubernetes;
  }

  public SimulatedOpenMLDB openmldb() {
    return openmldb;
  }

  public StatefulSetSimulator statefulSets() {
    return statefulSets;
  }

  @Override
  public void close() {
    stopOperator();
    statefulSets.close();
    openmldb.close();
    kubernetes.close();
    zookeeper.close();
  }
}
