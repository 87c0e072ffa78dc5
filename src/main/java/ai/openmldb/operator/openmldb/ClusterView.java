package ai.openmldb.operator.openmldb;

import java.util.Optional;
import java.util.Set;

/**
 * What ZooKeeper says about one OpenMLDB cluster (under its {@code zk_root_path}), kept current
 * by Curator caches rather than polling: the nameserver leader, the live tablets, name mapping.
 */
public final class ClusterView {
  // API skeleton agreed between the parts; the implementation lands with the simulated world.

  /** Name of the nameserver holding the leader lock (first {@code leader/lock_request*} child). */
  public Optional<String> nameserverLeader() {
    throw new UnsupportedOperationException("not implemented");
  }

  /** Names registered under {@code <root>/nodes}: the live tablets. */
  public Set<String> liveTablets() {
    throw new UnsupportedOperationException("not implemented");
  }

  /** Real {@code host:port} of a server name via {@code <root>/map/names}, else the name. */
  public String resolve(String name) {
    throw new UnsupportedOperationException("not implemented");
  }
}
