package ai.openmldb.operator.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.SingleReplicaPolicy;
import ai.openmldb.operator.openmldb.OpStatus;
import ai.openmldb.operator.upgrade.UpgradeDecision.AddTemporaryReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedgerEntries;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeletePod;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeleteTemporaryReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.DisableAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.Direction;
import ai.openmldb.operator.upgrade.UpgradeDecision.Done;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.Halt;
import ai.openmldb.operator.upgrade.UpgradeDecision.Idle;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecoverTables;
import ai.openmldb.operator.upgrade.UpgradeDecision.RestoreAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.Resume;
import ai.openmldb.operator.upgrade.UpgradeDecision.ReviveLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.StartRoll;
import ai.openmldb.operator.upgrade.UpgradeDecision.SwitchLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.UnfenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.Wait;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpgradePlannerTest {

  private static PlannerWorld haCluster() {
    return PlannerWorld.of(2, 3, 1, 1).table("t1", 6, 3).table("t2", 3, 2);
  }

  @Test
  void isIdleWhenEveryPodRunsTheDesiredRevision() {
    PlannerWorld w = haCluster();
    assertThat(w.decide()).isInstanceOf(Idle.class);
  }

  @Test
  void startsTheRollThenRecordsAndTurnsOffAutoFailover() {
    PlannerWorld w = haCluster().bump("0.9.3");
    StartRoll start = (StartRoll) w.step();
    assertThat(start.fromVersion()).isEqualTo("0.8.5");
    assertThat(start.toVersion()).isEqualTo("0.9.3");
    assertThat(start.plan()).containsExactly("demo-nameserver-1", "demo-nameserver-0",
        "demo-tablet-0", "demo-tablet-1", "demo-tablet-2", "demo-apiserver-0",
        "demo-taskmanager-0");
    assertThat(w.step()).isEqualTo(new RecordAutoFailover(Position.cluster(Step.Prepare), true));
    assertThat(w.step()).isInstanceOf(DisableAutoFailover.class);
    assertThat(w.autoFailover).isFalse();
  }

  @Test
  void restartsNameserverFollowersFirstLeaderLastThenTabletsApiserversTaskmanagers() {
    PlannerWorld w = haCluster();
    w.nameserverLeader = w.pod("demo-nameserver-0").endpoint();
    w.bump("0.9.3").run(2000);
    assertThat(w.restarts).containsExactly("demo-nameserver-1", "demo-nameserver-0",
        "demo-tablet-0", "demo-tablet-1", "demo-tablet-2", "demo-apiserver-0",
        "demo-taskmanager-0");
  }

  @Test
  void restartsTheNameserverLeaderLastWhateverItsOrdinal() {
    PlannerWorld w = PlannerWorld.of(3, 1, 0, 0).table("t", 1, 1);
    w.nameserverLeader = w.pod("demo-nameserver-1").endpoint();
    w.settings = w.settings.withSingleReplicaPolicy(SingleReplicaPolicy.AcceptUnavailability);
    w.bump("0.9.3").run(500);
    assertThat(w.restarts).startsWith("demo-nameserver-0", "demo-nameserver-2",
        "demo-nameserver-1");
  }

  @Test
  void movesEachTabletsLeadersOffBeforeItsRestartAndBackAfter() {
    PlannerWorld w = haCluster();
    Map<String, String> before = w.leaders();
    w.bump("0.9.3").run(2000);

    assertThat(w.log.get(w.log.size() - 1)).isInstanceOf(Done.class);
    assertThat(w.leaders()).isEqualTo(before);
    assertThat(w.allHealthy()).isTrue();
    assertThat(w.ledger).isEmpty();
    assertThat(w.ledgerAutoFailover).isEmpty();
    assertThat(w.autoFailover).isTrue();
    assertThat(w.currentVersion).isEqualTo("0.9.3");
    assertThat(w.intent.finished()).isTrue();

    // tablet-0 leads t1/0, t1/3 and t2/0 ... : the procedure's shape for the first tablet
    List<String> tablet0 = w.log.stream()
        .filter(d -> d.position() != null && "demo-tablet-0".equals(d.position().pod()))
        .filter(d -> !(d instanceof Wait))
        .map(d -> d.getClass().getSimpleName()
            + (d instanceof FenceLeaders f ? "(" + f.direction() + ")" : "")
            + (d instanceof SwitchLeaders s ? "(" + s.direction() + ")" : ""))
        .distinct()
        .toList();
    assertThat(tablet0).containsExactly("RecordLedger", "FenceLeaders(OFF)",
        "SwitchLeaders(OFF)", "FenceReplicas", "DeletePod", "RecoverTables",
        "FenceLeaders(BACK)", "SwitchLeaders(BACK)", "ClearLedgerEntries");
    int moved = w.decisions(SwitchLeaders.class).stream()
        .filter(s -> s.direction() == Direction.OFF).mapToInt(s -> s.switches().size()).sum();
    int restored = w.decisions(SwitchLeaders.class).stream()
        .filter(s -> s.direction() == Direction.BACK).mapToInt(s -> s.switches().size()).sum();
    assertThat(moved).isEqualTo(9);
    assertThat(restored).isEqualTo(9);
  }

  @Test
  void recordsTheLedgerBeforeFencingAnyLeader() {
    PlannerWorld w = haCluster().bump("0.9.3");
    FenceLeaders firstFence = (FenceLeaders) w.runUntil(d -> d instanceof FenceLeaders, 200);
    assertThat(w.ledger).hasSize(3);
    assertThat(w.ledger).allMatch(e -> e.tablet().equals(w.tablet(0)));
    assertThat(firstFence.leaders()).allMatch(r -> r.endpoint().equals(w.tablet(0)));
  }

  @Test
  void switchesOnlyToAReplicaThatReachedTheFencedLeadersFinalOffset() {
    PlannerWorld w = haCluster().bump("0.9.3");
    w.runUntil(d -> d instanceof FenceLeaders, 200);
    // replication is one write behind: right after the fence no follower has the final offset
    assertThat(w.decide()).isInstanceOf(Wait.class);
    w.tick();
    SwitchLeaders s = (SwitchLeaders) w.decide();
    for (LeaderSwitch sw : s.switches()) {
      PlannerWorld.Part p = w.part(sw.from().table(), sw.from().pid());
      assertThat(p.on(sw.to()).orElseThrow().offset).isGreaterThanOrEqualTo(sw.fencedOffset());
      assertThat(sw.fencedOffset()).isEqualTo(p.on(sw.from().endpoint()).orElseThrow().offset);
    }
  }

  @Test
  void boundsConcurrentLeaderMoves() {
    PlannerWorld w = PlannerWorld.of(1, 3, 0, 0).table("big", 30, 3);
    w.settings = w.settings.withMaxConcurrentLeaderMoves(3);
    w.bump("0.9.3").run(5000);
    assertThat(w.decisions(FenceLeaders.class)).allMatch(f -> f.leaders().size() <= 3);
    assertThat(w.maxFencedAtOnce).isLessThanOrEqualTo(3);
    assertThat(w.decisions(FenceLeaders.class).stream().filter(f -> f.direction() == Direction.OFF)
        .mapToInt(f -> f.leaders().size()).sum()).isEqualTo(30);
  }

  @Test
  void fencesTheNextLeadersWhileQueuedLeaderChangesRunNeverMoreThanTheBound() {
    PlannerWorld w = PlannerWorld.of(1, 2, 0, 0).table("t", 20, 2);
    w.settings = w.settings.withMaxConcurrentLeaderMoves(4);
    w.bump("0.9.3").runUntil(d -> d instanceof FenceLeaders, 200);
    w.tick(); // the fenced leaders' last writes reach their followers
    SwitchLeaders wave = (SwitchLeaders) w.decide();
    assertThat(wave.switches()).hasSize(4);
    // the nameserver ran two of the four leader changes; two wait in its op queues
    w.apply(new SwitchLeaders(wave.position(), wave.direction(), wave.switches().subList(0, 2)));
    long id = 1000;
    for (LeaderSwitch sw : wave.switches().subList(2, 4)) {
      w.ops.add(new OpStatus(id++, "kChangeLeaderOP", OpStatus.INITED, sw.from().db(),
          sw.from().table(), sw.from().pid(), 0, 0, "kChangeLeader"));
    }
    // the queue is not left to run dry: two more are fenced now, four fenced in all
    FenceLeaders next = (FenceLeaders) w.decide();
    assertThat(next.direction()).isEqualTo(Direction.OFF);
    assertThat(next.leaders()).hasSize(2)
        .noneMatch(r -> wave.switches().stream().anyMatch(sw -> sw.from().pid() == r.pid()));
    w.apply(next);
    assertThat(w.maxFencedAtOnce).isEqualTo(4);
    // at the bound nothing more is fenced; the wait refuses writes, so it looks again soon
    w.tick();
    SwitchLeaders second = (SwitchLeaders) w.decide();
    assertThat(second.switches()).hasSize(2);
    for (LeaderSwitch sw : second.switches()) {
      w.ops.add(new OpStatus(id++, "kChangeLeaderOP", OpStatus.INITED, sw.from().db(),
          sw.from().table(), sw.from().pid(), 0, 0, "kChangeLeader"));
    }
    Wait full = (Wait) w.decide();
    assertThat(full.writesRefused()).isTrue();
  }

  @Test
  void spreadsEachWavesLeaderChangesOverTheNameserversOpQueues() {
    // tablet-0 leads the even pids of "a" and the odd pids of "b" (OpenMLDB places each table
    // from a shuffled tablet); the nameserver queues a partition's ops by pid % its flag (<= 8)
    PlannerWorld w = PlannerWorld.of(1, 2, 0, 0).table("a", 64, 2).table("b", 64, 2, 1);
    w.settings = w.settings.withMaxConcurrentLeaderMoves(16);
    FenceLeaders first = (FenceLeaders) w.bump("0.9.3")
        .runUntil(d -> d instanceof FenceLeaders, 200);
    // taken in table order, the wave was "a"'s even pids alone: half of the queues idle
    assertThat(first.leaders()).allMatch(r -> r.endpoint().equals(w.tablet(0)));
    Map<Integer, Long> perQueue = first.leaders().stream()
        .collect(Collectors.groupingBy(r -> r.pid() % 8, Collectors.counting()));
    assertThat(perQueue).hasSize(8).allSatisfy((q, n) -> assertThat(n).isEqualTo(2L));
    w.tick(); // the fenced leaders' last writes reach their followers
    SwitchLeaders wave = (SwitchLeaders) w.decide();
    // half of the changes ran; the next fences refill the queues the finished ones left
    w.apply(new SwitchLeaders(wave.position(), wave.direction(), wave.switches().stream()
        .filter(sw -> sw.from().pid() % 8 < 4).toList()));
    long id = 1000;
    for (LeaderSwitch sw : wave.switches()) {
      if (sw.from().pid() % 8 >= 4) {
        w.ops.add(new OpStatus(id++, "kChangeLeaderOP", OpStatus.INITED, sw.from().db(),
            sw.from().table(), sw.from().pid(), 0, 0, "kChangeLeader"));
      }
    }
    FenceLeaders next = (FenceLeaders) w.decide();
    assertThat(next.leaders()).hasSize(8).allMatch(r -> r.pid() % 8 < 4);
  }

  @Test
  void prefersFollowersOnTabletsAlreadyUpgraded() {
    PlannerWorld w = PlannerWorld.of(1, 3, 0, 0).table("t", 3, 3);
    w.bump("0.9.3").run(2000);
    // tablet-1's leader (t/1) has followers on tablet-2 (old) and tablet-0 (already upgraded)
    SwitchLeaders offFromTablet1 = w.decisions(SwitchLeaders.class).stream()
        .filter(s -> s.direction() == Direction.OFF
            && s.switches().get(0).from().endpoint().equals(w.tablet(1)))
        .findFirst().orElseThrow();
    assertThat(offFromTablet1.switches().get(0).to()).isEqualTo(w.tablet(0));
  }

  @Test
  void leavesAutoFailoverOffWhenItWasOffBeforeTheRoll() {
    PlannerWorld w = haCluster();
    w.autoFailover = false;
    w.bump("0.9.3").run(2000);
    assertThat(w.decisions(DisableAutoFailover.class)).isEmpty();
    assertThat(w.decisions(RestoreAutoFailover.class)).isEmpty();
    assertThat(w.decisions(RecordAutoFailover.class)).singleElement()
        .extracting(RecordAutoFailover::original).isEqualTo(false);
    assertThat(w.autoFailover).isFalse();
  }

  @Test
  void singleReplicaPartitionGetsATemporaryReplicaThatIsDeletedAfter() {
    PlannerWorld w = PlannerWorld.of(1, 3, 0, 0).table("solo", 3, 1);
    Map<String, String> before = w.leaders();
    w.bump("0.9.3").run(2000);
    assertThat(w.decisions(AddTemporaryReplicas.class)).hasSize(3);
    assertThat(w.decisions(DeleteTemporaryReplicas.class)).hasSize(3);
    assertThat(w.parts).allMatch(p -> p.replicas.size() == 1);
    assertThat(w.leaders()).isEqualTo(before);
    // only the short fence-to-switch windows: never a partition left without leader for long
    assertThat(w.leaderlessTicks).isLessThanOrEqualTo(6);
  }

  @Test
  void singleReplicaPartitionIsUnavailableDuringItsRestartWhenAccepted() {
    PlannerWorld w = PlannerWorld.of(1, 2, 0, 0).table("solo", 2, 1);
    w.settings = w.settings.withSingleReplicaPolicy(SingleReplicaPolicy.AcceptUnavailability);
    Map<String, String> before = w.leaders();
    w.bump("0.9.3").run(2000);
    assertThat(w.decisions(AddTemporaryReplicas.class)).isEmpty();
    assertThat(w.decisions(FenceLeaders.class)).isEmpty();
    assertThat(w.decisions(FenceReplicas.class)).hasSize(2);
    assertThat(w.decisions(ReviveLeaders.class)).hasSize(2);
    assertThat(w.leaders()).isEqualTo(before);
    assertThat(w.allHealthy()).isTrue();
    assertThat(w.leaderlessTicks).isPositive();
  }

  @Test
  void haltsWhenASingleReplicaPartitionHasNowhereToGo() {
    PlannerWorld w = PlannerWorld.of(1, 1, 0, 0).table("solo", 1, 1);
    w.bump("0.9.3").run(200);
    Halt halt = (Halt) w.log.get(w.log.size() - 1);
    assertThat(halt.error()).contains("no other tablet");
    assertThat(halt.remedy()).contains("AcceptUnavailability");
    assertThat(w.restarts).containsExactly("demo-nameserver-0");
  }

  @Test
  void pausedRollStartsNothingDisruptive() {
    PlannerWorld w = haCluster();
    w.settings = w.settings.withPaused(true);
    w.bump("0.9.3");
    for (int i = 0; i < 20; i++) {
      w.step();
    }
    assertThat(w.restarts).isEmpty();
    assertThat(w.autoFailover).isTrue();
    assertThat(w.log.get(w.log.size() - 1)).isInstanceOf(Wait.class);
    assertThat(((Wait) w.log.get(w.log.size() - 1)).reason()).contains("paused");
    w.settings = w.settings.withPaused(false);
    w.run(2000);
    assertThat(w.restarts).hasSize(7);
  }

  @Test
  void pauseLetsAnOpenFenceWaveCompleteButStartsNoNewOne() {
    PlannerWorld w = haCluster().bump("0.9.3");
    w.runUntil(d -> d instanceof FenceLeaders, 200);
    w.settings = w.settings.withPaused(true);
    w.runUntil(d -> d instanceof SwitchLeaders, 10);
    for (int i = 0; i < 10; i++) {
      assertThat(w.step()).isInstanceOf(Wait.class);
    }
    assertThat(w.parts).allMatch(p -> p.serving().isPresent());
  }

  @Test
  void laggingFollowerDelaysTheMoveAndHaltsAfterTheTimeoutThenResumesWhenItCatchesUp() {
    PlannerWorld w = PlannerWorld.of(1, 2, 0, 0).table("t", 1, 2);
    w.bump("0.9.3").runUntil(d -> d instanceof RecordLedger, 50);
    w.part("t", 0).on(w.tablet(0)).orElseThrow().offset = 50_000;
    w.part("t", 0).on(w.tablet(1)).orElseThrow().offset = 0; // far behind
    w.stuckReplication.add(w.tablet(1));
    assertThat(w.step()).isInstanceOf(Wait.class);
    w.advance(w.settings.leaderMoveTimeout().plusSeconds(1));
    Halt halt = (Halt) w.step();
    assertThat(halt.sticky()).isFalse();
    assertThat(halt.error()).contains("no follower");
    assertThat(w.part("t", 0).serving().orElseThrow().endpoint).isEqualTo(w.tablet(0));
    w.stuckReplication.clear();
    w.tick();
    w.run(500);
    assertThat(w.log.get(w.log.size() - 1)).isInstanceOf(Done.class);
  }

  @Test
  void fenceThatCannotCompleteIsLiftedAndTheRollHaltsUntilRetried() {
    PlannerWorld w = PlannerWorld.of(1, 2, 0, 0).table("t", 1, 2);
    w.retryAnnotation = "old";
    w.bump("0.9.3").runUntil(d -> d instanceof FenceLeaders, 50);
    w.stuckReplication.add(w.tablet(1));
    w.tick();
    assertThat(w.decide()).isInstanceOf(Wait.class);
    w.advance(w.settings.fenceTimeout().plusSeconds(1));
    UnfenceLeaders unfence = (UnfenceLeaders) w.step();
    assertThat(unfence.sticky()).isTrue();
    assertThat(w.part("t", 0).serving().orElseThrow().endpoint).isEqualTo(w.tablet(0));
    assertThat(w.intent.halted()).isTrue();
    // stays halted, even with the annotation set before the halt
    w.stuckReplication.clear();
    for (int i = 0; i < 5; i++) {
      assertThat(w.step()).isInstanceOf(Wait.class);
    }
    assertThat(w.part("t", 0).serving().orElseThrow().endpoint).isEqualTo(w.tablet(0));
    w.retryAnnotation = "now";
    assertThat(w.step()).isInstanceOf(Resume.class);
    w.run(500);
    assertThat(w.log.get(w.log.size() - 1)).isInstanceOf(Done.class);
  }

  @Test
  void podThatNeverBecomesReadyHaltsWithLeadersServedElsewhereAndRevertRecovers() {
    PlannerWorld w = haCluster();
    w.pod("demo-tablet-1").stuck = true;
    w.bump("0.9.3");
    UpgradeDecision last = w.runUntil(d -> d instanceof Wait wt && wt.position() != null
        && "demo-tablet-1".equals(wt.position().pod()) && wt.position().step() == Step.Restart
        && wt.reason().contains("not ready"), 2000);
    w.advance(w.settings.podReadyTimeout().plusSeconds(1));
    Halt halt = (Halt) w.step();
    assertThat(halt.error()).contains("demo-tablet-1").contains("not ready");
    assertThat(halt.remedy()).contains("revert spec.version");
    assertThat(w.parts).allMatch(p -> p.serving().isPresent()
        && !p.serving().get().endpoint.equals(w.tablet(1)));
    assertThat(last).isNotNull();

    // revert: pods never restarted are on the reverted revision again, the stuck one is not
    w.revertTo("0.8.5", Set.of("demo-tablet-2", "demo-apiserver-0", "demo-taskmanager-0"));
    w.pod("demo-tablet-1").stuck = false;
    w.run(3000);
    assertThat(w.log.get(w.log.size() - 1)).isInstanceOf(Done.class);
    assertThat(w.restarts).containsExactly("demo-nameserver-1", "demo-nameserver-0",
        "demo-tablet-0", "demo-tablet-1",
        // rollback: the stuck pod again, then the same order toward 0.8.5
        "demo-tablet-1", "demo-nameserver-0", "demo-nameserver-1", "demo-tablet-0");
    assertThat(w.allHealthy()).isTrue();
    assertThat(w.currentVersion).isEqualTo("0.8.5");
  }

  @Test
  void rollbackMidTabletFinishesThatTabletFirstThenRollsUpgradedPodsBack() {
    PlannerWorld w = haCluster();
    Map<String, String> before = w.leaders();
    w.bump("0.9.3");
    w.runUntil(d -> d instanceof SwitchLeaders s && s.direction() == Direction.OFF
        && s.switches().get(0).from().endpoint().equals(w.tablet(1)), 2000);
    // tablet-1's leaders are partly moved; the user reverts
    w.revertTo("0.8.5", Set.of("demo-tablet-1", "demo-tablet-2", "demo-apiserver-0",
        "demo-taskmanager-0"));
    w.run(3000);
    assertThat(w.log.get(w.log.size() - 1)).isInstanceOf(Done.class);
    assertThat(w.restarts).containsExactly("demo-nameserver-1", "demo-nameserver-0",
        "demo-tablet-0", "demo-nameserver-0", "demo-nameserver-1", "demo-tablet-0");
    assertThat(w.leaders()).isEqualTo(before);
    assertThat(w.allHealthy()).isTrue();
    assertThat(w.ledger).isEmpty();
  }

  @Test
  void failedOpLiftsOpenFencesAndHaltsUntilAcknowledged() {
    PlannerWorld w = haCluster().bump("0.9.3");
    w.ops.add(new OpStatus(7, "kAddReplicaOP", OpStatus.FAILED, "db", "old", 0, 1, 2, "x"));
    w.runUntil(d -> d instanceof StartRoll, 5);
    w.runUntil(d -> d instanceof FenceLeaders, 200);
    w.ops.add(new OpStatus(8, "kChangeLeaderOP", OpStatus.FAILED, "db", "t1", 0, 3, 4, "x"));
    UnfenceLeaders unfence = (UnfenceLeaders) w.step();
    assertThat(unfence.error()).contains("op 8");
    assertThat(w.parts).allMatch(p -> p.serving().isPresent());
    Halt halt = (Halt) w.step();
    assertThat(halt.remedy()).contains("openmldb.ai/acknowledge-failed-ops=8");
    w.acked.add(8L);
    w.run(2000);
    assertThat(w.log.get(w.log.size() - 1)).isInstanceOf(Done.class);
  }

  @Test
  void waitsWhileOpenMLDBIsUnreachableAndHaltsAfterTheTimeout() {
    PlannerWorld w = haCluster().bump("0.9.3");
    w.runUntil(d -> d instanceof DisableAutoFailover, 10);
    w.openmldbReachable = false;
    Wait wait = (Wait) w.step();
    assertThat(wait.reason()).contains("connection refused");
    w.advance(Duration.ofHours(1));
    assertThat(w.step()).isInstanceOf(Halt.class);
    w.openmldbReachable = true;
    w.run(2000);
    assertThat(w.log.get(w.log.size() - 1)).isInstanceOf(Done.class);
  }

  @Test
  void healthGateHoldsTheNextPodWhileAnotherPodIsNotReady() {
    PlannerWorld w = haCluster().bump("0.9.3");
    w.pod("demo-apiserver-0").ready = false;
    w.pod("demo-apiserver-0").stuck = true;
    w.runUntil(d -> d instanceof Wait wt && wt.position().step() == Step.WaitHealthy, 50);
    Wait wait = (Wait) w.log.get(w.log.size() - 1);
    assertThat(wait.reason()).contains("demo-apiserver-0 is not ready");
    assertThat(w.restarts).isEmpty();
    w.pod("demo-apiserver-0").stuck = false;
    w.run(2000);
    assertThat(w.restarts).hasSize(7);
  }

  @Test
  void healthGateHoldsTheNextPodWhileAPartitionIsUnhealthy() {
    PlannerWorld w = haCluster().bump("0.9.3");
    w.part("t2", 1).replicas.get(1).alive = false;
    w.runUntil(d -> d instanceof Wait wt && wt.position().step() == Step.WaitHealthy, 50);
    assertThat(((Wait) w.log.get(w.log.size() - 1)).reason()).contains("t2/1");
    assertThat(w.restarts).isEmpty();
  }

  @Test
  void tabletLeadingNothingIsFencedAndRestartedDirectly() {
    PlannerWorld w = PlannerWorld.of(1, 3, 0, 0).table("t", 1, 2); // tablet-2 holds nothing
    w.bump("0.9.3").run(2000);
    List<String> tablet2 = w.log.stream()
        .filter(d -> d.position() != null && "demo-tablet-2".equals(d.position().pod()))
        .filter(d -> !(d instanceof Wait))
        .map(d -> d.getClass().getSimpleName())
        .toList();
    assertThat(tablet2).containsExactly("DeletePod");
  }

  @Test
  void operatorStoppingAfterRecordingIntentAndBeforeActingStillCompletesTheRoll() {
    for (int crashEvery = 2; crashEvery <= 5; crashEvery++) {
      PlannerWorld w = haCluster();
      Map<String, String> before = w.leaders();
      w.bump("0.9.3");
      int actions = 0;
      for (int i = 0; i < 4000; i++) {
        // a fresh planner each pass: nothing survives but status, ledger and the world
        UpgradeDecision d = new UpgradePlanner().decide(w.observe());
        w.intent = IntentUpdate.before(w.intent, d, w.now, w.retryAnnotation);
        boolean crash = !(d instanceof Wait) && ++actions % crashEvery == 0;
        if (!crash) {
          w.apply(d);
          w.intent = IntentUpdate.progressed(w.intent, d, w.now);
        } else {
          w.tick();
        }
        w.log.add(d);
        if (d instanceof Done) {
          break;
        }
      }
      assertThat(w.log.get(w.log.size() - 1)).as("crash every " + crashEvery)
          .isInstanceOf(Done.class);
      assertThat(w.leaders()).isEqualTo(before);
      assertThat(w.allHealthy()).isTrue();
      assertThat(w.restarts).hasSize(7);
    }
  }

  @Test
  void deletionRecordedButNeverSentIsSentAgainForTheSamePodInstance() {
    PlannerWorld w = PlannerWorld.of(2, 1, 0, 0).table("t", 1, 1).bump("0.9.3");
    DeletePod first = (DeletePod) w.runUntil(d -> d instanceof DeletePod, 20);
    // undo the deletion as if it was never sent
    PlannerWorld.Pod p = w.pod(first.pod());
    p.exists = true;
    w.restarts.clear();
    DeletePod again = (DeletePod) w.decide();
    assertThat(again.uid()).isEqualTo(first.uid());
  }

  @Test
  void failedOpsFromBeforeTheRollAreIgnored() {
    PlannerWorld w = haCluster();
    w.ops.add(new OpStatus(3, "kRecoverTableOP", OpStatus.FAILED, "db", "t1", 1, 1, 2, "x"));
    w.bump("0.9.3").run(2000);
    assertThat(w.log.get(w.log.size() - 1)).isInstanceOf(Done.class);
    assertThat(w.decisions(Halt.class)).isEmpty();
  }

  @Test
  void recoversTheOldLeadersAfterMovingLeadersBack() {
    PlannerWorld w = PlannerWorld.of(1, 2, 0, 0).table("t", 1, 2).bump("0.9.3");
    w.run(500);
    List<RecoverTables> recovers = w.decisions(RecoverTables.class);
    // tablet-0: its own fenced replica, then tablet-1's fenced leader after the move back
    assertThat(recovers.get(0).replicas()).extracting(ReplicaRef::endpoint)
        .containsExactly(w.tablet(0));
    assertThat(recovers.get(1).replicas()).extracting(ReplicaRef::endpoint)
        .containsExactly(w.tablet(1));
    assertThat(w.decisions(ClearLedgerEntries.class)).hasSize(1);
  }

  @Test
  void settlesPartitionsAlreadyBackWhileTheLastChangesBackRun() {
    PlannerWorld w = PlannerWorld.of(1, 2, 0, 0).table("t", 8, 2).bump("0.9.3");
    SwitchLeaders back = (SwitchLeaders) w.runUntil(
        d -> d instanceof SwitchLeaders s && s.direction() == Direction.BACK, 500);
    assertThat(back.switches()).hasSizeGreaterThan(2);
    // the nameserver ran two changes back; the others wait in its op queues
    w.apply(new SwitchLeaders(back.position(), back.direction(), back.switches().subList(0, 2)));
    long id = 2000;
    for (LeaderSwitch sw : back.switches().subList(2, back.switches().size())) {
      w.ops.add(new OpStatus(id++, "kChangeLeaderOP", OpStatus.INITED, sw.from().db(),
          sw.from().table(), sw.from().pid(), 0, 0, "kChangeLeader"));
    }
    // every change back is queued: the two partitions already back get their old leaders
    // recovered now, not after the last change
    RecoverTables settle = (RecoverTables) w.decide();
    assertThat(settle.replicas()).extracting(ReplicaRef::pid).containsExactlyInAnyOrderElementsOf(
        back.switches().subList(0, 2).stream().map(sw -> sw.from().pid()).toList());
  }

  @Test
  void settlesNothingWhileLeadersStillWaitToBeFencedBack() {
    PlannerWorld w = PlannerWorld.of(1, 2, 0, 0).table("t", 8, 2);
    w.settings = w.settings.withMaxConcurrentLeaderMoves(1);
    SwitchLeaders first = (SwitchLeaders) w.bump("0.9.3").runUntil(
        d -> d instanceof SwitchLeaders s && s.direction() == Direction.BACK, 500);
    w.apply(first); // one partition is back
    FenceLeaders second = (FenceLeaders) w.decide();
    w.apply(second);
    w.tick();
    SwitchLeaders queued = (SwitchLeaders) w.decide();
    LeaderSwitch sw = queued.switches().get(0);
    w.ops.add(new OpStatus(3000, "kChangeLeaderOP", OpStatus.INITED, sw.from().db(),
        sw.from().table(), sw.from().pid(), 0, 0, "kChangeLeader"));
    // the window is full and two leaders still wait to be fenced back: nothing that settles the
    // partition already back is queued ahead of their changes
    assertThat(w.decide()).isInstanceOf(Wait.class);
  }
}
