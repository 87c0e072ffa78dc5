package ai.openmldb.operator.bench;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated cluster whose pods the benchmark restarts itself, as a StatefulSet controller and
 * kubelet would: the process stops (its ZooKeeper session closes), the replacement starts after
 * the pod start delay with the new image, and is ready once it serves and is registered. Used by
 * the naive and serial ways; the operator way gets the same delay from the kubelet simulator.
 */
final class DirectCluster implements AutoCloseable {
  private final BenchOptions options;
  private final String zkConnect;
  private final String root;
  private final SimulatedOpenMLDB runtime;
  private final SimulatedCluster cluster;

  private DirectCluster(BenchOptions options, String zkConnect, String root,
      SimulatedOpenMLDB runtime, SimulatedCluster cluster) {
    this.options = options;
    this.zkConnect = zkConnect;
    this.root = root;
    this.runtime = runtime;
    this.cluster = cluster;
  }

  /** Starts nameservers and tablets on {@link BenchWorld#FROM} with auto-failover on. */
  static DirectCluster launch(BenchOptions o, String zkConnect, String root) {
    SimulatedOpenMLDB runtime = new SimulatedOpenMLDB(BenchWorld.simSettings(o));
    SimulatedCluster cluster = runtime.launch(BenchWorld.NAMESPACE, BenchWorld.CLUSTER, zkConnect,
        root, BenchWorld.FROM, o.nameservers(), o.tablets(), true);
    return new DirectCluster(o, zkConnect, root, runtime, cluster);
  }

  SimulatedCluster cluster() {
    return cluster;
  }

  SimulatedOpenMLDB runtime() {
    return runtime;
  }

  String zkConnect() {
    return zkConnect;
  }

  String root() {
    return root;
  }

  static String podName(Component c, int ordinal) {
    return BenchWorld.CLUSTER + "-" + c.id() + "-" + ordinal;
  }

  static String endpoint(Component c, int ordinal) {
    return SimulatedOpenMLDB.endpoint(BenchWorld.NAMESPACE, BenchWorld.CLUSTER, c, ordinal);
  }

  List<String> podNames() {
    return podNames(options);
  }

  /** The nameserver and tablet pods of a cluster of the benchmark's shape. */
  static List<String> podNames(BenchOptions options) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < options.nameservers(); i++) {
      out.add(podName(Component.NAMESERVER, i));
    }
    for (int i = 0; i < options.tablets(); i++) {
      out.add(podName(Component.TABLET, i));
    }
    return out;
  }

  boolean ready(Component c, int ordinal) {
    return runtime.ready(BenchWorld.NAMESPACE, podName(c, ordinal));
  }

  /** Deletes the pod and waits until its replacement, on {@code version}, is ready. */
  void restart(Component c, int ordinal, String version) throws InterruptedException {
    runtime.stop(BenchWorld.NAMESPACE, podName(c, ordinal));
    Thread.sleep(options.podStartMs());
    runtime.start(SimulatedOpenMLDB.podSpec(BenchWorld.NAMESPACE, BenchWorld.CLUSTER, c, ordinal,
        version, zkConnect, root, true));
    ClusterProbe.await(podName(c, ordinal) + " ready", Duration.ofSeconds(60),
        () -> ready(c, ordinal));
  }

  /** True when every pod runs {@code version}. */
  boolean allOn(String version) {
    return podNames().stream().allMatch(
        p -> runtime.version(BenchWorld.NAMESPACE, p).map(version::equals).orElse(false));
  }

  @Override
  public void close() {
    runtime.close();
  }
}
