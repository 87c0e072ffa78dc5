package ai.openmldb.operator.sandbox;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a sandbox run proved: the figures of the {@code --summary} JSON (issues 4 and 6).
 *
 * @param completed the roll reached {@code toVersion} on every pod
 * @param rolledBack the sandbox reverted the version after a halt (chaos stuck pod)
 * @param leaderPlacementRestored every partition's leader is where it was before the roll
 * @param temporaryReplicasLeft replicas beyond each partition's count before the roll
 * @param writeUnavailablePartitionSeconds time partitions refused writes, summed
 * @param wallSeconds from the version bump to the end of the roll
 * @param faults what the chaos options did, in order
 * @param userRetries halts the sandbox resumed (as a user would) with the retry annotation
 * @param leaderChanges leader changes the nameserver carried out during the roll (user tables)
 * @param leaderChangesBehind of those, changes to a replica whose offset was below the replaced
 *     leader's at that moment (each would lose the entries in between)
 * @param degradedConditions every distinct {@code Degraded=True} condition the roll showed, as
 *     {@code reason: message}
 * @param warningEvents every distinct Warning event on the cluster, as {@code reason: message}
 */
@JsonPropertyOrder({"completed", "fromVersion", "toVersion", "rolledBack", "podsTotal",
    "podsUpgraded", "allOnTargetVersion", "leadersMoved", "leadersRestored",
    "leaderPlacementRestored", "temporaryReplicasLeft", "failedOps", "acknowledgedWrites",
    "lostWrites", "refusedWrites", "writeUnavailablePartitionSeconds",
    "leaderlessPartitionSeconds", "wallSeconds", "steps", "operatorRestarts", "faultsInjected",
    "faults", "userRetries", "leaderChanges", "leaderChangesBehind", "degradedConditions",
    "warningEvents", "lostWriteIds"})
public record SandboxSummary(
    boolean completed,
    String fromVersion,
    String toVersion,
    boolean rolledBack,
    int podsTotal,
    int podsUpgraded,
    boolean allOnTargetVersion,
    int leadersMoved,
    int leadersRestored,
    boolean leaderPlacementRestored,
    int temporaryReplicasLeft,
    int failedOps,
    long acknowledgedWrites,
    long lostWrites,
    long refusedWrites,
    double writeUnavailablePartitionSeconds,
    double leaderlessPartitionSeconds,
    double wallSeconds,
    List<RollStep> steps,
    int operatorRestarts,
    int faultsInjected,
    List<String> faults,
    int userRetries,
    int leaderChanges,
    int leaderChangesBehind,
    List<String> degradedConditions,
    List<String> warningEvents,
    List<String> lostWriteIds) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** Exit code 0 only when the roll completed on every pod and no acknowledged write was lost. */
  public int exitCode() {
    return completed && allOnTargetVersion && lostWrites == 0 ? 0 : 1;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public void write(Path file) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, toJson() + System.lineSeparator());
  }

  /** The figures as rows for {@link SandboxPrinter#table}. */
  List<List<String>> rows() {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("figure", "value"));
    rows.add(List.of("roll", (completed ? "completed " : "NOT completed ") + fromVersion + " -> "
        + toVersion + (rolledBack ? " (rolled back)" : "")));
    rows.add(List.of("pods upgraded", podsUpgraded + "/" + podsTotal
        + (allOnTargetVersion ? " (all on " + toVersion + ")" : "")));
    rows.add(List.of("leaders moved / restored", leadersMoved + " / " + leadersRestored));
    rows.add(List.of("leader placement restored", Boolean.toString(leaderPlacementRestored)));
    rows.add(List.of("temporary replicas left", Integer.toString(temporaryReplicasLeft)));
    rows.add(List.of("failed ops", Integer.toString(failedOps)));
    rows.add(List.of("writes acknowledged / lost", acknowledgedWrites + " / " + lostWrites));
    rows.add(List.of("writes refused", Long.toString(refusedWrites)));
    rows.add(List.of("write-unavailable partition-seconds",
        String.format("%.3f", writeUnavailablePartitionSeconds)));
    rows.add(List.of("leaderless partition-seconds",
        String.format("%.3f", leaderlessPartitionSeconds)));
    rows.add(List.of("wall seconds", String.format("%.2f", wallSeconds)));
    rows.add(List.of("leader changes (to a replica behind)",
        leaderChanges + " (" + leaderChangesBehind + ")"));
    rows.add(List.of("operator restarts", Integer.toString(operatorRestarts)));
    rows.add(List.of("faults injected", faultsInjected + (faults.isEmpty() ? ""
        : " (" + String.join("; ", faults) + ")")));
    return rows;
  }

  /** Steps as rows: component, pod, step, seconds. */
  List<List<String>> stepRows() {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("component", "pod", "step", "seconds"));
    for (RollStep s : steps) {
      rows.add(List.of(s.component() == null ? "-" : s.component(),
          s.pod() == null ? "-" : s.pod(), s.step(), String.format("%.3f", s.seconds())));
    }
    return rows;
  }
}
