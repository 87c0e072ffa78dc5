package ai.openmldb.operator.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.ClearLedgerEntries;
import ai.openmldb.operator.upgrade.UpgradeDecision.DeletePod;
import ai.openmldb.operator.upgrade.UpgradeDecision.DisableAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.Done;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.FenceReplicas;
import ai.openmldb.operator.upgrade.UpgradeDecision.Halt;
import ai.openmldb.operator.upgrade.UpgradeDecision.Idle;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecordLedger;
import ai.openmldb.operator.upgrade.UpgradeDecision.RecoverTables;
import ai.openmldb.operator.upgrade.UpgradeDecision.RestoreAutoFailover;
import ai.openmldb.operator.upgrade.UpgradeDecision.StartRoll;
import ai.openmldb.operator.upgrade.UpgradeDecision.SwitchLeaders;
import ai.openmldb.operator.upgrade.UpgradeDecision.Wait;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A decision's known effect applied to the observation it was taken from must equal what a fresh
 * observation shows right after the act; and a roll must complete when the operator stops after
 * an act that was not preceded by a status write ({@link IntentUpdate#mustRecord}) and a
 * new one starts from the intent stored before it.
 */
class KnownEffectsTest {

  /** Two nameservers, four tablets; tablet 3 leads nothing (a tablet known only from status). */
  private static PlannerWorld cluster() {
    return PlannerWorld.of(2, 4, 1, 0).table("t1", 3, 3).table("t2", 3, 2).table("single", 1, 1);
  }

  @Test
  void everyCarriedObservationEqualsAFreshOneAfterTheAct() {
    PlannerWorld w = cluster().bump("0.9.3");
    Set<Class<?>> carried = new HashSet<>();
    Set<Class<?>> read = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      ClusterObservation before = w.observe();
      UpgradeDecision d = w.step();
      if (d instanceof Done || d instanceof Halt || d instanceof Idle) {
        assertThat(d).isInstanceOf(Done.class);
        break;
      }
      Optional<ClusterObservation> known = KnownEffects.after(before, d, w.intent, w.now);
      if (d instanceof Wait) {
        assertThat(known).as("a wait has no known effect: the world moved on").isEmpty();
        continue;
      }
      if (known.isPresent()) {
        assertThat(known.get()).as("after " + d.describe()).isEqualTo(w.observe());
        carried.add(d.getClass());
      } else {
        read.add(d.getClass());
      }
    }
    assertThat(w.log).last().isInstanceOf(Done.class);
    assertThat(carried).contains(StartRoll.class, RecordAutoFailover.class,
        DisableAutoFailover.class, RecordLedger.class, FenceReplicas.class,
        ClearLedgerEntries.class, RestoreAutoFailover.class, ClearLedger.class);
    assertThat(read).contains(FenceLeaders.class, SwitchLeaders.class, DeletePod.class,
        RecoverTables.class);
  }

  @Test
  void markingALeaderOfAReplicatedPartitionIsReadAgain() {
    PlannerWorld w = cluster().bump("0.9.3");
    ClusterObservation obs = w.observe();
    PlannerWorld.Part p = w.part("t1", 0);
    ReplicaRef leader = new ReplicaRef("db", "t1", p.tid, 0, p.replicas.get(0).endpoint);
    FenceReplicas f = new FenceReplicas(new Position(null, null, Step.MoveLeaders),
        List.of(leader));
    assertThat(KnownEffects.after(obs, f, obs.intent(), obs.now())).isEmpty();
  }

  /**
   * The operator stops right after the n-th act of the given kind, for every n, before any status
   * write after the last act that needed one: the new operator starts from that older intent.
   */
  @ParameterizedTest
  @ValueSource(strings = {"StartRoll", "RecordAutoFailover", "DisableAutoFailover",
      "RecordLedger", "ClearLedgerEntries", "RestoreAutoFailover", "ClearLedger",
      "RecoverTables", "SwitchLeaders", "AddTemporaryReplicas", "DeleteTemporaryReplicas",
      "FenceLeaders", "FenceReplicas", "DeletePod"})
  void aRollCompletesAfterAStopThatLostTheIntentOfAnActNotRecordedFirst(String kind) {
    int n = 0;
    while (stopAfter(kind, n + 1, IntentUpdate::mustRecord).stopped) {
      PlannerWorld w = stopAfter(kind, n + 1, IntentUpdate::mustRecord).world;
      w.run(3000);
      assertThat(w.log).last().isInstanceOf(Done.class);
      assertThat(w.allHealthy()).isTrue();
      assertThat(w.leaders()).isEqualTo(cluster().leaders());
      assertThat(w.autoFailover).isTrue();
      assertThat(w.ledger).isEmpty();
      assertThat(w.restarts).as("stopped after " + kind + " #" + (n + 1)).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(w.pods.keySet());
      n++;
    }
    assertThat(n).as("the roll had a " + kind).isPositive();
  }

  /**
   * Replicas marked not alive on a tablet that leads nothing: no ledger entry says it is the pod
   * in progress, so a new operator that lost the intent finds the health gate closed by those
   * very replicas and waits for ever. That is why the mark is recorded first.
   */
  @Test
  void replicasMarkedNotAliveWithoutTheIntentFirstWouldStallTheRoll() {
    Recording notFenceReplicas = (d, before, stored) ->
        !(d instanceof FenceReplicas) && IntentUpdate.mustRecord(d, before, stored);
    boolean stalled = false;
    for (int n = 1; stopAfter("FenceReplicas", n, notFenceReplicas).stopped; n++) {
      PlannerWorld w = stopAfter("FenceReplicas", n, notFenceReplicas).world;
      try {
        w.run(3000);
        stalled |= !(w.log.get(w.log.size() - 1) instanceof Done);
      } catch (AssertionError e) {
        stalled = true;
      }
    }
    assertThat(stalled).isTrue();
  }

  private record Stopped(PlannerWorld world, boolean stopped) {}

  /** Whether the intent is written to status before the decision's act. */
  private interface Recording {
    boolean before(UpgradeDecision d, UpgradeIntent before, UpgradeIntent stored);
  }

  /** Runs a roll until just after the n-th act of {@code kind}, then loses the unstored intent. */
  private static Stopped stopAfter(String kind, int n, Recording recording) {
    PlannerWorld w = cluster().bump("0.9.3");
    UpgradeIntent stored = w.intent;
    int seen = 0;
    for (int i = 0; i < 3000; i++) {
      UpgradeDecision d = w.decide();
      if (d instanceof Done || d instanceof Halt || d instanceof Idle) {
        return new Stopped(w, false);
      }
      UpgradeIntent before = IntentUpdate.before(w.intent, d, w.now, w.retryAnnotation);
      if (recording.before(d, before, stored)) {
        stored = before;
      }
      w.intent = before;
      w.apply(d);
      w.intent = IntentUpdate.progressed(w.intent, d, w.now);
      w.log.add(d);
      if (d.getClass().getSimpleName().equals(kind) && ++seen == n) {
        w.intent = stored; // a new operator: only what status held
        return new Stopped(w, true);
      }
    }
    return new Stopped(w, false);
  }
}
