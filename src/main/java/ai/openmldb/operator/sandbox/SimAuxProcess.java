package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.Component;
import java.nio.charset.StandardCharsets;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * A simulated apiserver or taskmanager. The apiserver registers nothing; the taskmanager takes
 * {@code <root>/taskmanager/leader} (ephemeral, value = its endpoint) when it is free. Neither
 * serves RPCs in the simulator.
 */
final class SimAuxProcess extends SimProcess {
  private volatile boolean ready;

  SimAuxProcess(SimulatedOpenMLDB runtime, SimulatedCluster cluster, PodProcessSpecView spec,
      String endpoint) {
    super(runtime, cluster, spec, endpoint);
  }

  @Override
  void boot() throws Exception {
    if (spec.component() == Component.TASKMANAGER) {
      try {
        zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
            .forPath(cluster.root + "/taskmanager/leader",
                endpoint.getBytes(StandardCharsets.UTF_8));
      } catch (KeeperException.NodeExistsException standby) {
        // another taskmanager is active; this one stands by
      }
    }
    ready = true;
  }

  @Override
  boolean ready() {
    return ready && !stopped;
  }

  @Override
  void shutdown() {
    ready = false;
  }
}
