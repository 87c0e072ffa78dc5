package ai.openmldb.operator.openmldb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import ai.openmldb.operator.sandbox.RpcCall;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tables a pass of the roll reads, against the simulated cluster over real ZooKeeper and
 * HTTP, with the nameserver's offsets as stale as OpenMLDB's: refreshed from the tablets only
 * when it takes the lead and then every hour here (OpenMLDB: every 2 s).
 */
class ClusterTablesTest {
  private static final String NS = "tables-ns";
  private static final AtomicInteger ROOTS = new AtomicInteger();
  private static EmbeddedZooKeeper zk;

  private SimulatedOpenMLDB sim;
  private SimulatedCluster cluster;
  private OpenMLDBConnections connections;
  private ClusterConnection conn;
  private String tablet0;
  private String tablet1;

  @BeforeAll
  static void startZooKeeper() {
    zk = EmbeddedZooKeeper.start();
  }

  @AfterAll
  static void stopZooKeeper() {
    zk.close();
  }

  @BeforeEach
  void startCluster() {
    sim = new SimulatedOpenMLDB(SimulatedOpenMLDB.Settings.defaults()
        .withOpLatency(Duration.ofMillis(20))
        .withTableStatusInterval(Duration.ofHours(1)));
    String root = "/tables" + ROOTS.incrementAndGet();
    cluster = sim.launch(NS, "demo", zk.connectString(), root, "0.8.5", 1, 2, false);
    cluster.createTable("db", "t", 4, 2);
    tablet0 = SimulatedOpenMLDB.endpoint(NS, "demo", Component.TABLET, 0);
    tablet1 = SimulatedOpenMLDB.endpoint(NS, "demo", Component.TABLET, 1);
    connections = new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(5), null);
    conn = connections.connect(zk.connectString(), root);
    await().atMost(Duration.ofSeconds(10)).until(() -> conn.connected()
        && conn.view().nameserverLeader().isPresent()
        && conn.view().liveTablets().size() == 2);
  }

  @AfterEach
  void stop() {
    connections.close();
    sim.close();
  }

  private List<TableInfo> read() {
    return conn.tables().read(conn.nameserver().showOpStatus(), conn.view().liveTablets(), 1000);
  }

  private static ReplicaInfo replica(List<TableInfo> tables, int pid, String endpoint) {
    return tables.get(0).partition(pid).replicaOn(endpoint).orElseThrow();
  }

  private List<RpcCall> tabletCalls() {
    return cluster.calls().stream().filter(c -> c.method().equals("GetTableStatus")).toList();
  }

  @Test
  void aFencedLeadersFinalOffsetComesFromItsTabletNotFromShowTable() {
    cluster.setReplicationLag(Duration.ofHours(1)); // nothing reaches the follower
    for (int i = 0; i < 5; i++) {
      assertThat(cluster.write("db", "t", 0).acknowledged()).isTrue();
    }
    conn.nameserver().updateTableAliveStatus("db", "t", 0, tablet0, false);
    cluster.clearCalls();

    // the nameserver's offsets predate the writes: by them the follower "reached" the fenced
    // leader's final offset (0 >= 0) and a switch would lose the 5 writes
    List<TableInfo> shown = conn.nameserver().showTables();
    assertThat(replica(shown, 0, tablet0).offset()).isZero();
    assertThat(replica(shown, 0, tablet1).offset()).isZero();

    List<TableInfo> tables = read();
    assertThat(replica(tables, 0, tablet0).offset()).isEqualTo(5);
    assertThat(replica(tables, 0, tablet1).offset()).isZero();
    // one GetTableStatus {tid, pid} per replica of the fenced partition, nothing else
    assertThat(tabletCalls()).hasSize(2)
        .allMatch(c -> c.request().path("pid").asInt() == 0 && c.request().has("tid"));

    cluster.setReplicationLag(Duration.ZERO);
    assertThat(cluster.write("db", "t", 1).acknowledged()).isTrue(); // replication runs again
    await().atMost(Duration.ofSeconds(10))
        .until(() -> replica(read(), 0, tablet1).offset() == 5);
    assertThat(replica(conn.nameserver().showTables(), 0, tablet1).offset()).isZero();
  }

  @Test
  void aFollowerThatLooksBehindIsCheckedOnItsTablet() {
    for (int i = 0; i < 5; i++) {
      assertThat(cluster.write("db", "t", 2).acknowledged()).isTrue();
    }
    cluster.refreshTableStatus(); // shown: leader 5, follower 5
    cluster.setReplicationLag(Duration.ofHours(1));
    for (int i = 0; i < 20; i++) {
      assertThat(cluster.write("db", "t", 2).acknowledged()).isTrue();
    }
    cluster.refreshTableStatus(); // shown: leader 25, follower 5
    cluster.setReplicationLag(Duration.ZERO);
    assertThat(cluster.write("db", "t", 3).acknowledged()).isTrue(); // replication catches up
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.table("db", "t").orElseThrow()
        .partitions().get(2).replicas().stream().allMatch(r -> r.offset() == 25));
    cluster.clearCalls();

    List<TableInfo> tables = conn.tables().read(conn.nameserver().showOpStatus(),
        conn.view().liveTablets(), 10); // more than 10 behind by ShowTable: read live
    assertThat(replica(tables, 2, tablet0).offset()).isEqualTo(25);
    assertThat(replica(tables, 2, tablet1).offset()).isEqualTo(25);
    assertThat(tabletCalls()).hasSize(2).allMatch(c -> c.request().path("pid").asInt() == 2);
  }

  @Test
  void aPassOverHealthyCaughtUpPartitionsAsksNoTablet() {
    for (int i = 0; i < 5; i++) {
      cluster.write("db", "t", i % 4);
    }
    cluster.clearCalls();
    List<TableInfo> tables = read();
    assertThat(tables.get(0).partitions()).hasSize(4);
    assertThat(tabletCalls()).isEmpty();
  }

  @Test
  void theMetadataIsKeptUntilTheNameserverSaysItChangedOrThisConnectionChangedIt() {
    read();
    long reads = conn.tables().showTableReads();
    read();
    read();
    assertThat(conn.tables().showTableReads()).as("nothing changed: no ShowTable")
        .isEqualTo(reads);

    // this connection fences a leader: the next pass reads the metadata again and sees it
    conn.nameserver().updateTableAliveStatus("db", "t", 1, tablet1, false);
    assertThat(read().get(0).partition(1).servingLeader()).isEmpty();
    assertThat(conn.tables().showTableReads()).isEqualTo(reads + 1);

    // someone else lifts the fence: the nameserver bumps table/notify, the watch moves the
    // view's generation, and a pass reads the metadata again
    try (OpenMLDBConnections other =
        new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(5), null)) {
      ClusterConnection admin = other.connect(zk.connectString(), conn.rootPath());
      await().atMost(Duration.ofSeconds(10))
          .until(() -> admin.connected() && admin.view().nameserverLeader().isPresent());
      admin.nameserver().updateTableAliveStatus("db", "t", 1, tablet1, true);
    }
    // well within the 10 s after which kept metadata is read again anyway
    await().atMost(Duration.ofSeconds(5))
        .until(() -> read().get(0).partition(1).servingLeader().isPresent());
    long afterNotify = conn.tables().showTableReads();
    read();
    assertThat(conn.tables().showTableReads()).isEqualTo(afterNotify);
  }

  @Test
  void theOpsAreKeptUntilAnOpZnodeMovesOrThisConnectionCreatesOne() {
    conn.ops().read();
    long reads = conn.ops().showOpStatusReads();
    conn.ops().read();
    assertThat(conn.ops().showOpStatusReads()).isEqualTo(reads);

    // an op queued by someone else: its znode appears, the next pass reads the ops again
    cluster.setOpLatency(Duration.ofMillis(200));
    try (OpenMLDBConnections other =
        new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(5), null)) {
      ClusterConnection admin = other.connect(zk.connectString(), conn.rootPath());
      await().atMost(Duration.ofSeconds(10))
          .until(() -> admin.connected() && admin.view().nameserverLeader().isPresent());
      admin.nameserver().updateTableAliveStatus("db", "t", 3, tablet1, false);
      admin.nameserver().recoverTable("db", "t", 3, tablet1);
    }
    await().atMost(Duration.ofSeconds(5)) // well within the 10 s after which ops are re-read
        .until(() -> conn.ops().read().stream().anyMatch(o -> o.pid() == 3));
    // it ends: its znode goes, and the ops are read again
    await().atMost(Duration.ofSeconds(5))
        .until(() -> conn.ops().read().stream().allMatch(OpStatus::finished));

    // this connection creates an op: read again at once
    long before = conn.ops().showOpStatusReads();
    conn.nameserver().updateTableAliveStatus("db", "t", 2, tablet1, false);
    conn.nameserver().recoverTable("db", "t", 2, tablet1);
    assertThat(conn.ops().read()).anyMatch(o -> o.pid() == 2);
    assertThat(conn.ops().showOpStatusReads()).isEqualTo(before + 1);
  }

  /**
   * An op listed as unfinished whose node the watch does not show cannot announce its end: such
   * a list is not kept (a roll once waited 9 s, until the kept list expired, for an op like it).
   */
  @Test
  void opsListingAnUnfinishedOpWithoutItsNodeAreReadAgainAtTheNextPass() throws Exception {
    cluster.setOpLatency(Duration.ofSeconds(3));
    conn.nameserver().updateTableAliveStatus("db", "t", 3, tablet1, false);
    conn.nameserver().recoverTable("db", "t", 3, tablet1);
    await().atMost(Duration.ofSeconds(5)).until(() -> conn.ops().read().stream()
        .anyMatch(o -> o.pid() == 3 && !o.finished() && conn.view().hasOpNode(o.opId())));
    long opId = conn.ops().read().stream().filter(o -> o.pid() == 3).findFirst().orElseThrow()
        .opId();
    long kept = conn.ops().showOpStatusReads();
    conn.ops().read();
    assertThat(conn.ops().showOpStatusReads()).as("announced: kept").isEqualTo(kept);

    // its node goes while the nameserver still lists it as running
    try (CuratorFramework other = CuratorFrameworkFactory.newClient(zk.connectString(),
        new RetryOneTime(100))) {
      other.start();
      other.delete().forPath(conn.view().opsPath() + "/" + opId);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !conn.view().hasOpNode(opId));
    assertThat(conn.ops().read()).anyMatch(o -> o.opId() == opId && !o.finished());
    long reads = conn.ops().showOpStatusReads();
    conn.ops().read();
    assertThat(conn.ops().showOpStatusReads()).as("not kept: read again").isEqualTo(reads + 1);
  }

  @Test
  void anOpThatEndedMakesThePassReadTheMetadataItChanged() {
    conn.nameserver().updateTableAliveStatus("db", "t", 2, tablet0, false);
    cluster.setOpLatency(Duration.ofMillis(300));
    conn.nameserver().changeLeader("db", "t", 2, tablet1);
    List<OpStatus> running = conn.nameserver().showOpStatus();
    assertThat(running).anyMatch(o -> !o.finished());
    // (the tables may already show the op's end: newer than the ops is the safe side)
    conn.tables().read(running, conn.view().liveTablets(), 1000);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> conn.nameserver().showOpStatus().stream().allMatch(OpStatus::finished));
    // the op ended: the ops read before the tables differ from those the kept metadata was read
    // with (whether or not the watches have told yet), so the pass reads it again
    long reads = conn.tables().showTableReads();
    List<OpStatus> done = conn.nameserver().showOpStatus();
    assertThat(conn.tables().read(done, conn.view().liveTablets(), 1000).get(0).partition(2)
        .servingLeader().orElseThrow().endpoint()).isEqualTo(tablet1);
    assertThat(conn.tables().showTableReads()).isEqualTo(reads + 1);
  }

  @Test
  void aFencedLeaderOnATabletThatCannotBeReadAdmitsNoCandidate() {
    conn.nameserver().updateTableAliveStatus("db", "t", 0, tablet0, false);
    sim.stop(NS, "demo-tablet-0");
    // the tablet is gone from ZooKeeper: its last shown offset is all there is
    await().atMost(Duration.ofSeconds(10))
        .until(() -> !conn.view().liveTablets().contains(tablet0));
    assertThat(replica(read(), 0, tablet0).offset()).isZero();
    // registered but not answering: the final offset is unknown, no follower reaches it
    List<TableInfo> tables = conn.tables().withLiveOffsets(conn.nameserver().showTables(),
        List.of(), Set.of(tablet0, tablet1), 1000);
    assertThat(replica(tables, 0, tablet0).offset()).isEqualTo(ClusterTables.UNKNOWN);
  }
}
