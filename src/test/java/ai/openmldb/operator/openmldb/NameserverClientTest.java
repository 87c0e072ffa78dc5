package ai.openmldb.operator.openmldb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import ai.openmldb.operator.sandbox.RpcCall;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedOpenMLDB;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production client against the simulated nameserver: real ZooKeeper, real HTTP. */
class NameserverClientTest {
  private static final String NS = "db-ns";
  private static final AtomicInteger ROOTS = new AtomicInteger();
  private static EmbeddedZooKeeper zk;

  private SimulatedOpenMLDB sim;
  private SimulatedCluster cluster;
  private OpenMLDBConnections connections;
  private NameserverClient client;
  private ClusterView view;
  private String root;
  private String tablet0;
  private String tablet1;
  private String tablet2;

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
    sim = new SimulatedOpenMLDB(
        SimulatedOpenMLDB.Settings.defaults().withOpLatency(Duration.ofMillis(20))
            // live offsets: what the client reads is compared with what the tablets hold
            .withTableStatusInterval(Duration.ZERO));
    root = "/client" + ROOTS.incrementAndGet();
    cluster = sim.launch(NS, "demo", zk.connectString(), root, "0.8.5", 2, 3, false);
    cluster.createTable("db1", "t1", 2, 3);
    cluster.createTable("db1", "single", 1, 1);
    tablet0 = SimulatedOpenMLDB.endpoint(NS, "demo", Component.TABLET, 0);
    tablet1 = SimulatedOpenMLDB.endpoint(NS, "demo", Component.TABLET, 1);
    tablet2 = SimulatedOpenMLDB.endpoint(NS, "demo", Component.TABLET, 2);
    connections = new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(5), null);
    ClusterConnection c = connections.connect(zk.connectString(), root);
    await().atMost(Duration.ofSeconds(10)).until(
        () -> c.connected() && c.view().nameserverLeader().isPresent());
    client = c.nameserver();
    view = c.view();
  }

  @AfterEach
  void stop() {
    connections.close();
    sim.close();
  }

  private void awaitOpsDone() {
    await().atMost(Duration.ofSeconds(10))
        .until(() -> client.showOpStatus().stream().allMatch(OpStatus::finished));
  }

  private TableInfo t1() {
    return client.showTable("db1", "t1").orElseThrow();
  }

  @Test
  void showTabletReportsEveryTabletHealthyWithItsRealAddress() {
    List<TabletInfo> tablets = client.showTablets();
    assertThat(tablets).extracting(TabletInfo::endpoint)
        .containsExactlyInAnyOrder(tablet0, tablet1, tablet2);
    assertThat(tablets).allMatch(TabletInfo::healthy);
    assertThat(tablets).allMatch(t -> t.realEndpoint().startsWith("127.0.0.1:"));
    assertThat(view.liveTablets()).containsExactlyInAnyOrder(tablet0, tablet1, tablet2);
    assertThat(view.registeredAfterStartup(tablet0)).isTrue();
  }

  @Test
  void showTableReportsPartitionsLeadersAndLiveOffsets() {
    for (int i = 0; i < 5; i++) {
      assertThat(cluster.write("db1", "t1", 0).acknowledged()).isTrue();
    }
    List<TableInfo> all = client.showTables();
    assertThat(all).extracting(TableInfo::name).containsExactlyInAnyOrder("t1", "single");
    TableInfo t = t1();
    assertThat(t.db()).isEqualTo("db1");
    assertThat(t.partitionNum()).isEqualTo(2);
    assertThat(t.replicaNum()).isEqualTo(3);
    assertThat(t.healthy()).isTrue();
    PartitionInfo p0 = t.partition(0);
    assertThat(p0.servingLeader().orElseThrow().endpoint()).isEqualTo(tablet0);
    assertThat(p0.replicas()).allMatch(r -> r.offset() == 5);
    assertThat(t.partition(1).servingLeader().orElseThrow().endpoint()).isEqualTo(tablet1);
    assertThat(client.showDatabases()).containsExactly("db1");
  }

  /**
   * The listings are read as a stream: every record must be what the nameserver holds. A table of
   * 600 partitions makes a body of ~330 KB, sent in many chunks, with fenced and demoted leaders,
   * different offsets per replica and a term history.
   */
  @Test
  void showTablesAndShowOpStatusReadExactlyWhatTheNameserverHolds() {
    cluster.createTable("db2", "big", 600, 3);
    cluster.setReplicationLag(Duration.ofHours(1));
    for (int i = 0; i < 900; i++) {
      assertThat(cluster.write("db2", "big", i % 7).acknowledged()).isTrue();
    }
    client.updateTableAliveStatus("db2", "big", 3, tablet1, false); // a fenced follower
    cluster.setReplicationLag(Duration.ZERO);
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.table("db2", "big").orElseThrow()
        .partitions().stream().allMatch(p -> p.replicas().stream()
            .mapToLong(SimulatedCluster.SimReplicaInfo::offset).distinct().count() == 1));
    client.updateTableAliveStatus("db2", "big", 5, tablet2, false); // a fenced leader
    client.changeLeader("db2", "big", 6, tablet1);                   // a demoted leader, term 2
    awaitOpsDone();
    cluster.answerNotLeader(1); // the retry reads a second, streamed answer

    List<TableInfo> read = client.showTables();

    List<SimulatedCluster.SimTableInfo> held = cluster.tables();
    assertThat(read).extracting(t -> t.db() + "." + t.name())
        .containsExactlyElementsOf(held.stream().map(t -> t.db() + "." + t.name()).toList());
    for (SimulatedCluster.SimTableInfo h : held) {
      TableInfo t = read.stream().filter(r -> r.name().equals(h.name())).findFirst().orElseThrow();
      assertThat(t.tid()).isEqualTo(h.tid());
      assertThat(t.partitionNum()).isEqualTo(h.partitions().size());
      assertThat(t.partitions()).extracting(PartitionInfo::pid)
          .containsExactlyElementsOf(h.partitions().stream().map(p -> p.pid()).toList());
      for (SimulatedCluster.SimPartitionInfo hp : h.partitions()) {
        assertThat(t.partition(hp.pid()).replicas())
            .containsExactlyElementsOf(hp.replicas().stream().map(r -> new ReplicaInfo(
                r.endpoint(), r.leader(), r.alive(), r.offset())).toList());
      }
    }
    TableInfo big = read.stream().filter(t -> t.name().equals("big")).findFirst().orElseThrow();
    assertThat(big.replicaNum()).isEqualTo(3);
    assertThat(big.partitions()).hasSize(600);
    assertThat(big.partition(0).replicas()).extracting(ReplicaInfo::offset)
        .containsExactly(129L, 129L, 129L);
    assertThat(big.partition(3).replicaOn(tablet1).orElseThrow().alive()).isFalse();
    assertThat(big.partition(5).servingLeader()).isEmpty();
    ReplicaInfo demoted = big.partition(6).replicaOn(tablet0).orElseThrow();
    assertThat(demoted.leader() && !demoted.alive()).isTrue();
    assertThat(client.showOpStatus())
        .extracting(o -> o.opId() + " " + o.opType() + " " + o.db() + "." + o.name() + "/"
            + o.pid() + " " + o.status())
        .containsExactlyElementsOf(cluster.opSummaries());
  }

  @Test
  void changeLeaderRunsAsAnOpAndRecoverTableDemotesTheOldLeader() {
    client.changeLeader("db1", "t1", 0, tablet1);
    awaitOpsDone();
    OpStatus op = client.showOpStatus("db1", "t1", 0).get(0);
    assertThat(op.opType()).isEqualTo("kChangeLeaderOP");
    assertThat(op.status()).isEqualTo(OpStatus.DONE);
    assertThat(op.db()).isEqualTo("db1");
    PartitionInfo p0 = t1().partition(0);
    assertThat(p0.servingLeader().orElseThrow().endpoint()).isEqualTo(tablet1);
    ReplicaInfo old = p0.replicaOn(tablet0).orElseThrow();
    assertThat(old.leader()).isTrue();
    assertThat(old.alive()).isFalse();
    assertThat(p0.healthy()).isFalse();
    // the demoted leader's tablet still acts as leader until RecoverTable
    assertThat(connectionTablets().tableStatus(tablet0)).anyMatch(
        s -> s.pid() == 0 && s.leader());

    client.recoverTable("db1", "t1", 0, tablet0);
    awaitOpsDone();
    p0 = t1().partition(0);
    assertThat(p0.healthy()).isTrue();
    assertThat(p0.replicaOn(tablet0).orElseThrow().leader()).isFalse();
    assertThat(connectionTablets().tableStatus(tablet0)).anyMatch(
        s -> s.pid() == 0 && !s.leader());
  }

  private TabletClient connectionTablets() {
    return connections.connect(zk.connectString(), root).tablets();
  }

  @Test
  void changeLeaderIsRefusedWithOpenMLDBsCodes() {
    assertThatThrownBy(() -> client.changeLeader("db1", "t1", 0, null))
        .isInstanceOfSatisfying(NameserverRpcException.class, e -> assertThat(e.code()).isEqualTo(309));
    assertThatThrownBy(() -> client.changeLeader("db1", "single", 0, "auto"))
        .isInstanceOfSatisfying(NameserverRpcException.class, e -> assertThat(e.code()).isEqualTo(134));
    assertThatThrownBy(() -> client.changeLeader("db1", "nope", 0, "auto"))
        .isInstanceOfSatisfying(NameserverRpcException.class, e -> assertThat(e.code()).isEqualTo(100));
    assertThatThrownBy(() -> client.recoverTable("db1", "t1", 0, tablet1))
        .isInstanceOfSatisfying(NameserverRpcException.class, e -> assertThat(e.code()).isEqualTo(311));
  }

  @Test
  void autoChangeLeaderPicksTheFollowerWithTheHighestOffset() {
    cluster.setReplicationLag(Duration.ofHours(1));
    cluster.write("db1", "t1", 0);
    // tablet1 catches up, tablet2 does not: only tablet1's replica gets the entry
    client.updateTableAliveStatus("db1", "t1", 0, tablet2, false);
    cluster.setReplicationLag(Duration.ZERO);
    await().until(() -> t1().partition(0).replicaOn(tablet1).orElseThrow().offset() == 1);
    client.changeLeader("db1", "t1", 0, "auto");
    awaitOpsDone();
    assertThat(t1().partition(0).servingLeader().orElseThrow().endpoint()).isEqualTo(tablet1);
  }

  @Test
  void autoFailoverSwitchRoundTripsAndRefusesLeaderMovesWhileOn() {
    assertThat(client.autoFailover()).isFalse();
    client.setAutoFailover(true);
    assertThat(client.autoFailover()).isTrue();
    assertThat(client.conf()).containsEntry("auto_failover", "true");
    assertThatThrownBy(() -> client.changeLeader("db1", "t1", 0, "auto"))
        .isInstanceOfSatisfying(NameserverRpcException.class, e -> assertThat(e.code()).isEqualTo(301));
    assertThatThrownBy(() -> client.updateTableAliveStatus("db1", "t1", 0, tablet0, false))
        .isInstanceOfSatisfying(NameserverRpcException.class, e -> assertThat(e.code()).isEqualTo(301));
    client.setAutoFailover(false);
    assertThat(client.autoFailover()).isFalse();
  }

  @Test
  void addAndDeleteReplicaOfASingleReplicaTable() {
    cluster.write("db1", "single", 0);
    client.addReplica("db1", "single", 0, tablet1);
    awaitOpsDone();
    PartitionInfo p = client.showTable("db1", "single").orElseThrow().partition(0);
    assertThat(p.replicaOn(tablet1).orElseThrow().offset()).isEqualTo(1);
    assertThat(p.replicaOn(tablet1).orElseThrow().alive()).isTrue();
    client.changeLeader("db1", "single", 0, tablet1);
    awaitOpsDone();
    client.recoverTable("db1", "single", 0, tablet0);
    awaitOpsDone();
    client.changeLeader("db1", "single", 0, tablet0);
    awaitOpsDone();
    client.recoverTable("db1", "single", 0, tablet1);
    awaitOpsDone();
    client.deleteReplica("db1", "single", 0, tablet1);
    awaitOpsDone();
    p = client.showTable("db1", "single").orElseThrow().partition(0);
    assertThat(p.replicas()).extracting(ReplicaInfo::endpoint).containsExactly(tablet0);
    assertThat(p.healthy()).isTrue();
    assertThat(client.showOpStatus()).extracting(OpStatus::opType).containsExactly(
        "kAddReplicaOP", "kChangeLeaderOP", "kRecoverTableOP", "kChangeLeaderOP",
        "kRecoverTableOP", "kDelReplicaOP");
  }

  @Test
  void offlineEndpointRecoverEndpointMigrateAndCancelOp() {
    client.offlineEndpoint(tablet2, 2);
    awaitOpsDone();
    assertThat(t1().partitions()).allMatch(p -> !p.replicaOn(tablet2).orElseThrow().alive());
    assertThat(client.showOpStatus()).extracting(OpStatus::opType).containsOnly("kOfflineReplicaOP");
    client.recoverEndpoint(tablet2, false, 2);
    awaitOpsDone();
    assertThat(t1().healthy()).isTrue();

    assertThatThrownBy(() -> client.migrate("db1", "single", List.of(0), tablet0, tablet1))
        .isInstanceOfSatisfying(NameserverRpcException.class, e -> assertThat(e.code()).isEqualTo(320));
    client.addReplica("db1", "single", 0, tablet1);
    awaitOpsDone();
    client.migrate("db1", "single", List.of(0), tablet1, tablet2);
    awaitOpsDone();
    assertThat(client.showTable("db1", "single").orElseThrow().partition(0).replicas())
        .extracting(ReplicaInfo::endpoint).containsExactlyInAnyOrder(tablet0, tablet2);

    cluster.setOpLatency(Duration.ofSeconds(30));
    long watermark = client.showOpStatus().stream().mapToLong(OpStatus::opId).max().orElse(0);
    client.changeLeader("db1", "t1", 1, "auto");
    OpStatus op = client.showOpStatus("db1", "t1", 1).stream()
        .filter(o -> o.opId() > watermark).findFirst().orElseThrow();
    assertThat(op.finished()).isFalse();
    client.cancelOp(op.opId());
    assertThat(client.showOpStatus().stream().filter(o -> o.opId() == op.opId()).findFirst()
        .orElseThrow().status()).isEqualTo(OpStatus.CANCELED);
    assertThatThrownBy(() -> client.cancelOp(op.opId()))
        .isInstanceOfSatisfying(NameserverRpcException.class, e -> assertThat(e.code()).isEqualTo(312));
    assertThat(t1().partition(1).servingLeader().orElseThrow().endpoint()).isEqualTo(tablet1);
  }

  @Test
  void failNextOpEndsItFailed() {
    cluster.failNextOp("kChangeLeaderOP");
    client.changeLeader("db1", "t1", 1, "auto");
    awaitOpsDone();
    assertThat(client.showOpStatus()).singleElement().satisfies(op -> {
      assertThat(op.failed()).isTrue();
      assertThat(op.endTime()).isGreaterThanOrEqualTo(op.startTime());
    });
    assertThat(t1().partition(1).servingLeader().orElseThrow().endpoint()).isEqualTo(tablet1);
  }

  @Test
  void fencedLeaderRefusesWritesUntilMarkedAliveAgain() {
    assertThat(cluster.write("db1", "t1", 0).acknowledged()).isTrue();
    client.updateTableAliveStatus("db1", "t1", 0, tablet0, false);
    SimulatedCluster.WriteOutcome refused = cluster.write("db1", "t1", 0);
    assertThat(refused.acknowledged()).isFalse();
    assertThat(refused.refusal()).contains("no alive leader");
    client.updateTableAliveStatus("db1", "t1", 0, tablet0, true);
    assertThat(cluster.write("db1", "t1", 0).acknowledged()).isTrue();
  }

  @Test
  void restartedTabletIsRecoveredWithRecoverEndpointAfterMarkingItNotAlive() {
    for (int i = 0; i < 3; i++) {
      cluster.write("db1", "t1", 1);
    }
    sim.stop(NS, "demo-tablet-2");
    await().until(() -> !view.liveTablets().contains(tablet2));
    cluster.write("db1", "t1", 1);
    sim.start(SimulatedOpenMLDB.podSpec(NS, "demo", Component.TABLET, 2, "0.9.3",
        zk.connectString(), root, false));
    await().until(() -> view.liveTablets().contains(tablet2));
    assertThat(view.registeredAfterStartup(tablet2)).isTrue();
    // auto-failover off: the metadata still says alive, so RecoverEndpoint has nothing to do
    assertThat(t1().partition(1).replicaOn(tablet2).orElseThrow().alive()).isTrue();
    for (int pid : new int[] {0, 1}) {
      client.updateTableAliveStatus("db1", "t1", pid, tablet2, false);
    }
    client.recoverEndpoint(tablet2, false, 2);
    awaitOpsDone();
    await().until(() -> t1().partition(1).replicaOn(tablet2).orElseThrow().offset() == 4);
    assertThat(t1().healthy()).isTrue();
  }

  @Test
  void notLeaderAnswerIsRetriedOnceAtTheLeaderFromZooKeeper() {
    cluster.clearCalls();
    cluster.answerNotLeader(1);
    assertThat(client.showTablets()).hasSize(3);
    List<RpcCall> calls = cluster.calls();
    assertThat(calls).extracting(RpcCall::method).containsExactly("ShowTablet", "ShowTablet");
    assertThat(calls).extracting(RpcCall::code).containsExactly(300, 0);

    cluster.answerNotLeader(2);
    assertThatThrownBy(() -> client.showTablets()).isInstanceOf(NameserverNotLeaderException.class);
  }

  @Test
  void followerNameserverAnswersNotLeader() throws Exception {
    String leader = view.nameserverLeader().orElseThrow();
    String follower = view.nameservers().stream().filter(n -> !n.equals(leader)).findFirst()
        .orElseThrow();
    HttpResponse<String> r = post(view.resolve(follower), "ShowTablet", "sdefault");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"code\":300").contains("nameserver is not leader");
  }

  @Test
  void requestWithoutAuthorizationHeaderGetsItsConnectionClosed() throws Exception {
    String address = view.resolve(view.nameserverLeader().orElseThrow());
    assertThatThrownBy(() -> post(address, "ShowTablet", null)).isInstanceOf(IOException.class);
    assertThat(post(address, "ShowTablet", "u-root:secret").statusCode()).isEqualTo(200);
    assertThat(post(address, "NoSuchMethod", "sdefault").statusCode()).isEqualTo(404);
  }

  private static HttpResponse<String> post(String address, String method, String auth)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://" + address + "/NameServer/" + method))
        .timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void unreachableNameserverIsATypedError() {
    cluster.makeNameserversUnreachable(Duration.ofMillis(500));
    assertThatThrownBy(() -> client.showTablets())
        .isInstanceOf(NameserverUnavailableException.class)
        .hasMessageContaining("unreachable");
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
        .until(() -> client.showTablets().size() == 3);
  }

  @Test
  void nameserverLeaderFailoverIsFollowedByTheClient() {
    String first = cluster.nameserverLeader().orElseThrow();
    String pod = first.substring(0, first.indexOf('.'));
    sim.stop(NS, pod);
    await().atMost(Duration.ofSeconds(10)).until(
        () -> view.nameserverLeader().filter(l -> !l.equals(first)).isPresent()
            && cluster.nameserverLeader().filter(l -> !l.equals(first)).isPresent());
    assertThat(view.nameservers()).hasSize(1);
    assertThat(client.showTablets()).hasSize(3);
    assertThat(cluster.calls().get(cluster.calls().size() - 1).server())
        .isEqualTo(view.nameserverLeader().orElseThrow());
  }
}
