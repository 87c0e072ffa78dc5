package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import ai.openmldb.operator.testing.Fixtures;
import ai.openmldb.operator.upgrade.ClusterObservation;
import ai.openmldb.operator.upgrade.UpgradeIntent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading ahead while the StatefulSets of a version change are written. */
class RollingUpgradeObserverTest {

  @Test
  void aPassAfterReadingAheadUsesWhatWasReadWhileNothingChangedAndReadsAgainAfterAChange()
      throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start();
        SimulatedOpenMLDB sim = new SimulatedOpenMLDB(SimulatedOpenMLDB.Settings.defaults());
        OpenMLDBConnections connections =
            new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(5), null)) {
      SimulatedCluster world = sim.launch("ns", "demo", zk.connectString(), "/ahead", "0.8.5",
          1, 2, false);
      world.createTable("db", "t", 4, 2);
      ClusterConnection conn = connections.connect(zk.connectString(), "/ahead");
      await().atMost(Duration.ofSeconds(10)).until(() -> conn.connected()
          && conn.view().nameserverLeader().isPresent() && conn.view().liveTablets().size() == 2);
      OpenMLDBCluster cluster = Fixtures.sample("minimal", "ns");
      RollingUpgradeObserver observer = new RollingUpgradeObserver();
      conn.ledger("ns", "minimal").putEntries("tablet-0", List.of());

      observer.prefetch(cluster, conn);
      long ops = conn.ops().showOpStatusReads();
      long tables = conn.tables().showTableReads();
      assertThat(ops).isPositive();
      assertThat(tables).isPositive();

      ClusterObservation first = observe(observer, cluster, conn);
      // the pass found the ops and the tables read ahead: no ShowOPStatus, no ShowTable
      assertThat(conn.ops().showOpStatusReads()).isEqualTo(ops);
      assertThat(conn.tables().showTableReads()).isEqualTo(tables);
      assertThat(first.openmldb()).isPresent();
      assertThat(first.openmldb().get().tables()).extracting(t -> t.name()).containsExactly("t");

      // a table created after reading ahead: the next pass reads the tables again and sees it
      world.createTable("db", "u", 2, 2);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
          observe(observer, cluster, conn).openmldb().get().tables())
          .extracting(t -> t.name()).containsExactlyInAnyOrder("t", "u"));
      assertThat(conn.tables().showTableReads()).isGreaterThan(tables);
    }
  }

  private static ClusterObservation observe(RollingUpgradeObserver observer,
      OpenMLDBCluster cluster, ClusterConnection conn) {
    return observer.observe(OpenMLDBClusterReconciler.observe(cluster, List.of(), List.of(), null),
        conn, UpgradeIntent.none(), Instant.now());
  }
}
