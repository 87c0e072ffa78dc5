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
 */
public record DrainResult(int leaders, long opMs, long toolPollMs, int maxConcurrentMoves,
    int opsInBusiestQueue, double concurrentSeconds, int serialLeaders, double serialSeconds, int toolLeaders,
    double toolSeconds) {

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
   * The op-queue bound: ops run one at a time in each of 2 FIFO queues (pid % 2), so the drain
   * takes at least (leader changes in the busier queue) x op: N/2 x op when the tablet's leaders
   * are spread evenly over both, N x op when they share one (round-robin placement over an even
   * number of tablets puts every leader of a tablet on pids of one parity).
   */
  double queueBoundSeconds() {
    return opsInBusiestQueue * opMs / 1000.0;
  }

  void print(PrintStream out) {
    out.printf(Locale.ROOT, "drain %d leaders off one tablet (op %d ms):%n", leaders, opMs);
    out.printf(Locale.ROOT, "  operator (<= %d fenced at once)   %9.2f s  %8.1f ms/leader"
            + "  (op-queue bound %d ops in the busier queue x op = %.2f s)%n", maxConcurrentMoves,
        concurrentSeconds, concurrentSeconds * 1000 / leaders, opsInBusiestQueue,
        queueBoundSeconds());
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
        .put("concurrentSeconds", BenchReport.round(concurrentSeconds))
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
