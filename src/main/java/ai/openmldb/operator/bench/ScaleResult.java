package ai.openmldb.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;

/** One reconcile pass (observation + planner) at scale. */
public record ScaleResult(int tablets, int partitions) {
  void print(PrintStream out) {
    out.printf("scale %d tablets %d partitions%n", tablets, partitions);
  }

  ObjectNode json() {
    return BenchCommand.object().put("tablets", tablets).put("partitions", partitions);
  }
}
