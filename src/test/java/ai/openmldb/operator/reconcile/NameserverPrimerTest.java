package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import ai.openmldb.operator.sandbox.RpcCall;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** While nothing rolls, a connection's nameserver is reached once, never again. */
class NameserverPrimerTest {

  @Test
  void aConnectionIsPrimedWithOneConfGetAndOneShowOpStatusOnlyOnce() throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start();
        SimulatedOpenMLDB sim = new SimulatedOpenMLDB(SimulatedOpenMLDB.Settings.defaults());
        OpenMLDBConnections connections =
            new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(5), null)) {
      SimulatedCluster cluster = sim.launch("ns", "demo", zk.connectString(), "/primer", "0.8.5",
          1, 2, false);
      ClusterConnection conn = connections.connect(zk.connectString(), "/primer");
      NameserverPrimer primer = new NameserverPrimer();
      primer.prime(null); // no connection (credential unreadable): nothing to do
      // a root where no nameserver leads (yet): nothing to reach, tried again later
      ClusterConnection empty = connections.connect(zk.connectString(), "/no-cluster-here");
      await().atMost(Duration.ofSeconds(10)).until(empty::connected);
      primer.prime(empty);
      assertThat(primer.primed(empty)).isFalse();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> conn.connected() && conn.view().nameserverLeader().isPresent());
      int before = cluster.calls().size();

      primer.prime(conn);
      primer.prime(conn);
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.calls().size() >= before + 2);
      primer.prime(conn);

      assertThat(primer.primed(conn)).isTrue();
      List<String> methods = cluster.calls().subList(before, cluster.calls().size()).stream()
          .map(RpcCall::method).toList();
      assertThat(methods).containsExactly("ConfGet", "ShowOPStatus");
    }
  }
}
