package ai.openmldb.operator.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of {@code bench} (see {@link #USAGE}). {@link #parse} throws {@link
 * IllegalArgumentException} naming the bad option; the command prints it and exits 2.
 *
 * @param ways which ways to run, in order (default naive, serial, operator)
 * @param tablets tablet pods
 * @param nameservers nameserver pods
 * @param tables tables created before the roll
 * @param partitions partitions per table
 * @param replicas replicas per partition
 * @param podStartMs time from a pod's deletion until its replacement's process starts
 * @param opMs time every nameserver op spends in kDoing
 * @param nsTaskConcurrency the nameserver's {@code name_server_task_concurrency}: ops run one at
 *     a time in each of that many FIFO queues, by {@code pid % N} (OpenMLDB's default 2, max 8)
 * @param replicationLagMs how long an acknowledged write takes to reach the followers
 * @param tableStatusIntervalMs how often the nameserver refreshes the offsets ShowTable shows
 *     from the tablets (OpenMLDB's {@code get_table_status_interval}, 2000; 0: live)
 * @param writeRate writes per second over all partitions
 * @param seed seed of the write order (the load is otherwise deterministic)
 * @param toolPollMs how often the serial tool polls ShowOPStatus while it waits for an op
 * @param maxConcurrentLeaderMoves the operator's bound on concurrent leader moves
 * @param stepPollMs how soon the operator looks again in the middle of a roll step (its
 *     {@code step-poll-interval}, 2 s by default on real clusters; scaled like the other delays)
 * @param drain leaders drained from one tablet by the operator in the drain measurement; 0 skips
 *     the drain measurement
 * @param drainSerial leaders drained by the serial script polling every {@code toolPollMs}
 *     (-1: as many as {@code drain}; 0: not run); its per-leader cost is extrapolated to {@code
 *     drain} when smaller
 * @param drainTool leaders drained serially with the real tool's pacing (0: not run; the
 *     speed-up over the tool is then an estimate); extrapolated per leader like drainSerial
 * @param drainTables tables the drain cluster's 2 x drain partitions are split into; tablet 0
 *     leads the even pids of every other table and the odd pids of the rest (1: one table, tablet
 *     0 leads only even pids)
 * @param scaleTablets tablets of the scale check; 0 skips it
 * @param scalePartitions partitions of the scale check
 * @param warmupRolls rolls each way makes of its cluster before the measured one (each to an
 *     intermediate version, measured and reported as its first roll): the measured roll is that
 *     of a process past its first roll, as a long-running operator is, its code compiled by the
 *     JIT (the first roll after the JVM starts pays for the compilation, on the same cores)
 * @param measuredRolls rolls each way makes after its warm-up rolls, each measured alike; the
 *     table and the targets take the median by wall/busy (one roll's overhead of ~0.5 s moves by
 *     ~0.1 s with the load of the machine, about as much as the target's margin)
 * @param freshOperatorRoll whether the operator way rolls once more after its measured rolls
 *     with a newly started operator in a class loader of its own ({@link FreshOperator}): the
 *     first roll of a new operator process against a cluster and API server that have long been
 *     running, which the first roll after the JVM starts only approximates (there the simulated
 *     API server, kubelet and OpenMLDB run their code for the first time too)
 * @param summary JSON summary file, or null
 * @param chart SVG chart file, or null
 */
public record BenchOptions(
    boolean help,
    List<Way> ways,
    int tablets,
    int nameservers,
    int tables,
    int partitions,
    int replicas,
    long podStartMs,
    long opMs,
    int nsTaskConcurrency,
    long replicationLagMs,
    long tableStatusIntervalMs,
    int writeRate,
    long seed,
    long toolPollMs,
    int maxConcurrentLeaderMoves,
    long stepPollMs,
    int drain,
    int drainSerial,
    int drainTool,
    int drainTables,
    int scaleTablets,
    int scalePartitions,
    int warmupRolls,
    int measuredRolls,
    boolean freshOperatorRoll,
    Path summary,
    Path chart) {

  public static final String USAGE = """
      usage: java -jar openmldb-operator.jar bench [options]

      Runs the same simulated OpenMLDB cluster and write load through three ways of upgrading it
      (naive StatefulSet rolling update, the official tool run serially, this operator), with the
      same pod start delay and nameserver op latency, and prints wall time, leaderless
      partition-seconds, lost writes, leader moves and overhead per way. Then measures draining
      leaders off one tablet (serial vs concurrent) and one reconcile pass at scale.

      cluster and load:
        --tablets N              tablet pods (default 4)
        --nameservers N          nameserver pods (default 2)
        --tables N               tables (default 2)
        --partitions N           partitions per table (default 8)
        --replicas N             replicas per partition, at most --tablets (default 3)
        --write-rate N           writes per second over all partitions (default 1000)
        --seed N                 seed of the write order (default 42)
      simulation (the same for every way):
        --pod-start-ms N         pod deletion to new process start (default 500)
        --op-ms N                time of one nameserver op (default 100)
        --ns-task-concurrency N  the nameserver's name_server_task_concurrency: ops run one at
                                 a time in each of N queues, by pid % N (1..8, default 2)
        --replication-lag-ms N   leader to follower replication delay (default 20)
        --table-status-interval-ms N  how often the nameserver refreshes the offsets ShowTable
                                 shows from the tablets (OpenMLDB's get_table_status_interval,
                                 default 2000; 0 = live offsets)
        --tool-poll-ms N         serial way: ShowOPStatus poll interval while waiting for an op
                                 (default 50, more eager than the real tool, which sleeps 2000:
                                 that is the serial-tool way)
        --max-concurrent-moves N operator: concurrent leader moves (default 16)
        --step-poll-ms N         operator: step-poll-interval, how soon it looks again while a
                                 step waits (default 100; 2000 on real clusters)
      what to run:
        --ways LIST              comma-separated subset of naive,serial,serial-tool,operator
                                 (default naive,serial,operator; serial-tool takes minutes)
        --drain N                leaders drained off one tablet by the operator, against
                                 serial scripts (default 100; 0 skips the drain)
        --drain-serial N         leaders drained by the serial script polling every
                                 --tool-poll-ms (default: as --drain; 0 skips); per-leader
                                 cost extrapolated to --drain when smaller
        --drain-tool N           leaders drained serially at the real tool's pace (2 s
                                 WaitingOP sleep; default 0 = not run, estimate instead)
        --drain-tables N         split the drain cluster's partitions into N tables (default
                                 1); tablet 0 leads even pids in half of them, odd pids in the
                                 other half, as OpenMLDB's shuffled placement does on average
        --scale-tablets N        tablets of the one-pass scale check (default 100; 0 skips)
        --scale-partitions N     partitions of the scale check (default 10000)
        --warmup-rolls N         rolls each way makes of its cluster first, to intermediate
                                 versions (default 1; 0..3); the table shows the roll after
                                 them, and each way's first roll is printed below it: the
                                 first roll after the JVM starts pays for the JIT compiling the
                                 code, on the same cores as the cluster
        --measured-rolls N       rolls each way makes after the warm-up rolls, each measured
                                 (default 3; 1..5); the table and the targets take each
                                 way's median by wall/busy, and every roll is printed below
        --fresh-operator-roll B  true: after its measured rolls the operator way stops its
                                 operator and rolls once more with a newly started one, in a
                                 class loader of its own (its code runs for the first time,
                                 the cluster's does not), as after an operator restart;
                                 listed with the targets as a figure (default true)
      output:
        --summary FILE           write the results as JSON
        --chart FILE             write an SVG chart of leaderless partitions over time
        -h, --help               this text
      """;

  public static BenchOptions defaults() {
    return new BenchOptions(false, List.of(Way.NAIVE, Way.SERIAL, Way.OPERATOR), 4, 2, 2, 8, 3,
        500, 100, 2, 20, 2000, 1000, 42, 50, 16, 100, 100, -1, 0, 1, 100, 10_000, 1, 3,
        true, null, null);
  }

  public static BenchOptions parse(String[] args) {
    BenchOptions o = defaults();
    boolean help = false;
    List<Way> ways = o.ways;
    int tablets = o.tablets;
    int nameservers = o.nameservers;
    int tables = o.tables;
    int partitions = o.partitions;
    int replicas = o.replicas;
    long podStart = o.podStartMs;
    long op = o.opMs;
    int taskConcurrency = o.nsTaskConcurrency;
    long lag = o.replicationLagMs;
    long tableStatus = o.tableStatusIntervalMs;
    int rate = o.writeRate;
    long seed = o.seed;
    long poll = o.toolPollMs;
    int moves = o.maxConcurrentLeaderMoves;
    long stepPoll = o.stepPollMs;
    int drain = o.drain;
    int drainSerial = o.drainSerial;
    int drainTool = o.drainTool;
    int drainTables = o.drainTables;
    int scaleTablets = o.scaleTablets;
    int scalePartitions = o.scalePartitions;
    int warmupRolls = o.warmupRolls;
    int measuredRolls = o.measuredRolls;
    boolean freshOperatorRoll = o.freshOperatorRoll;
    Path summary = null;
    Path chart = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        help = true;
        continue;
      }
      String name = a;
      String value;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--ways" -> ways = parseWays(value);
        case "--tablets" -> tablets = intAtLeast(name, value, 1);
        case "--nameservers" -> nameservers = intAtLeast(name, value, 1);
        case "--tables" -> tables = intAtLeast(name, value, 1);
        case "--partitions" -> partitions = intAtLeast(name, value, 1);
        case "--replicas" -> replicas = intAtLeast(name, value, 1);
        case "--pod-start-ms" -> podStart = intAtLeast(name, value, 0);
        case "--op-ms" -> op = intAtLeast(name, value, 0);
        case "--ns-task-concurrency" -> taskConcurrency = intAtLeast(name, value, 1);
        case "--replication-lag-ms" -> lag = intAtLeast(name, value, 0);
        case "--table-status-interval-ms" -> tableStatus = intAtLeast(name, value, 0);
        case "--write-rate" -> rate = intAtLeast(name, value, 0);
        case "--seed" -> seed = longValue(name, value);
        case "--tool-poll-ms" -> poll = intAtLeast(name, value, 1);
        case "--max-concurrent-moves" -> moves = intAtLeast(name, value, 1);
        case "--step-poll-ms" -> stepPoll = intAtLeast(name, value, 1);
        case "--drain" -> drain = intAtLeast(name, value, 0);
        case "--drain-serial" -> drainSerial = intAtLeast(name, value, 0);
        case "--drain-tool" -> drainTool = intAtLeast(name, value, 0);
        case "--drain-tables" -> drainTables = intAtLeast(name, value, 1);
        case "--scale-tablets" -> scaleTablets = intAtLeast(name, value, 0);
        case "--scale-partitions" -> scalePartitions = intAtLeast(name, value, 1);
        case "--warmup-rolls" -> warmupRolls = intAtLeast(name, value, 0);
        case "--measured-rolls" -> measuredRolls = intAtLeast(name, value, 1);
        case "--fresh-operator-roll" -> freshOperatorRoll = bool(name, value);
        case "--summary" -> summary = Path.of(value);
        case "--chart" -> chart = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    if (replicas > tablets) {
      throw new IllegalArgumentException(
          "--replicas " + replicas + " is more than --tablets " + tablets);
    }
    if (taskConcurrency > 8) {
      throw new IllegalArgumentException("--ns-task-concurrency must be 1..8 (OpenMLDB's "
          + "name_server_task_max_concurrency), got " + taskConcurrency);
    }
    for (int n : new int[] {drain, serialOrDrain(drainSerial, drain), drainTool}) {
      if (n > 0 && (2 * n) % drainTables != 0) {
        throw new IllegalArgumentException("--drain-tables " + drainTables + " must divide the "
            + "drain clusters' 2 x leaders partitions (" + 2 * n + ")");
      }
    }
    if (warmupRolls > BenchWorld.WARMUP_VERSIONS.size()) {
      throw new IllegalArgumentException("--warmup-rolls must be 0.."
          + BenchWorld.WARMUP_VERSIONS.size() + ", got " + warmupRolls);
    }
    if (measuredRolls > BenchWorld.MEASURED_VERSIONS.size()) {
      throw new IllegalArgumentException("--measured-rolls must be 1.."
          + BenchWorld.MEASURED_VERSIONS.size() + ", got " + measuredRolls);
    }
    if (scaleTablets > 0 && scaleTablets < 2) {
      throw new IllegalArgumentException("--scale-tablets must be 0 or at least 2");
    }
    return new BenchOptions(help, ways, tablets, nameservers, tables, partitions, replicas,
        podStart, op, taskConcurrency, lag, tableStatus, rate, seed, poll, moves, stepPoll, drain,
        drainSerial,
        drainTool, drainTables, scaleTablets, scalePartitions, warmupRolls, measuredRolls,
        freshOperatorRoll, summary, chart);
  }

  private static List<Way> parseWays(String value) {
    List<Way> out = new ArrayList<>();
    for (String s : value.split(",")) {
      String id = s.trim().toLowerCase(Locale.ROOT);
      Way w = null;
      for (Way c : Way.values()) {
        if (c.id().equals(id)) {
          w = c;
        }
      }
      if (w == null) {
        throw new IllegalArgumentException(
            "--ways: unknown way '" + s + "' (naive, serial, serial-tool, operator)");
      }
      if (!out.contains(w)) {
        out.add(w);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--ways is empty");
    }
    return List.copyOf(out);
  }

  private static int intAtLeast(String name, String value, int min) {
    long v = longValue(name, value);
    if (v < min || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be an integer >= " + min + ", got " + value);
    }
    return (int) v;
  }

  private static boolean bool(String name, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(
          name + " must be true or false, got '" + value + "'");
    };
  }

  private static long longValue(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
    }
  }

  /** The same timings and load on a cluster of another shape. */
  BenchOptions withShape(int newNameservers, int newTablets, int newTables, int newPartitions,
      int newReplicas) {
    return new BenchOptions(help, ways, newTablets, newNameservers, newTables, newPartitions,
        newReplicas, podStartMs, opMs, nsTaskConcurrency, replicationLagMs,
        tableStatusIntervalMs, writeRate, seed,
        toolPollMs, maxConcurrentLeaderMoves, stepPollMs, drain, drainSerial, drainTool,
        drainTables, scaleTablets, scalePartitions, warmupRolls, measuredRolls, freshOperatorRoll,
        summary, chart);
  }

  /** Leaders the generous serial drain moves (0: not run). */
  public int serialDrainLeaders() {
    return serialOrDrain(drainSerial, drain);
  }

  private static int serialOrDrain(int drainSerial, int drain) {
    return drainSerial < 0 ? drain : drainSerial;
  }

  /**
   * The versions a way's cluster goes through, in order, after {@link BenchWorld#FROM}: the
   * warm-up rolls' and then the measured rolls', the first of them {@link BenchWorld#TO}.
   */
  public List<String> rollVersions() {
    List<String> out = new ArrayList<>(BenchWorld.WARMUP_VERSIONS.subList(0, warmupRolls));
    out.addAll(BenchWorld.MEASURED_VERSIONS.subList(0, measuredRolls));
    return out;
  }

  /** Partitions of the benchmarked cluster. */
  public int totalPartitions() {
    return tables * partitions;
  }
}
