package ai.openmldb.operator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.sandbox.SimulatedCluster;
import ai.openmldb.operator.sandbox.SimulatedCluster.Promotion;
import ai.openmldb.operator.sandbox.WriteLoadGenerator;
import ai.openmldb.operator.sandbox.WriteLoadReport;
import ai.openmldb.operator.testing.UpgradeWorld;
import ai.openmldb.operator.testing.UpgradeWorld.RunningOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two faults in the RollingUpgradeTest-style world (real operator, Fabric8 mock API in CRUD mode,
 * StatefulSet simulator, real ZooKeeper, simulated OpenMLDB) under continuous writes, watched from
 * closer than the sandbox's summary: a follower that lags behind its leader (the operator's Wait
 * and the nameserver's promotion log), and nameservers that are unreachable for a while in the
 * middle of the roll, within the step's budget (waited out, no halt).
 */
@EnableKubernetesMockClient(crud = true)
class FaultWorldTest {
  private static final Duration ROLL = Duration.ofSeconds(90);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  static KubernetesClient client;
  private static UpgradeWorld world;

  private RunningOperator operator;
  private String ns;
  private WriteLoadGenerator load;

  @BeforeAll
  static void startWorld() throws Exception {
    world = UpgradeWorld.start(client, e -> { });
  }

  @AfterAll
  static void stopWorld() throws Exception {
    world.close();
  }

  @BeforeEach
  void startOperator() {
    ns = "fault" + NAMESPACES.incrementAndGet();
    operator = world.startOperator();
  }

  @AfterEach
  void stopOperator() {
    if (load != null) {
      load.stop();
    }
    operator.close();
  }

  @Test
  void aLaggingFollowerIsNotMadeLeaderBeforeItHasCaughtUp() {
    SimulatedCluster c = create("lagging", 2);
    c.createTable("db", "t", 2, 2);
    // followers see every acknowledged entry only 0.8 s later: a leader moved to a follower that
    // has not caught up would lose the writes still in flight
    c.setReplicationLag(Duration.ofMillis(800));
    load = new WriteLoadGenerator(c, 200).start();
    long started = System.nanoTime();
    Set<String> waits = new ConcurrentSkipListSet<>();
    bump("lagging", "0.9.3");

    awaitRollDone("lagging", "0.9.3", waits);
    double wall = (System.nanoTime() - started) / 1e9;
    c.setReplicationLag(Duration.ofMillis(5));
    WriteLoadReport r = stopLoad();
    // every leader change the nameserver carried out went to a replica that had every entry of
    // the leader it replaced (a lagging one would have had fewer: those entries would be lost)
    List<Promotion> moves = c.promotions().stream().filter(p -> p.db().equals("db")).toList();
    System.out.printf("FAULT-FIGURES lagging-follower promotions: %s%n", moves);
    assertThat(moves).as("both leaders moved off and back").hasSizeGreaterThanOrEqualTo(4);
    assertThat(moves).as("each replaced a leader").allMatch(p -> p.oldLeader() != null);
    assertThat(moves).as("new leader offset >= old leader offset").noneMatch(Promotion::lostEntries);
    // and the operator did wait for the lagging follower: the fenced leaders stayed fenced until
    // a replica reached their final offset
    assertThat(waits).as("status messages seen").anyMatch(
        m -> m.contains("waiting for a replica to reach the final offset"));
    System.out.printf("FAULT-FIGURES lagging-follower: completed=true lostWrites=%d acked=%d"
        + " wallSeconds=%.1f%n", r.lost(), r.acknowledged(), wall);
    assertThat(r.acknowledged()).isPositive();
    assertThat(r.lost()).as("lost writes %s", r.lostWrites()).isZero();
    assertThat(c.opSummaries()).noneMatch(s -> s.endsWith(" kFailed"));
  }

  @Test
  void nameserversUnreachableForAWhileMidRollAreWaitedOutAndNothingIsLost() {
    SimulatedCluster c = create("unreachable", 2);
    c.createTable("db", "t", 2, 2);
    load = new WriteLoadGenerator(c, 200).start();
    long started = System.nanoTime();
    bump("unreachable", "0.9.3");
    // once the roll works on a tablet, every nameserver stops answering for 3 s
    await().atMost(ROLL).pollInterval(Duration.ofMillis(20)).until(() -> {
      OpenMLDBClusterStatus s = status("unreachable");
      return s.getUpgrade() != null && "tablet".equals(s.getUpgrade().getComponent());
    });
    c.makeNameserversUnreachable(Duration.ofSeconds(3));

    awaitRollDone("unreachable", "0.9.3");
    double wall = (System.nanoTime() - started) / 1e9;
    WriteLoadReport r = stopLoad();
    System.out.printf("FAULT-FIGURES nameserver-unreachable: completed=true lostWrites=%d acked=%d"
        + " wallSeconds=%.1f%n", r.lost(), r.acknowledged(), wall);
    assertThat(r.acknowledged()).isPositive();
    assertThat(r.lost()).as("lost writes %s", r.lostWrites()).isZero();
    assertThat(c.table("db", "t").orElseThrow().partitions())
        .as("every partition has a leader").allMatch(p -> p.leader().isPresent());
  }

  // ------------------------------------------------------------------ helpers

  /** A cluster on 0.9.2 (1 nameserver, the tablets, 1 apiserver), up and Running. */
  private SimulatedCluster create(String name, int tablets) {
    return world.create(ns, name, tablets, spec -> { }, ROLL);
  }

  private void bump(String name, String version) {
    world.bump(ns, name, version);
  }

  private void awaitRollDone(String name, String version) {
    awaitRollDone(name, version, new java.util.HashSet<>());
  }

  /** Also collects every {@code status.upgrade.message} seen on the way. */
  private void awaitRollDone(String name, String version, Set<String> messages) {
    await().atMost(ROLL).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
      OpenMLDBClusterStatus s = status(name);
      if (s.getUpgrade() != null && s.getUpgrade().getMessage() != null) {
        messages.add(s.getUpgrade().getMessage());
      }
      assertThat(s.getPhase()).as("never halted").isNotEqualTo(Phase.HALTED);
      assertThat(s.getUpgrade()).isNotNull();
      assertThat(s.getUpgrade().getToVersion()).isEqualTo(version);
      assertThat(s.getUpgrade().getFinishedAt()).as(String.valueOf(s.getUpgrade().getMessage()))
          .isNotNull();
    });
  }

  private OpenMLDBClusterStatus status(String name) {
    return world.status(ns, name);
  }

  private WriteLoadReport stopLoad() {
    load.stop();
    WriteLoadReport r = load.report();
    load = null;
    return r;
  }
}
