package ai.openmldb.operator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.sandbox.SandboxCommand;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite: the real operator rolls a small cluster under continuous writes (the sandbox,
 * in-process) while one fault is injected through the sandbox's {@code --chaos-*} option, and the
 * outcome is read from the {@code --summary} JSON and the printed roll. Every scenario must lose
 * no acknowledged write. Figures are in {@code docs/reliability.md} ("Faults").
 *
 * <p>Numbers are kept small (2-3 tablets, few partitions, short simulated delays) so the whole
 * suite stays within a couple of minutes on two cores.
 */
class FaultSuiteTest {
  @TempDir Path tmp;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A small world: 2 nameservers, the tablets asked for, 1 apiserver; one table. */
  private static List<String> small(int tablets, int partitions, int replicas) {
    return new ArrayList<>(List.of("--tablets", String.valueOf(tablets), "--tables", "1",
        "--partitions", String.valueOf(partitions), "--replicas", String.valueOf(replicas),
        "--write-rate", "100", "--pod-start-ms", "50", "--op-ms", "20"));
  }

  private record Run(int code, String out, String err, JsonNode summary) {
    String describe() {
      return "exit " + code + "; output:\n" + out + "\n" + err;
    }
  }

  private Run sandbox(String scenario, List<String> args) throws IOException {
    Path summary = tmp.resolve(scenario + ".json");
    args.add("--summary");
    args.add(summary.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SandboxCommand.run(args.toArray(String[]::new),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String o = out.toString(StandardCharsets.UTF_8);
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(summary).as("summary written; exit %d; output:%n%s%n%s", code, o, e).exists();
    JsonNode s = JSON.readTree(summary.toFile());
    // one line per scenario, the source of the figures in docs/reliability.md
    System.out.printf("FAULT-FIGURES %s: completed=%s rolledBack=%s lostWrites=%d acked=%d"
            + " operatorRestarts=%d faultsInjected=%d failedOps=%d userRetries=%d wallSeconds=%.1f%n",
        scenario, s.path("completed").asBoolean(), s.path("rolledBack").asBoolean(),
        s.path("lostWrites").asLong(), s.path("acknowledgedWrites").asLong(),
        s.path("operatorRestarts").asInt(), s.path("faultsInjected").asInt(),
        s.path("failedOps").asInt(), s.path("userRetries").asInt(),
        s.path("wallSeconds").asDouble());
    return new Run(code, o, e, s);
  }

  /** Completed on every pod, leaders back where they were, nothing temporary left, none lost. */
  private static void assertCleanCompletion(Run r) {
    JsonNode s = r.summary();
    assertThat(r.code()).as(r.describe()).isZero();
    assertThat(s.path("completed").asBoolean()).as(r.describe()).isTrue();
    assertThat(s.path("allOnTargetVersion").asBoolean()).as(r.describe()).isTrue();
    assertThat(s.path("leaderPlacementRestored").asBoolean()).as(r.describe()).isTrue();
    assertThat(s.path("temporaryReplicasLeft").asInt()).as(r.describe()).isZero();
    assertNoWriteLost(r);
  }

  private static void assertNoWriteLost(Run r) {
    JsonNode s = r.summary();
    assertThat(s.path("acknowledgedWrites").asLong()).as(r.describe()).isPositive();
    assertThat(s.path("lostWrites").asLong()).as("lost writes " + s.path("lostWriteIds") + "; "
        + r.describe()).isZero();
  }

  /** The {@code Degraded=True} conditions the roll showed, as {@code reason: message}. */
  private static List<String> degraded(Run r) {
    List<String> out = new ArrayList<>();
    r.summary().path("degradedConditions").forEach(c -> out.add(c.asText()));
    return out;
  }

  /** The Warning events on the cluster, as {@code reason: message}. */
  private static List<String> warnings(Run r) {
    List<String> out = new ArrayList<>();
    r.summary().path("warningEvents").forEach(c -> out.add(c.asText()));
    return out;
  }

  /** The id of the op the chaos made fail, from the sandbox's remedy line. */
  private static String failedOpId(Run r) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("acknowledge-failed-ops=(\\d+)").matcher(r.out());
    assertThat(m.find()).as(r.describe()).isTrue();
    return m.group(1);
  }

  @Test
  void operatorRestartedSeveralTimesMidRollCompletesWithNothingLost() throws IOException {
    List<String> args = small(3, 3, 2);
    args.addAll(List.of("--chaos-operator-restarts", "3", "--seed", "7"));
    Run r = sandbox("operator-restarts", args);

    assertCleanCompletion(r);
    assertThat(r.summary().path("operatorRestarts").asInt()).isEqualTo(3);
    assertThat(r.summary().path("faultsInjected").asInt()).isEqualTo(3);
    assertThat(r.summary().path("failedOps").asInt()).as(r.describe()).isZero();
    assertThat(r.summary().path("userRetries").asInt()).as("no halt to resume").isZero();
  }

  @Test
  void operatorRestartedAtEveryStepBoundaryCompletesWithNothingLost() throws IOException {
    // the sample's shape: 2 nameservers, 3 tablets, 1 apiserver
    List<String> args = small(3, 3, 2);
    args.add("--chaos-restart-at-steps");
    Run r = sandbox("restart-at-every-step", args);

    assertCleanCompletion(r);
    JsonNode s = r.summary();
    assertThat(s.path("failedOps").asInt()).as(r.describe()).isZero();
    assertThat(s.path("userRetries").asInt()).as("no halt to resume").isZero();
    // a killed operator's interrupted action shows as "retrying" in status, never as a halt
    assertThat(r.out()).as(r.describe()).doesNotContain("-> Halted");
    // one restart per boundary seen: every step of the roll began with a fresh operator
    Set<String> podsSeen = new TreeSet<>();
    Set<String> tabletSteps = new TreeSet<>();
    s.path("steps").forEach(step -> {
      podsSeen.add(step.path("pod").asText());
      if ("tablet".equals(step.path("component").asText())) {
        tabletSteps.add(step.path("pod").asText() + " " + step.path("step").asText());
      }
    });
    assertThat(s.path("operatorRestarts").asInt()).as(r.describe())
        .isEqualTo(s.path("steps").size()).isEqualTo(s.path("faultsInjected").asInt());
    assertThat(podsSeen).as(r.describe()).contains("minimal-nameserver-0", "minimal-nameserver-1",
        "minimal-tablet-0", "minimal-tablet-1", "minimal-tablet-2", "minimal-apiserver-0");
    for (String tablet : List.of("minimal-tablet-0", "minimal-tablet-1", "minimal-tablet-2")) {
      assertThat(tabletSteps).as(r.describe()).contains(tablet + " MoveLeaders",
          tablet + " Restart", tablet + " RestoreLeaders");
    }
  }

  @Test
  void zooKeeperMemberLostMidRollCompletesWithNothingLost() throws IOException {
    List<String> args = small(2, 2, 2);
    args.add("--chaos-zk-member-loss");
    Run r = sandbox("zk-member-loss", args);

    assertCleanCompletion(r);
    assertThat(r.summary().path("faultsInjected").asInt()).isEqualTo(1);
    assertThat(r.summary().path("faults").toString()).contains("ZooKeeper member");
    assertThat(r.summary().path("failedOps").asInt()).as(r.describe()).isZero();
  }

  @Test
  void operatorZooKeeperSessionExpiredWhileLeadersMoveCompletesWithNothingLost()
      throws IOException {
    List<String> args = small(2, 2, 2);
    args.add("--chaos-zk-session-expiry");
    Run r = sandbox("zk-session-expiry", args);

    assertCleanCompletion(r);
    JsonNode s = r.summary();
    // expired as each of the 2 tablets' leaders moved off and back
    assertThat(s.path("faultsInjected").asInt()).as(r.describe()).isEqualTo(4);
    assertThat(s.path("faults").toString()).contains("ZooKeeper session", "MoveLeaders",
        "RestoreLeaders");
    // and each time the operator went on with a new session, not the old one
    assertThat(r.out().split("runs on a new ZooKeeper session", -1)).as(r.describe())
        .hasSize(5);
    assertThat(s.path("failedOps").asInt()).as(r.describe()).isZero();
    assertThat(s.path("userRetries").asInt()).as("no halt to resume").isZero();
  }

  @Test
  void nameserverLeaderFailoverDuringLeaderMigrationCompletesWithNothingLost()
      throws IOException {
    List<String> args = small(2, 2, 2);
    args.add("--chaos-nameserver-failover");
    Run r = sandbox("nameserver-failover", args);

    assertCleanCompletion(r);
    assertThat(r.summary().path("faultsInjected").asInt()).isEqualTo(1);
    assertThat(r.summary().path("faults").toString()).contains("nameserver leader");
  }

  @Test
  void nameserverUnreachableBeyondTheStepTimeoutHaltsSafelyAndResumesByItself()
      throws IOException {
    // the outage (5 s) outlasts the roll's budget for a step without progress (2 s)
    List<String> args = small(2, 2, 2);
    args.addAll(List.of("--chaos-nameserver-outage", "5", "--step-timeout-seconds", "2"));
    Run r = sandbox("nameserver-outage", args);

    // the safe halt: Degraded names the nameserver that does not answer and what to do
    assertThat(r.out()).as(r.describe()).contains("-> Halted");
    assertThat(degraded(r)).as(r.describe()).anySatisfy(c -> assertThat(c)
        .startsWith("UpgradeHalted: ")
        .contains("minimal-tablet-0", "made no progress for 2s", "OpenMLDB not reachable",
            "nameserver minimal-nameserver-", "unreachable", "Remedy: ",
            "resumes by itself"));
    assertThat(warnings(r)).as(r.describe()).anySatisfy(e -> assertThat(e)
        .startsWith("UpgradeHalted: ").contains("OpenMLDB not reachable",
            "nameserver minimal-nameserver-", "resumes by itself"));
    // with the leaders of the restarting tablet served elsewhere the whole time
    JsonNode s = r.summary();
    assertThat(s.path("leaderlessPartitionSeconds").asDouble()).as(r.describe()).isZero();
    // and the roll went on by itself once the nameserver answered: nobody had to act
    assertThat(s.path("userRetries").asInt()).as(r.describe()).isZero();
    assertThat(s.path("failedOps").asInt()).as(r.describe()).isZero();
    assertCleanCompletion(r);
  }

  @Test
  void laggingFollowersGetTheLeaderOnlyOnceCaughtUp() throws IOException {
    List<String> args = small(2, 2, 2);
    args.addAll(List.of("--chaos-replication-lag", "800"));
    Run r = sandbox("replication-lag", args);

    assertCleanCompletion(r);
    JsonNode s = r.summary();
    // every leader moved off and back (2 partitions) went to a replica holding every entry
    assertThat(s.path("leaderChanges").asInt()).as(r.describe()).isGreaterThanOrEqualTo(4);
    assertThat(s.path("leaderChangesBehind").asInt()).as(r.describe()).isZero();
    assertThat(s.path("failedOps").asInt()).as(r.describe()).isZero();
    assertThat(s.path("userRetries").asInt()).as("no halt").isZero();
  }

  @Test
  void failedOpHaltsWithARemedyAndResumesAfterTheAcknowledgement() throws IOException {
    List<String> args = small(2, 2, 2);
    args.add("--chaos-failed-op");
    Run r = sandbox("failed-op", args);

    // the halt: what failed and what to do (docs/upgrades.md), printed from status.upgrade
    assertThat(r.out()).as(r.describe()).contains("HALTED:", "remedy:",
        "openmldb.ai/acknowledge-failed-ops");
    // the Degraded condition itself: the op that failed, and the annotation that acknowledges it
    String failedOp = failedOpId(r);
    assertThat(degraded(r)).as(r.describe()).anySatisfy(c -> assertThat(c)
        .startsWith("UpgradeHalted: nameserver op " + failedOp + " (")
        .contains("failed. Remedy: ", "showopstatus",
            "openmldb.ai/acknowledge-failed-ops=" + failedOp));
    assertThat(warnings(r)).as(r.describe()).anySatisfy(e -> assertThat(e)
        .startsWith("UpgradeHalted: nameserver op " + failedOp + " (")
        .contains("openmldb.ai/acknowledge-failed-ops=" + failedOp));
    // the sandbox then does what the remedy says, and the roll finishes
    assertThat(r.summary().path("userRetries").asInt()).as(r.describe()).isPositive();
    assertThat(r.summary().path("failedOps").asInt()).as("the op injected").isEqualTo(1);
    assertCleanCompletion(r);
  }

  @Test
  void stuckPodHaltsWithLeadersElsewhereAndRevertingTheVersionRecovers() throws IOException {
    List<String> args = small(2, 2, 2);
    args.addAll(List.of("--chaos-stuck-pod", "minimal-tablet-1"));
    Run r = sandbox("stuck-pod", args);

    // Degraded's message, repeated in status.upgrade: the pod, and what to do about it
    assertThat(r.out()).as(r.describe()).contains("HALTED:", "remedy:", "minimal-tablet-1",
        "revert spec.version", "served elsewhere");
    // the Degraded condition itself names the pod and both ways out
    assertThat(degraded(r)).as(r.describe()).anySatisfy(c -> assertThat(c)
        .startsWith("UpgradeHalted: ").contains("minimal-tablet-1", "made no progress",
            "Remedy: ", "served elsewhere", "revert spec.version"));
    assertThat(warnings(r)).as(r.describe()).anySatisfy(e -> assertThat(e)
        .startsWith("UpgradeHalted: ").contains("minimal-tablet-1", "revert spec.version"));
    JsonNode s = r.summary();
    // the roll to the new version did not complete (exit 1), it was reverted and the revert
    // settled every pod back on the old version
    assertThat(r.code()).isEqualTo(1);
    assertThat(s.path("completed").asBoolean()).isFalse();
    assertThat(s.path("rolledBack").asBoolean()).as(r.describe()).isTrue();
    assertThat(s.path("temporaryReplicasLeft").asInt()).as(r.describe()).isZero();
    assertNoWriteLost(r);
  }
}
