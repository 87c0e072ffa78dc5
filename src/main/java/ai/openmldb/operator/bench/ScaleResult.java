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
 * @param passCpuMillis median CPU time of the thread running the pass (the operator's parsing and
 *     planning inside the pass; the simulated nameserver's work runs on its own threads)
 * @param simulatorMillis median time the simulated nameserver takes, alone, to snapshot and write
 *     the ShowTable response (the simulator's share; a real nameserver runs elsewhere)
 * @param parseMillis median time the operator takes, alone, to parse that response into records
 * @param ownMillis median of parse + decision: the operator's own share of a pass
 * @param showTableKiB size of the ShowTable response
 * @param rpcsPerPass RPCs one pass reading the whole metadata sends (does not grow with
 *     partitions)
 * @param bytesPerPass response bytes of such a pass
 * @param unchangedPassMillis median of a pass with nothing changed since the previous one
 * @param unchangedRpcs RPCs of such a pass (the metadata is kept: no ShowTable)
 * @param unchangedBytes response bytes of such a pass
 * @param unchangedShowTables ShowTable calls over all the unchanged passes (0)
 * @param unchangedShowOps ShowOPStatus calls over all the unchanged passes (0)
 * @param decision the decision taken (the first tablet's leader plan)
 * @param observationHeapMiB heap retained by one observation
 * @param heapUsedMiB heap in use after GC with the simulated cluster and one observation
 * @param maxHeapMiB the JVM's heap limit (-Xmx)
 */
public record ScaleResult(int tablets, int partitions, int passes, double observeMillis,
    double decideMillis, double passMillis, double maxPassMillis, double passCpuMillis,
    double simulatorMillis,
    double parseMillis, double ownMillis, int showTableKiB,
    int rpcsPerPass, long bytesPerPass, double unchangedPassMillis, int unchangedRpcs,
    long unchangedBytes, long unchangedShowTables, long unchangedShowOps, String decision,
    double observationHeapMiB, double heapUsedMiB, double maxHeapMiB, double setupSeconds) {
  void print(PrintStream out) {
    out.printf(Locale.ROOT,
        "scale: %d tablets, %d partitions: one pass end to end %.1f ms median, max %.1f over %d "
            + "passes (observe %.1f incl. a %d KiB ShowTable from the simulated nameserver in this "
            + "JVM + plan %.1f), of which the operator's thread on CPU %.1f; alone: simulator "
            + "writes ShowTable %.1f ms, operator parses it "
            + "%.1f ms, operator's own share (parse + plan) %.1f ms; %d RPCs, %d KiB per pass; "
            + "observation %.1f MiB, heap used after GC %.0f of %.0f MiB (simulated cluster "
            + "included)%n"
            + "  a pass with nothing changed since the last: %.1f ms median, %d RPCs, %d bytes, "
            + "%d ShowTable and %d ShowOPStatus in %d passes%n"
            + "  decision: %s%n",
        tablets, partitions, passMillis, maxPassMillis, passes, observeMillis, showTableKiB,
        decideMillis, passCpuMillis, simulatorMillis, parseMillis, ownMillis, rpcsPerPass,
        bytesPerPass / 1024, observationHeapMiB, heapUsedMiB, maxHeapMiB, unchangedPassMillis,
        unchangedRpcs, unchangedBytes, unchangedShowTables, unchangedShowOps, passes, decision);
  }

  ObjectNode json() {
    return BenchCommand.object().put("tablets", tablets).put("partitions", partitions)
        .put("passes", passes).put("passMillisMedian", BenchReport.round(passMillis))
        .put("observeMillisMedian", BenchReport.round(observeMillis))
        .put("decideMillisMedian", BenchReport.round(decideMillis))
        .put("passMillisMax", BenchReport.round(maxPassMillis))
        .put("passCpuMillisMedian", BenchReport.round(passCpuMillis))
        .put("simulatorMillisMedian", BenchReport.round(simulatorMillis))
        .put("parseMillisMedian", BenchReport.round(parseMillis))
        .put("ownMillisMedian", BenchReport.round(ownMillis)).put("showTableKiB", showTableKiB)
        .put("rpcsPerPass", rpcsPerPass).put("bytesPerPass", bytesPerPass)
        .put("unchangedPassMillisMedian", BenchReport.round(unchangedPassMillis))
        .put("unchangedRpcsPerPass", unchangedRpcs).put("unchangedBytesPerPass", unchangedBytes)
        .put("unchangedShowTables", unchangedShowTables)
        .put("unchangedShowOpStatus", unchangedShowOps)
        .put("decision", decision)
        .put("observationHeapMiB", BenchReport.round(observationHeapMiB))
        .put("heapUsedMiB", BenchReport.round(heapUsedMiB))
        .put("maxHeapMiB", BenchReport.round(maxHeapMiB))
        .put("setupSeconds", BenchReport.round(setupSeconds));
  }
}
