package ai.openmldb.operator.openmldb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ClusterView reads OpenMLDB's own znodes, written here the way OpenMLDB's servers write them. */
class ClusterViewTest {
  private static EmbeddedZooKeeper zk;
  private static CuratorFramework curator;

  @BeforeAll
  static void start() throws Exception {
    zk = EmbeddedZooKeeper.start();
    curator = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100));
    curator.start();
    curator.blockUntilConnected();
  }

  @AfterAll
  static void stop() {
    curator.close();
    zk.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void followsLockOrderTabletRegistrationsAndNames() throws Exception {
    String root = "/view1";
    AtomicInteger changes = new AtomicInteger();
    try (ClusterView view = new ClusterView(curator, root + "/")) {
      view.addListener(changes::incrementAndGet);
      view.start();
      await().until(view::initialized);
      assertThat(view.nameserverLeader()).isEmpty();
      assertThat(view.liveTablets()).isEmpty();

      String first = curator.create().creatingParentsIfNeeded()
          .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
          .forPath(root + "/leader/lock_request", bytes("ns-0:7527"));
      curator.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
          .forPath(root + "/leader/lock_request", bytes("ns-1:7527"));
      curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
          .forPath(root + "/nodes/tablet-0:10921", bytes("startup_tablet-0:10921"));
      curator.create().withMode(CreateMode.EPHEMERAL)
          .forPath(root + "/nodes/tablet-1:10921", bytes("tablet-1:10921"));
      curator.create().creatingParentsIfNeeded()
          .forPath(root + "/map/names/ns-1:7527", bytes("10.0.0.7:7527"));

      await().until(() -> view.nameservers().size() == 2 && view.liveTablets().size() == 2
          && !view.resolve("ns-1:7527").equals("ns-1:7527"));
      assertThat(view.nameserverLeader()).contains("ns-0:7527");
      assertThat(view.nameservers()).containsExactly("ns-0:7527", "ns-1:7527");
      assertThat(view.readNameserverLeader()).contains("ns-0:7527");
      assertThat(view.registeredAfterStartup("tablet-0:10921")).isTrue();
      assertThat(view.registeredAfterStartup("tablet-1:10921")).isFalse();
      assertThat(view.resolve("ns-1:7527")).isEqualTo("10.0.0.7:7527");
      assertThat(view.resolve("unknown:1")).isEqualTo("unknown:1");
      long id = view.registrationId("tablet-0:10921").orElseThrow();

      // the leader's lock node goes away: the next in order leads
      curator.delete().forPath(first);
      await().until(() -> view.nameserverLeader().orElse("").equals("ns-1:7527"));
      // a tablet re-registers: a new registration id
      curator.delete().forPath(root + "/nodes/tablet-0:10921");
      await().until(() -> !view.liveTablets().contains("tablet-0:10921"));
      curator.create().withMode(CreateMode.EPHEMERAL)
          .forPath(root + "/nodes/tablet-0:10921", bytes("tablet-0:10921"));
      await().until(() -> view.liveTablets().contains("tablet-0:10921"));
      assertThat(view.registrationId("tablet-0:10921").orElseThrow()).isNotEqualTo(id);
      assertThat(changes.get()).isGreaterThan(5);
    }
  }

  @Test
  void readsTheLeaderDirectlyWhenTheCacheIsNotStarted() throws Exception {
    String root = "/view2";
    curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath(root + "/leader/lock_request", bytes("ns-9:7527"));
    try (ClusterView view = new ClusterView(curator, root)) {
      assertThat(view.nameserverLeader()).isEmpty();
      assertThat(view.readNameserverLeader()).contains("ns-9:7527");
    }
    try (ClusterView view = new ClusterView(curator, "/absent")) {
      assertThat(view.readNameserverLeader()).isEmpty();
    }
  }
}
