package ai.openmldb.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.NameserverClient;
import ai.openmldb.operator.openmldb.OpStatus;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.openmldb.PartitionInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulated OpenMLDB world: nameserver election, tablet registration, auto-failover with
 * honest write loss, fencing, restarts. Driven through ZooKeeper and the production client.
 */
class SimulatedOpenMLDBTest {
  private static final String NS = "sim";
  private static final AtomicInteger ROOTS = new AtomicInteger();
  private static EmbeddedZooKeeper zk;

  private final SimulatedOpenMLDB sim = new SimulatedOpenMLDB(
      SimulatedOpenMLDB.Settings.defaults().withOpLatency(Duration.ofMillis(30))
          .withTableStatusInterval(Duration.ZERO)); // offsets read through ShowTable: live
  private final OpenMLDBConnections connections =
      new OpenMLDBConnections(Duration.ofSeconds(5), Duration.ofSeconds(5), null);
  private String root;

  @BeforeAll
  static void startZooKeeper() {
    zk = EmbeddedZooKeeper.start();
  }

  @AfterAll
  static void stopZooKeeper() {
    zk.close();
  }

  @AfterEach
  void stop() {
    connections.close();
    sim.close();
  }

  private SimulatedCluster launch(int nameservers, int tablets, boolean autoFailover) {
    root = "/sim" + ROOTS.incrementAndGet();
    return sim.launch(NS, "demo", zk.connectString(), root, "0.8.5", nameservers, tablets,
        autoFailover);
  }

  private ClusterConnection connect() {
    ClusterConnection c = connections.connect(zk.connectString(), root);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> c.connected() && c.view().nameserverLeader().isPresent());
    return c;
  }

  private static String tablet(int i) {
    return SimulatedOpenMLDB.endpoint(NS, "demo", Component.TABLET, i);
  }

  private static String nameserver(int i) {
    return SimulatedOpenMLDB.endpoint(NS, "demo", Component.NAMESERVER, i);
  }

  private static PartitionInfo partition(NameserverClient client, int pid) {
    return client.showTable("db", "t").orElseThrow().partition(pid);
  }

  @Test
  void nameserversElectALeaderInLockOrderAndFailOver() throws Exception {
    SimulatedCluster cluster = launch(2, 1, false);
    ClusterConnection c = connect();
    List<String> order = c.view().nameservers();
    assertThat(order).containsExactlyInAnyOrder(nameserver(0), nameserver(1));
    assertThat(cluster.nameserverLeader()).contains(order.get(0));
    for (String child : c.curator().getChildren().forPath(root + "/leader")) {
      assertThat(child).startsWith("lock_request");
    }
    assertThat(new String(c.curator().getData().forPath(root + "/map/names/" + order.get(1)),
        StandardCharsets.UTF_8)).startsWith("127.0.0.1:");

    cluster.createSystemTables(1);
    assertThat(c.nameserver().showTables()).hasSize(5)
        .allMatch(t -> t.replicaNum() == 1 && t.healthy());
    assertThat(c.nameserver().showDatabases())
        .containsExactlyInAnyOrder("INFORMATION_SCHEMA", "__INTERNAL_DB");

    String firstPod = order.get(0).substring(0, order.get(0).indexOf('.'));
    sim.stop(NS, firstPod);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> cluster.nameserverLeader().orElse("").equals(order.get(1)));
    assertThat(c.nameserver().showTablets()).hasSize(1);

    // the old leader comes back and queues behind the new one
    int ordinal = Integer.parseInt(firstPod.substring(firstPod.lastIndexOf('-') + 1));
    sim.start(SimulatedOpenMLDB.podSpec(NS, "demo", Component.NAMESERVER, ordinal, "0.9.3",
        zk.connectString(), root, false));
    await().until(() -> c.view().nameservers().size() == 2);
    assertThat(c.view().nameservers()).containsExactly(order.get(1), order.get(0));
    assertThat(cluster.nameserverLeader()).contains(order.get(1));
    assertThat(sim.version(NS, firstPod)).contains("0.9.3");
  }

  @Test
  void autoFailoverPromotesAFollowerAndLosesExactlyTheUnreplicatedWrites() {
    SimulatedCluster cluster = launch(1, 3, true);
    NameserverClient client = connect().nameserver();
    cluster.createTable("db", "t", 1, 3);
    List<Long> replicated = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      replicated.add(cluster.write("db", "t", 0).id());
    }
    cluster.setReplicationLag(Duration.ofHours(1));
    List<Long> unreplicated = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      SimulatedCluster.WriteOutcome w = cluster.write("db", "t", 0);
      assertThat(w.acknowledged()).isTrue();
      assertThat(w.leader()).isEqualTo(tablet(0));
      unreplicated.add(w.id());
    }
    assertThat(partition(client, 0).replicaOn(tablet(0)).orElseThrow().offset()).isEqualTo(14);

    sim.stop(NS, "demo-tablet-0");
    await().atMost(Duration.ofSeconds(10)).until(() -> partition(client, 0).servingLeader()
        .filter(l -> !l.endpoint().equals(tablet(0))).isPresent());
    PartitionInfo p = partition(client, 0);
    assertThat(p.servingLeader().orElseThrow().offset()).isEqualTo(10);
    assertThat(p.replicaOn(tablet(0)).orElseThrow().alive()).isFalse();
    assertThat(replicated).allMatch(id -> cluster.present("db", "t", 0, id));
    assertThat(unreplicated).noneMatch(id -> cluster.present("db", "t", 0, id));

    // the old leader restarts: offline-then-recover; it rejoins as a follower without the lost
    // entries, and the leader is not given back
    cluster.setReplicationLag(Duration.ZERO);
    String newLeader = p.servingLeader().orElseThrow().endpoint();
    sim.start(SimulatedOpenMLDB.podSpec(NS, "demo", Component.TABLET, 0, "0.9.3",
        zk.connectString(), root, true));
    await().atMost(Duration.ofSeconds(10)).until(() -> partition(client, 0).healthy());
    p = partition(client, 0);
    assertThat(p.servingLeader().orElseThrow().endpoint()).isEqualTo(newLeader);
    assertThat(p.replicaOn(tablet(0)).orElseThrow().offset()).isEqualTo(10);
    assertThat(unreplicated).noneMatch(id -> cluster.present("db", "t", 0, id));
    assertThat(client.showOpStatus()).extracting(OpStatus::opType)
        .contains("kChangeLeaderOP", "kRecoverTableOP");
  }

  @Test
  void writeLoadGeneratorReportsLossAndUnavailabilityOfAnUnplannedFailover() {
    SimulatedCluster cluster = launch(1, 2, true);
    connect();
    cluster.createTable("db", "t", 2, 2);
    cluster.setReplicationLag(Duration.ofMillis(300));
    // the failover op takes 300 ms: a leaderless window the 10 ms sampling cannot miss
    cluster.setOpLatency(Duration.ofMillis(300));
    WriteLoadGenerator load = new WriteLoadGenerator(cluster, 400).start();
    await().until(() -> load.acknowledged() > 100);
    sim.stop(NS, "demo-tablet-0");
    await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.leaderless("db", "t", 0)
        && cluster.refusal("db", "t", 0) == null);
    long before = load.acknowledged();
    await().until(() -> load.acknowledged() > before + 50);
    load.stop();
    WriteLoadReport r = load.report();
    assertThat(r.lost()).isPositive();
    assertThat(r.present() + r.lost()).isEqualTo(r.acknowledged());
    assertThat(r.lostWrites()).allMatch(w -> w.startsWith("db.t/0#"));
    assertThat(r.refused()).isPositive();
    assertThat(r.leaderlessPartitionSeconds()).isPositive();
    assertThat(r.writeUnavailablePartitionSeconds())
        .isGreaterThanOrEqualTo(r.leaderlessPartitionSeconds());
  }

  /** Status of the newest op of each pid, in pid order (ops never finish: latency 1 h). */
  private static List<String> opStatusByPid(NameserverClient client, int... pids) {
    List<String> out = new ArrayList<>();
    for (int pid : pids) {
      out.add(pid + " " + client.showOpStatus("db", "t", pid).get(0).status());
    }
    return out;
  }

  /** Leader changes of pids 0 and 2 at a task concurrency: which of them run (latency 1 h). */
  private List<String> changeLeadersOfPids0And2At(int taskConcurrency) {
    SimulatedCluster cluster = launch(1, 2, false);
    NameserverClient client = connect().nameserver();
    cluster.createTable("db", "t", 4, 2);
    cluster.setOpLatency(Duration.ofHours(1)); // every op stays kDoing once it started
    cluster.setTaskConcurrency(taskConcurrency);
    client.changeLeader("db", "t", 0, tablet(1));
    client.changeLeader("db", "t", 2, tablet(1));
    client.changeLeader("db", "t", 1, tablet(0));
    return opStatusByPid(client, 0, 2, 1);
  }

  @Test
  void opsRunInQueuesByPidModuloTheNameserversTaskConcurrency() {
    // OpenMLDB's default name_server_task_concurrency 2: pids 0 and 2 share queue 0
    assertThat(changeLeadersOfPids0And2At(2))
        .containsExactly("0 kDoing", "2 kInited", "1 kDoing");
    // at 4 they have a queue each
    assertThat(changeLeadersOfPids0And2At(4))
        .containsExactly("0 kDoing", "2 kDoing", "1 kDoing");
    // at 1 everything waits behind pid 0
    assertThat(changeLeadersOfPids0And2At(1))
        .containsExactly("0 kDoing", "2 kInited", "1 kInited");
  }

  @Test
  void addReplicaNsOpsShareQueueZeroWhateverTheTaskConcurrency() {
    SimulatedCluster cluster = launch(1, 3, false);
    NameserverClient client = connect().nameserver();
    cluster.createTable("db", "t", 4, 2); // pid i on tablets i % 3, (i + 1) % 3
    cluster.setTaskConcurrency(8);
    cluster.setOpLatency(Duration.ofHours(1));
    // AddReplicaNS queues its op with concurrency 1 (NameServerImpl::AddReplicaNS): pid 1 waits
    client.addReplica("db", "t", 0, tablet(2));
    client.addReplica("db", "t", 1, tablet(0));
    client.changeLeader("db", "t", 3, tablet(1)); // ChangeLeader: queue pid % 8 = 3
    assertThat(client.showOpStatus()).extracting(o -> o.pid() + " " + o.opType() + " " + o.status())
        .containsExactly("0 kAddReplicaOP kDoing", "1 kAddReplicaOP kInited",
            "3 kChangeLeaderOP kDoing");
  }

  @Test
  void taskConcurrencyOutsideOpenMLDBsQueuesIsRefused() {
    SimulatedOpenMLDB.Settings s = SimulatedOpenMLDB.Settings.defaults();
    assertThat(s.taskConcurrency()).isEqualTo(2);
    assertThat(s.withTaskConcurrency(8).taskConcurrency()).isEqualTo(8);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.withTaskConcurrency(9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name_server_task_max_concurrency");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.withTaskConcurrency(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void showTableShowsTheOffsetsOfTheNameserversLastRefreshAndTabletsAnswerLive() {
    SimulatedCluster cluster = launch(1, 2, false);
    cluster.createTable("db", "t", 2, 2);
    ClusterConnection c = connect();
    cluster.setTableStatusInterval(Duration.ofHours(1)); // OpenMLDB: get_table_status_interval
    cluster.refreshTableStatus();
    for (int i = 0; i < 3; i++) {
      assertThat(cluster.write("db", "t", 1).acknowledged()).isTrue();
    }
    // ShowTable: the offsets as the nameserver last copied them from the tablets
    assertThat(partition(c.nameserver(), 1).replicas()).allMatch(r -> r.offset() == 0);
    // the tablet itself: live, one partition when asked for one (GetTableStatus {tid, pid})
    int tid = c.nameserver().showTable("db", "t").orElseThrow().tid();
    var one = c.tablets().tableStatusAsync(tablet(1), tid, 1).join();
    assertThat(one).singleElement().satisfies(s -> {
      assertThat(s.pid()).isEqualTo(1);
      assertThat(s.offset()).isEqualTo(3);
      assertThat(s.leader()).isTrue();
    });
    assertThat(c.tablets().tableStatus(tablet(1))).hasSize(2);
    cluster.refreshTableStatus(); // what UpdateTableStatus does every interval
    assertThat(partition(c.nameserver(), 1).replicas()).allMatch(r -> r.offset() == 3);
    cluster.setTableStatusInterval(Duration.ZERO); // live, as before this was modelled
    assertThat(cluster.write("db", "t", 1).acknowledged()).isTrue();
    assertThat(partition(c.nameserver(), 1).replicas()).allMatch(r -> r.offset() == 4);
  }

  @Test
  void fencedCaughtUpLeaderMoveLosesNoWrite() {
    SimulatedCluster cluster = launch(1, 2, false);
    NameserverClient client = connect().nameserver();
    cluster.createTable("db", "t", 1, 2);
    cluster.setReplicationLag(Duration.ofMillis(100));
    WriteLoadGenerator load = new WriteLoadGenerator(cluster, 300).start();
    await().until(() -> load.acknowledged() > 30);
    // the operator's move: fence the leader, wait until the follower has every entry, move
    client.updateTableAliveStatus("db", "t", 0, tablet(0), false);
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      PartitionInfo p = partition(client, 0);
      return p.replicaOn(tablet(1)).orElseThrow().offset()
          == p.replicaOn(tablet(0)).orElseThrow().offset();
    });
    client.changeLeader("db", "t", 0, tablet(1));
    await().until(() -> client.showOpStatus().stream().allMatch(OpStatus::finished));
    client.recoverTable("db", "t", 0, tablet(0));
    await().until(() -> partition(client, 0).healthy());
    long before = load.acknowledged();
    await().until(() -> load.acknowledged() > before + 30);
    load.stop();
    WriteLoadReport r = load.report();
    assertThat(r.lost()).isZero();
    assertThat(r.writeUnavailablePartitionSeconds()).isPositive();
    assertThat(partition(client, 0).servingLeader().orElseThrow().endpoint()).isEqualTo(tablet(1));
    assertThat(cluster.mutatingCalls()).containsExactly(
        "UpdateTableAliveStatus db.t/0 endpoint=" + tablet(0) + " is_alive=false",
        "ChangeLeader db.t/0 candidate_leader=" + tablet(1),
        "RecoverTable db.t/0 endpoint=" + tablet(0));
  }

  @Test
  void expiredTabletSessionReRegistersWithoutStartupPrefixAndIsNotFailedOver() throws Exception {
    SimulatedCluster cluster = launch(1, 2, true);
    cluster.setTabletOfflineDelay(Duration.ofSeconds(30));
    ClusterConnection c = connect();
    cluster.createTable("db", "t", 1, 2);
    assertThat(c.view().registeredAfterStartup(tablet(0))).isTrue();
    long id = c.view().registrationId(tablet(0)).orElseThrow();
    sim.expireSession(NS, "demo-tablet-0");
    await().atMost(Duration.ofSeconds(10)).until(() -> c.view().registrationId(tablet(0))
        .filter(n -> n != id).isPresent());
    assertThat(c.view().tabletRegistration(tablet(0))).contains(tablet(0));
    assertThat(partition(c.nameserver(), 0).healthy()).isTrue();
    assertThat(cluster.write("db", "t", 0).acknowledged()).isTrue();
  }

  @Test
  void zooKeeperEnsembleLosingAMemberKeepsTheClusterServing() {
    try (EmbeddedZooKeeper ensemble = EmbeddedZooKeeper.startEnsemble(3)) {
      root = "/ensemble";
      SimulatedCluster cluster =
          sim.launch(NS, "demo", ensemble.connectString(), root, "0.8.5", 1, 2, false);
      cluster.createTable("db", "t", 1, 2);
      ClusterConnection c = connections.connect(ensemble.connectString(), root);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> c.connected() && c.view().nameserverLeader().isPresent());
      ensemble.killMember(0);
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> c.nameserver().showTablets().size() == 2);
      assertThat(cluster.write("db", "t", 0).acknowledged()).isTrue();
      assertThat(c.view().liveTablets()).hasSize(2);
    }
  }
}
