package ai.openmldb.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;

/** Draining leaders off one tablet: serial (one op at a time) vs concurrent. */
public record DrainResult(int leaders, double serialSeconds, double concurrentSeconds,
    double toolPollSerialSecondsPerLeader) {
  void print(PrintStream out) {
    out.printf(java.util.Locale.ROOT, "drain %d leaders: serial %.2fs, concurrent %.2fs%n",
        leaders, serialSeconds, concurrentSeconds);
  }

  ObjectNode json() {
    ObjectNode n = BenchCommand.object();
    n.put("leaders", leaders).put("serialSeconds", BenchReport.round(serialSeconds))
        .put("concurrentSeconds", BenchReport.round(concurrentSeconds));
    return n;
  }
}
