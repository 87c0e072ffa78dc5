package ai.openmldb.operator.openmldb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.config.OperatorConfigLoader;
import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;

class OpenMLDBConnectionsTest {

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void connectNeverBlocksOnAnUnreachableZooKeeperAndReportsIt() throws Exception {
    String nobody = "127.0.0.1:" + freePort();
    try (OpenMLDBConnections connections =
        new OpenMLDBConnections(Duration.ofMillis(300), Duration.ofSeconds(1), null)) {
      long t0 = System.nanoTime();
      ClusterConnection c = connections.connect(nobody, "/openmldb");
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(tookMs).as("connect() returns at once").isLessThan(1_000);
      assertThat(c.state()).isIn(ClusterConnection.State.CONNECTING,
          ClusterConnection.State.UNREACHABLE);
      // nothing that needs ZooKeeper blocks either: they fail fast with typed errors
      assertThatThrownBy(() -> c.ledger("ns", "demo").entries("t"))
          .isInstanceOf(ZooKeeperUnavailableException.class);
      assertThatThrownBy(() -> c.nameserver().showTablets())
          .isInstanceOf(NameserverUnavailableException.class)
          .hasMessageContaining("no nameserver leader");
      await().atMost(Duration.ofSeconds(5))
          .until(() -> c.state() == ClusterConnection.State.UNREACHABLE);
      assertThat(c.stateMessage()).contains("cannot reach ZooKeeper " + nobody);
      assertThat(connections.connect(nobody, "/openmldb/")).isSameAs(c);
    }
  }

  @Test
  void aConnectionNoReconcileAskedForWithinTheIdleLimitIsClosed() {
    AtomicLong now = new AtomicLong();
    Duration limit = Duration.ofMinutes(10);
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start();
        OpenMLDBConnections connections = new OpenMLDBConnections(Duration.ofSeconds(5),
            Duration.ofSeconds(1), null, Clock.systemUTC(), limit, now::get)) {
      ClusterConnection deleted = connections.connect(zk.connectString(), "/deleted");
      ClusterConnection live = connections.connect(zk.connectString(), "/live");
      await().atMost(Duration.ofSeconds(10)).until(() -> deleted.connected() && live.connected());

      now.addAndGet(Duration.ofMinutes(6).toNanos());
      assertThat(connections.connect(zk.connectString(), "/live")).isSameAs(live); // reconciled
      now.addAndGet(Duration.ofMinutes(6).toNanos());
      connections.closeIdle(limit);

      // the cluster whose resource went away: 12 minutes without a reconcile
      assertThat(connections.open()).containsExactly(live);
      await().atMost(Duration.ofSeconds(5))
          .until(() -> deleted.state() == ClusterConnection.State.CLOSED);
      assertThat(live.connected()).isTrue();
      // asked for again (the same cluster back), it is opened anew
      ClusterConnection again = connections.connect(zk.connectString(), "/deleted");
      assertThat(again).isNotSameAs(deleted);
      await().atMost(Duration.ofSeconds(10)).until(again::connected);
    }
  }

  @Test
  void theIdleLimitIsFiveReconcileIntervalsAndAtLeastTenMinutes() {
    assertThat(OpenMLDBConnections.idleLimit(OperatorConfig.defaults()))
        .isEqualTo(Duration.ofMinutes(10));
    OperatorConfig slow = OperatorConfigLoader.load(Optional.empty(),
        java.util.Map.of(OperatorConfigLoader.envName("reconcile-interval"), "5m"));
    assertThat(OpenMLDBConnections.idleLimit(slow)).isEqualTo(Duration.ofMinutes(25));
  }

  @Test
  void cachesOneConnectionPerZooKeeperAndRootAndRecoversWhenZooKeeperComesBack() {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start();
        OpenMLDBConnections connections =
            new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(1), "sdefault")) {
      ClusterConnection a = connections.connect(zk.connectString(), "/a");
      await().atMost(Duration.ofSeconds(10)).until(a::connected);
      assertThat(a.stateMessage()).startsWith("connected to ZooKeeper");
      assertThat(connections.connect(zk.connectString(), "/a")).isSameAs(a);
      ClusterConnection b = connections.connect(zk.connectString(), "/b");
      assertThat(b).isNotSameAs(a);
      // a different credential replaces the cached connection
      ClusterConnection a2 =
          connections.connect(zk.connectString(), "/a", 10_000, Optional.of("op:secret"));
      assertThat(a2).isNotSameAs(a);
      await().atMost(Duration.ofSeconds(10)).until(a2::connected);
      a2.ledger("ns", "demo").putEntries("t0",
          List.of(new LedgerEntry("t0", "db", "t", 1, 0, "", "")));
      assertThat(a2.stateMessage()).doesNotContain("secret");

      zk.stopServer();
      await().atMost(Duration.ofSeconds(10)).until(() -> !a2.connected());
      assertThat(a2.state()).isEqualTo(ClusterConnection.State.UNREACHABLE);
      zk.restart();
      await().atMost(Duration.ofSeconds(20)).until(a2::connected);
      assertThat(a2.ledger("ns", "demo").entries("t0")).hasSize(1);
      connections.disconnect(zk.connectString(), "/b");
      await().until(() -> b.state() == ClusterConnection.State.CLOSED);
    }
  }

  /**
   * A ZooKeeper session expiry (a long pause, a partition longer than the session timeout): the
   * connection reports it, goes on with a new session, and its view follows changes made after
   * it (the caches' watches were set again on the new session), its ledger still reads and writes.
   */
  @Test
  void aSessionExpiryIsReportedAndTheViewAndLedgerGoOnWithANewSession() throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start();
        OpenMLDBConnections connections =
            new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(1), null);
        CuratorFramework other = CuratorFrameworkFactory.newClient(zk.connectString(),
            new RetryOneTime(100))) {
      other.start();
      other.create().creatingParentsIfNeeded().forPath("/c/nodes/tablet-a", "tablet-a".getBytes());
      other.create().creatingParentsIfNeeded()
          .forPath("/c/leader/lock_request0000000001", "ns-0".getBytes());
      other.create().creatingParentsIfNeeded().forPath("/c/map/names");
      ClusterConnection c = connections.connect(zk.connectString(), "/c");
      await().atMost(Duration.ofSeconds(10)).until(c::connected);
      assertThat(c.view().liveTablets()).containsExactly("tablet-a");
      c.ledger("ns", "demo").recordOriginalAutoFailover(true);
      long before = c.curator().getZookeeperClient().getZooKeeper().getSessionId();
      List<String> states = new java.util.concurrent.CopyOnWriteArrayList<>();
      c.curator().getConnectionStateListenable().addListener((cf, st) -> states.add(st.name()));

      c.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

      await().atMost(Duration.ofSeconds(10)).until(() -> states.contains("LOST"));
      await().atMost(Duration.ofSeconds(10)).until(() -> c.connected()
          && c.curator().getZookeeperClient().getZooKeeper().getSessionId() != before);
      // changes after the expiry reach the view: its watches live on the new session
      other.create().forPath("/c/nodes/tablet-b", "tablet-b".getBytes());
      other.delete().forPath("/c/nodes/tablet-a");
      other.create().forPath("/c/leader/lock_request0000000000", "ns-1".getBytes());
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(c.view().liveTablets()).containsExactly("tablet-b");
        assertThat(c.view().nameserverLeader()).contains("ns-1");
      });
      assertThat(c.ledger("ns", "demo").originalAutoFailover()).contains(true);
      c.ledger("ns", "demo").putEntries("t0",
          List.of(new LedgerEntry("t0", "db", "t", 1, 0, "", "")));
      assertThat(c.ledger("ns", "demo").entries("t0")).hasSize(1);
    }
  }
}
