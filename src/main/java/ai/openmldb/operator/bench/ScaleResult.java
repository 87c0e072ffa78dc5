package ai.openmldb.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Locale;

/**
 * One reconcile pass (observation + planner) at scale.
 *
 * @param observeMillis median time of the observation (ZooKeeper caches and three RPCs)
 * @param decideMillis median time of the planner's decision
 * @param passMillis median of observation + decision
 * @param maxPassMillis slowest pass
 * @param parseMillis median time the operator spends parsing the ShowTable response
 * @param ownMillis median of parse + decision: the operator's own CPU share of a pass
 * @param showTableKiB size of the ShowTable response
 * @param rpcsPerPass RPCs one pass sends (does not grow with partitions)
 * @param decision the decision taken (the first tablet's leader plan)
 * @param observationHeapMiB heap retained by one observation
 * @param heapUsedMiB heap in use after GC with the simulated cluster and one observation
 * @param maxHeapMiB the JVM's heap limit (-Xmx)
 */
public record ScaleResult(int tablets, int partitions, int passes, double observeMillis,
    double decideMillis, double passMillis, double maxPassMillis, double parseMillis, double ownMillis, int showTableKiB,
    int rpcsPerPass, String decision,
    double observationHeapMiB, double heapUsedMiB, double maxHeapMiB, double setupSeconds) {
  void print(PrintStream out) {
    out.printf(Locale.ROOT,
        "scale: %d tablets, %d partitions: one pass %.1f ms median (observe %.1f incl. the "
            + "simulated nameserver building a %d KiB ShowTable + plan %.1f), max %.1f ms over %d "
            + "passes; operator's own share (parse %.1f + plan) %.1f ms; %d RPCs per pass; "
            + "observation %.1f MiB, heap used %.0f of %.0f MiB (simulated cluster included)%n"
            + "  decision: %s%n",
        tablets, partitions, passMillis, observeMillis, showTableKiB, decideMillis, maxPassMillis,
        passes, parseMillis, ownMillis, rpcsPerPass, observationHeapMiB, heapUsedMiB, maxHeapMiB,
        decision);
  }

  ObjectNode json() {
    return BenchCommand.object().put("tablets", tablets).put("partitions", partitions)
        .put("passes", passes).put("passMillisMedian", BenchReport.round(passMillis))
        .put("observeMillisMedian", BenchReport.round(observeMillis))
        .put("decideMillisMedian", BenchReport.round(decideMillis))
        .put("passMillisMax", BenchReport.round(maxPassMillis))
        .put("parseMillisMedian", BenchReport.round(parseMillis))
        .put("ownMillisMedian", BenchReport.round(ownMillis)).put("showTableKiB", showTableKiB)
        .put("rpcsPerPass", rpcsPerPass)
        .put("decision", decision)
        .put("observationHeapMiB", BenchReport.round(observationHeapMiB))
        .put("heapUsedMiB", BenchReport.round(heapUsedMiB))
        .put("maxHeapMiB", BenchReport.round(maxHeapMiB))
        .put("setupSeconds", BenchReport.round(setupSeconds));
  }
}
