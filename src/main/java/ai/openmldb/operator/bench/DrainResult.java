package ai.openmldb.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Draining N leaders off one tablet: serial (the tool's pre-upgrade, one op at a time) vs
 * concurrent (the operator's fenced waves), with the same op latency.
 *
 * <p>{@link #toolSerialSecondsEstimate()} is what the serial drain costs with the real tool's
 * 2-second {@code WaitingOP} sleep: each of its two waits per leader then lasts at least 2 s
 * (an estimate, not a measurement).
 */
public record DrainResult(int leaders, long opMs, long toolPollMs, int maxConcurrentMoves,
    double serialSeconds, double concurrentSeconds) {

  static final double TOOL_SLEEP_SECONDS = 2.0;

  double speedup() {
    return concurrentSeconds <= 0 ? 0 : serialSeconds / concurrentSeconds;
  }

  double toolSerialSecondsEstimate() {
    double perOp = Math.max(TOOL_SLEEP_SECONDS, opMs / 1000.0);
    return Math.max(serialSeconds, leaders * 2 * perOp);
  }

  void print(PrintStream out) {
    out.printf(Locale.ROOT,
        "drain %d leaders off one tablet (op %d ms): serial %.2f s (%.1f ms/leader, poll %d ms), "
            + "concurrent (operator, %d at a time) %.2f s (%.1f ms/leader): %.1fx; with the "
            + "tool's 2 s WaitingOP sleep the serial drain would take about %.0f s (%.0fx)%n",
        leaders, opMs, serialSeconds, serialSeconds * 1000 / leaders, toolPollMs,
        maxConcurrentMoves, concurrentSeconds, concurrentSeconds * 1000 / leaders, speedup(),
        toolSerialSecondsEstimate(), toolSerialSecondsEstimate() / concurrentSeconds);
  }

  ObjectNode json() {
    ObjectNode n = BenchCommand.object();
    n.put("leaders", leaders).put("opMs", opMs).put("toolPollMs", toolPollMs)
        .put("maxConcurrentLeaderMoves", maxConcurrentMoves)
        .put("serialSeconds", BenchReport.round(serialSeconds))
        .put("concurrentSeconds", BenchReport.round(concurrentSeconds))
        .put("speedup", BenchReport.round(speedup()))
        .put("toolSerialSecondsEstimate", BenchReport.round(toolSerialSecondsEstimate()))
        .put("toolSpeedupEstimate", BenchReport.round(toolSerialSecondsEstimate()
            / Math.max(1e-9, concurrentSeconds)));
    return n;
  }
}
