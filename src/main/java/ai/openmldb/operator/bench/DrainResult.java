package ai.openmldb.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Draining leaders off one tablet: the operator (concurrent, {@code leaders}) against two serial
 * runs of the tool's pre-upgrade: a script polling every {@code toolPollMs} ({@code
 * serialLeaders}) and the real tool's pace ({@code toolLeaders}, 2 s {@code WaitingOP} sleep).
 * A serial run of fewer leaders is extrapolated to {@code leaders} by its cost per leader (the
 * serial procedure does the same work for every leader, one after another); 0 leaders means not
 * run. Without a tool run, the tool's time is an estimate: two waits of at least 2 s per leader.
 *
 * <p>The nameserver runs ops in {@code taskConcurrency} FIFO queues by {@code pid % taskConcurrency};
 * the tablet's leaders fall into {@code queuesUsed} of them, {@code opsInBusiestQueue} in the
 * busiest. {@code fencedPartitionSeconds} is the operator's price for losing no write: Σ over the
 * moved partitions of the time they refused writes (fenced until their leader change ran), the
 * longest single pause {@code longestFenceSeconds}. The serial ways fence nothing (and lose the
 * writes an {@code auto} leader change drops).
 */
public record DrainResult(int leaders, long opMs, long toolPollMs, int maxConcurrentMoves,
    int taskConcurrency, int tables, int queuesUsed, int opsInBusiestQueue,
    double concurrentSeconds, double fencedPartitionSeconds, double longestFenceSeconds,
    int serialLeaders, double serialSeconds, int toolLeaders, double toolSeconds) {

  static final double TOOL_SLEEP_SECONDS = SerialRoll.Pacing.TOOL.waitPollMs() / 1000.0;

  /** The eager serial script's time for {@code leaders}, measured or extrapolated; 0 if not run. */
  double serialSecondsAtN() {
    return serialLeaders <= 0 ? 0 : serialSeconds / serialLeaders * leaders;
  }

  /** The real tool's time for {@code leaders}: measured/extrapolated, else the estimate. */
  double toolSecondsAtN() {
    if (toolLeaders > 0) {
      return toolSeconds / toolLeaders * leaders;
    }
    return leaders * 2 * Math.max(TOOL_SLEEP_SECONDS, opMs / 1000.0);
  }

  boolean toolMeasured() {
    return toolLeaders > 0;
  }

  double speedup() {
    return concurrentSeconds <= 0 ? 0 : serialSecondsAtN() / concurrentSeconds;
  }

  double toolSpeedup() {
    return concurrentSeconds <= 0 ? 0 : toolSecondsAtN() / concurrentSeconds;
  }

  /**
   * The op-queue bound: ops run one at a time in each FIFO queue (pid % taskConcurrency), so the
   * drain takes at least (leader changes in the busiest queue) x op: N / queuesUsed x op when the
   * tablet's leaders are spread evenly (one table over 2 tablets gives a tablet only even or
   * only odd pids: half the queues when taskConcurrency is even).
   */
  double queueBoundSeconds() {
    return opsInBusiestQueue * opMs / 1000.0;
  }

  void print(PrintStream out) {
    out.printf(Locale.ROOT, "drain %d leaders off one tablet (%d table%s; op %d ms, %d op queues"
            + " by pid %% %d, the leaders' changes in %d of them):%n", leaders, tables,
        tables == 1 ? "" : "s", opMs, taskConcurrency, taskConcurrency, queuesUsed);
    out.printf(Locale.ROOT, "  operator (<= %d fenced at once)   %9.2f s  %8.1f ms/leader"
            + "  (op-queue bound %d ops in the busiest queue x op = %.2f s)%n", maxConcurrentMoves,
        concurrentSeconds, concurrentSeconds * 1000 / leaders, opsInBusiestQueue,
        queueBoundSeconds());
    out.printf(Locale.ROOT, "    fenced (writes refused) %.1f partition-s, %.2f s per moved leader,"
            + " longest %.2f s%n", fencedPartitionSeconds, fencedPartitionSeconds / leaders,
        longestFenceSeconds);
    if (serialLeaders > 0) {
      out.printf(Locale.ROOT, "  serial script, poll %4d ms      %9.2f s  %8.1f ms/leader"
              + "  %s: %.1fx slower than the operator%n", toolPollMs, serialSecondsAtN(),
          serialSeconds * 1000 / serialLeaders, extrapolation(serialLeaders, serialSeconds),
          speedup());
    }
    out.printf(Locale.ROOT, "  serial at the real tool's pace   %9.2f s  %8.1f ms/leader"
            + "  %s: %.1fx slower than the operator%n", toolSecondsAtN(),
        toolSecondsAtN() * 1000 / leaders,
        toolMeasured() ? extrapolation(toolLeaders, toolSeconds)
            : "(estimate: 2 waits x 2 s per leader, not run)", toolSpeedup());
  }

  private String extrapolation(int n, double seconds) {
    return n == leaders ? "(measured)"
        : String.format(Locale.ROOT, "(measured %d leaders in %.2f s, extrapolated)", n, seconds);
  }

  ObjectNode json() {
    ObjectNode n = BenchCommand.object();
    n.put("leaders", leaders).put("opMs", opMs).put("toolPollMs", toolPollMs)
        .put("maxConcurrentLeaderMoves", maxConcurrentMoves)
        .put("nsTaskConcurrency", taskConcurrency).put("tables", tables)
        .put("queuesUsed", queuesUsed)
        .put("concurrentSeconds", BenchReport.round(concurrentSeconds))
        .put("fencedPartitionSeconds", BenchReport.round(fencedPartitionSeconds))
        .put("longestFenceSeconds", BenchReport.round(longestFenceSeconds))
        .put("opsInBusiestQueue", opsInBusiestQueue)
        .put("queueBoundSeconds", BenchReport.round(queueBoundSeconds()))
        .put("serialLeadersMeasured", serialLeaders)
        .put("serialSecondsMeasured", BenchReport.round(serialSeconds))
        .put("serialSeconds", BenchReport.round(serialSecondsAtN()))
        .put("speedup", BenchReport.round(speedup()))
        .put("toolLeadersMeasured", toolLeaders)
        .put("toolSecondsMeasured", BenchReport.round(toolSeconds))
        .put("toolSeconds", BenchReport.round(toolSecondsAtN()))
        .put("toolSecondsIsEstimate", !toolMeasured())
        .put("toolSpeedup", BenchReport.round(toolSpeedup()));
    return n;
  }
}
