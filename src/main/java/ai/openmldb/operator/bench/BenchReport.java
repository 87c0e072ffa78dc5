package ai.openmldb.operator.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Everything one bench run measured: the table it prints and the JSON summary. */
public record BenchReport(
    BenchOptions options,
    Map<Way, WayResult> byWay,
    DrainResult drain,
    ScaleResult scale,
    List<String> failures) {

  public List<WayResult> results() {
    return List.copyOf(byWay.values());
  }

  /** The performance targets, each judged from this run's figures. */
  List<BenchTargets.Target> targets() {
    return BenchTargets.judge(this);
  }

  String chartTitle() {
    return String.format(Locale.ROOT,
        "Leaderless partitions during the upgrade (%d tablets, %d partitions x %d replicas)",
        options.tablets(), options.totalPartitions(), options.replicas());
  }

  /** One roll of a way on one line, below the table. */
  private static void printRoll(PrintStream out, Way way, WayResult roll) {
    out.printf(Locale.ROOT,
        "%-11s %8.2f s wall, %.2f s busy, %.2f s overhead, wall/busy %.3f, lost/acked %s,"
            + " leaderless %.2f partition-s%s%n",
        way.id(), roll.wallSeconds(), roll.busySeconds(), roll.overheadSeconds(),
        roll.wallOverBusy(), roll.lostWrites() + "/" + roll.acknowledgedWrites(),
        roll.leaderlessPartitionSeconds(), roll.unhealthyAfter() == null ? ""
            : ", left unhealthy (" + roll.failedOpList().size() + " ops kFailed)");
  }

  void print(PrintStream out) {
    BenchOptions o = options;
    out.printf(Locale.ROOT,
        "%nbench: %d nameservers, %d tablets, %d tables x %d partitions x %d replicas; "
            + "pod start %d ms, op %d ms in %d queues (pid %% %d), replication lag %d ms, "
            + "ShowTable offsets refreshed every %d ms, %d writes/s%n%n",
        o.nameservers(), o.tablets(), o.tables(), o.partitions(), o.replicas(), o.podStartMs(),
        o.opMs(), o.nsTaskConcurrency(), o.nsTaskConcurrency(), o.replicationLagMs(),
        o.tableStatusIntervalMs(), o.writeRate());
    out.printf(Locale.ROOT, "%-11s %8s %11s %12s %7s %11s %6s %9s %8s %8s %9s %6s %8s%n",
        "way", "wall s", "leaderless", "unavailable", "fenced", "lost/acked", "moves",
        "pod wait", "op wait", "busy s", "overhead", "wall/", "leaders");
    out.printf(Locale.ROOT, "%-11s %8s %11s %12s %7s %11s %6s %9s %8s %8s %9s %6s %8s%n",
        "", "", "partition-s", "partition-s", "p-s", "", "", "s", "s", "", "s", "busy",
        "restored");
    for (WayResult r : byWay.values()) {
      out.printf(Locale.ROOT,
          "%-11s %8.2f %11.2f %12.2f %7.2f %11s %6d %9.2f %8.2f %8.2f %9.2f %6.3f %8s%n",
          r.way().id(), r.wallSeconds(), r.leaderlessPartitionSeconds(),
          r.writeUnavailablePartitionSeconds(), r.fencedPartitionSeconds(),
          r.lostWrites() + "/" + r.acknowledgedWrites(), r.leaderMoves(), r.podWaitSeconds(),
          r.opWaitSeconds(), r.busySeconds(), r.overheadSeconds(), r.wallOverBusy(),
          r.leadersRestored() ? "yes" : "no");
    }
    if (byWay.values().stream().anyMatch(r -> r.measuredRolls().size() > 1)) {
      out.printf(Locale.ROOT, "%neach measured roll (to %s; the table above shows each way's"
          + " median by wall/busy):%n", String.join(", ",
              o.rollVersions().subList(o.warmupRolls(), o.rollVersions().size())));
      for (WayResult r : byWay.values()) {
        for (WayResult m : r.allMeasured()) {
          printRoll(out, r.way(), m);
        }
      }
    }
    if (byWay.values().stream().anyMatch(r -> r.firstRoll() != null)) {
      out.printf(Locale.ROOT, "%nthe first roll of each way's cluster (to %s; the table above is"
          + " %s, as a long-running process does it):%n", o.rollVersions().get(0),
          o.warmupRolls() == 0 ? "the median of its rolls"
              : "after " + o.warmupRolls() + " warm-up roll" + (o.warmupRolls() == 1 ? "" : "s"));
      for (WayResult r : byWay.values()) {
        if (r.firstRoll() != null) {
          printRoll(out, r.way(), r.firstRoll());
        }
      }
    }
    WayResult fresh = byWay.containsKey(Way.OPERATOR)
        ? byWay.get(Way.OPERATOR).freshOperatorRoll() : null;
    if (fresh != null) {
      out.printf(Locale.ROOT, "%nthe first roll of a newly started operator (to %s, after the"
          + " measured rolls; its code in a class loader of its own runs for the first time, the"
          + " cluster's and the API server's do not, as after an operator restart):%n",
          BenchWorld.FRESH_OPERATOR_VERSION);
      printRoll(out, Way.OPERATOR, fresh);
    }
    for (WayResult r : byWay.values()) {
      if (r.unhealthyAfter() != null) {
        out.printf(Locale.ROOT, "%s left the cluster unhealthy: %s; failed ops: %s%n",
            r.way().id(), r.unhealthyAfter(), r.failedOpList());
      }
    }
    WayResult op = byWay.get(Way.OPERATOR);
    for (Way base : List.of(Way.NAIVE, Way.SERIAL, Way.SERIAL_TOOL)) {
      WayResult b = byWay.get(base);
      if (op != null && b != null) {
        out.printf(Locale.ROOT,
            "operator/%s: wall %s, leaderless %s, lost writes %s, leader moves %s, overhead %s%n",
            base.id(), ratioText(op.wallSeconds(), b.wallSeconds()),
            ratioText(op.leaderlessPartitionSeconds(), b.leaderlessPartitionSeconds()),
            ratioText(op.lostWrites(), b.lostWrites()),
            ratioText(op.leaderMoves(), b.leaderMoves()),
            ratioText(op.overheadSeconds(), b.overheadSeconds()));
      }
    }
    if (drain != null) {
      drain.print(out);
    }
    if (scale != null) {
      scale.print(out);
    }
    BenchTargets.print(targets(), out);
    for (String f : failures) {
      out.println("FAILED " + f);
    }
  }

  private static String ratioText(double a, double b) {
    Double r = ratio(a, b);
    return r == null ? String.format(Locale.ROOT, "%s/0", fmt(a))
        : String.format(Locale.ROOT, "%.3f", r);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }

  static Double ratio(double a, double b) {
    return b == 0 ? null : a / b;
  }

  String json() throws JsonProcessingException {
    ObjectNode root = BenchCommand.object();
    BenchOptions o = options;
    ObjectNode p = root.putObject("parameters");
    p.put("nameservers", o.nameservers()).put("tablets", o.tablets()).put("tables", o.tables())
        .put("partitionsPerTable", o.partitions()).put("replicas", o.replicas())
        .put("podStartMs", o.podStartMs()).put("opMs", o.opMs())
        .put("nsTaskConcurrency", o.nsTaskConcurrency())
        .put("replicationLagMs", o.replicationLagMs())
        .put("tableStatusIntervalMs", o.tableStatusIntervalMs()).put("writeRate", o.writeRate())
        .put("seed", o.seed()).put("toolPollMs", o.toolPollMs())
        .put("maxConcurrentLeaderMoves", o.maxConcurrentLeaderMoves())
        .put("stepPollMs", o.stepPollMs())
        .put("warmupRolls", o.warmupRolls())
        .put("measuredRolls", o.measuredRolls())
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("loadAverageAtEnd", round(java.lang.management.ManagementFactory
            .getOperatingSystemMXBean().getSystemLoadAverage()))
        .put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    ObjectNode ways = root.putObject("ways");
    for (WayResult r : byWay.values()) {
      ObjectNode w = ways.putObject(r.way().id());
      putFigures(w, r);
      if (r.firstRoll() != null) {
        putFigures(w.putObject("firstRoll"), r.firstRoll());
      }
      if (r.freshOperatorRoll() != null) {
        putFigures(w.putObject("freshOperatorRoll"), r.freshOperatorRoll());
      }
      // the figures above are the median roll's (by wall/busy); here every measured roll
      ArrayNode rolls = w.putArray("measuredRolls");
      for (WayResult m : r.allMeasured()) {
        putFigures(rolls.addObject(), m);
      }
    }
    ObjectNode ratios = root.putObject("ratios");
    WayResult op = byWay.get(Way.OPERATOR);
    for (Way base : List.of(Way.NAIVE, Way.SERIAL, Way.SERIAL_TOOL)) {
      WayResult b = byWay.get(base);
      if (op == null || b == null) {
        continue;
      }
      ObjectNode r = ratios.putObject("operatorOver" + capitalize(base.id()));
      putRatio(r, "wallSeconds", op.wallSeconds(), b.wallSeconds());
      putRatio(r, "leaderlessPartitionSeconds", op.leaderlessPartitionSeconds(),
          b.leaderlessPartitionSeconds());
      putRatio(r, "lostWrites", op.lostWrites(), b.lostWrites());
      putRatio(r, "leaderMoves", op.leaderMoves(), b.leaderMoves());
      putRatio(r, "overheadSeconds", op.overheadSeconds(), b.overheadSeconds());
    }
    if (drain != null) {
      root.set("drain", drain.json());
    }
    if (scale != null) {
      root.set("scale", scale.json());
    }
    root.set("targets", BenchTargets.json(targets()));
    ArrayNode f = root.putArray("failures");
    failures.forEach(f::add);
    return BenchCommand.mapper().writeValueAsString(root);
  }

  private static void putFigures(ObjectNode w, WayResult r) {
    w.put("wallSeconds", round(r.wallSeconds()))
        .put("leaderlessPartitionSeconds", round(r.leaderlessPartitionSeconds()))
        .put("writeUnavailablePartitionSeconds", round(r.writeUnavailablePartitionSeconds()))
        .put("fencedPartitionSeconds", round(r.fencedPartitionSeconds()))
        .put("acknowledgedWrites", r.acknowledgedWrites())
        .put("lostWrites", r.lostWrites())
        .put("leaderMoves", r.leaderMoves())
        .put("failedOps", r.failedOps())
        .put("leadersRestored", r.leadersRestored())
        .put("allOnTargetVersion", r.allOnTarget())
        .put("podWaitSeconds", round(r.podWaitSeconds()))
        .put("opWaitSeconds", round(r.opWaitSeconds()))
        .put("busySeconds", round(r.busySeconds()))
        .put("overheadSeconds", round(r.overheadSeconds()))
        .put("wallOverBusy", round(r.wallOverBusy()))
        .put("maxLeaderlessPartitions", r.maxLeaderless())
        .put("healthyAfter", r.unhealthyAfter() == null);
    if (r.unhealthyAfter() != null) {
      w.put("unhealthyAfterReason", r.unhealthyAfter());
    }
    ArrayNode fo = w.putArray("failedOpList");
    r.failedOpList().forEach(fo::add);
  }

  private static void putRatio(ObjectNode n, String field, double a, double b) {
    Double r = ratio(a, b);
    if (r == null) {
      n.putNull(field);
    } else {
      n.put(field, round(r));
    }
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** {@code serial-tool} -> {@code SerialTool}. */
  private static String capitalize(String s) {
    StringBuilder out = new StringBuilder();
    for (String part : s.split("-")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }
}
