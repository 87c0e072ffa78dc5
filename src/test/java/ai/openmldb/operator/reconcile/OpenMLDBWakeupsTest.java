package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/**
 * The wake-ups follow OpenMLDB's op znodes in a real ZooKeeper, written the way the nameserver
 * writes them (op_data/&lt;id&gt; created when queued, deleted when the op ends), and reach the
 * reconciler through the JOSDK event source.
 */
class OpenMLDBWakeupsTest {

  @Test
  void anOpQueuedOrEndedWakesTheRollingClusterAndNothingWakesAfterUnwatch() throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start();
        OpenMLDBConnections connections =
            new OpenMLDBConnections(Duration.ofSeconds(10), Duration.ofSeconds(5), null)) {
      ClusterConnection conn = connections.connect(zk.connectString(), "/wake");
      await().atMost(Duration.ofSeconds(30)).until(conn::connected);
      OpenMLDBWakeups wakeups = new OpenMLDBWakeups();
      List<ResourceID> woken = new CopyOnWriteArrayList<>();
      AbstractEventSource<?, ?> source = (AbstractEventSource<?, ?>) wakeups.source();
      source.setEventHandler(e -> woken.add(e.getRelatedCustomResourceID()));
      source.start();
      ResourceID demo = new ResourceID("demo", "ns");

      wakeups.watch("ns/demo", demo, conn, Duration.ZERO);
      String op = conn.curator().create().creatingParentsIfNeeded()
          .forPath("/wake/op/op_data/7", "7 kChangeLeaderOP".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(10)).until(() -> woken.contains(demo));

      woken.clear();
      wakeups.watch("ns/demo", demo, conn, Duration.ZERO);
      conn.curator().delete().forPath(op);
      await().atMost(Duration.ofSeconds(10)).until(() -> woken.contains(demo));

      // a tablet registering wakes it too
      woken.clear();
      conn.curator().create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
          .forPath("/wake/nodes/tablet-0:10921", "startup_tablet-0:10921".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(10)).until(() -> woken.contains(demo));

      wakeups.unwatch("ns/demo");
      assertThat(wakeups.watching("ns/demo")).isFalse();
      woken.clear();
      conn.curator().create().forPath("/wake/op/op_data/8");
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
          .until(woken::isEmpty);
    }
  }
}
