package ai.openmldb.operator.sandbox;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Command-line options of {@code sandbox} (see {@link #USAGE}). {@link #parse} throws
 * {@link UsageException} with a message naming the bad option; the command prints it and exits 2.
 *
 * @param tables tables created before the roll
 * @param partitions partitions per table
 * @param replicas replicas per partition (at most {@code tablets})
 * @param writeRate writes per second spread over all partitions; 0 for none
 * @param podStartMs simulated pod start time (image pull + process start)
 * @param opMs simulated duration of one nameserver op
 * @param nsTaskConcurrency the nameserver's {@code name_server_task_concurrency}: ops run in
 *     queues by {@code pid % N} (1..8, OpenMLDB's default 2)
 * @param port API server port; 0 picks a free one
 * @param kubeconfig where the kubeconfig is written; null for a temporary file
 * @param chaosStuckPod pod that never becomes ready once it runs {@code to}; null for none
 * @param chaosNameserverOutageSeconds how long every nameserver refuses connections; 0 for never
 * @param chaosReplicationLagMs how late followers receive each entry during the roll; 0 for the
 *     simulator's default
 * @param stepTimeoutSeconds the roll's step timeouts ({@code spec.upgrade.*TimeoutSeconds}); 0
 *     keeps the CRD's defaults
 */
public record SandboxOptions(
    boolean help,
    boolean keepRunning,
    int tablets,
    int tables,
    int partitions,
    int replicas,
    String from,
    String to,
    int writeRate,
    long seed,
    Path summary,
    long podStartMs,
    long opMs,
    int nsTaskConcurrency,
    String namespace,
    int port,
    Path kubeconfig,
    int chaosOperatorRestarts,
    boolean chaosRestartAtSteps,
    boolean chaosZkMemberLoss,
    boolean chaosZkSessionExpiry,
    boolean chaosNameserverFailover,
    String chaosStuckPod,
    boolean chaosFailedOp,
    int chaosNameserverOutageSeconds,
    int chaosReplicationLagMs,
    int stepTimeoutSeconds) {

  public static final String USAGE = """
      usage: java -jar openmldb-operator.jar sandbox [options]

      Runs the real operator against an embedded world (Kubernetes API, StatefulSet controller and
      kubelet, ZooKeeper, simulated OpenMLDB), creates the sample cluster, writes to it, rolls it
      from --from to --to and prints a summary. Exit code 0 only when every pod reached the target
      version and no acknowledged write was lost.

      cluster and load:
        --tablets N              tablet pods (default 3)
        --tables N               tables to create (default 2)
        --partitions N           partitions per table (default 4)
        --replicas N             replicas per partition, at most --tablets (default 3)
        --from VERSION           version the cluster starts on (default 0.9.2, the sample's)
        --to VERSION             version it is rolled to (default 0.9.3)
        --write-rate N           writes per second during the roll, 0 for none (default 200)
        --seed N                 seed of the write load and of random chaos (default 42)
      simulation:
        --pod-start-ms N         time for a pod to start (default 300)
        --op-ms N                time of one nameserver op (default 200)
        --ns-task-concurrency N  the nameserver's name_server_task_concurrency: ops run one
                                 at a time in each of N queues, by pid % N (1..8, default 2)
        --step-timeout-seconds N spec.upgrade's pod-ready, leader-move and catch-up timeouts:
                                 how long a step may make no progress before the roll halts
                                 (default: the CRD's, 600/600/1800)
      output and access:
        --summary FILE           write the summary as JSON to FILE
        --keep-running           stay up after the roll; prints a kubeconfig, the ZooKeeper
                                 connect string and the nameserver endpoint (Ctrl-C stops)
        --namespace NAME         namespace of the cluster (default openmldb)
        --port N                 port of the Kubernetes API on 127.0.0.1 (default: any free one)
        --kubeconfig FILE        where to write the kubeconfig (default: a temporary file)
      chaos:
        --chaos-operator-restarts N   stop and re-create the operator N times during the roll
        --chaos-restart-at-steps      stop and re-create the operator at every step boundary
                                      (each change of status.upgrade's pod or step)
        --chaos-zk-member-loss        run a 3-member ZooKeeper and kill one member mid-roll
        --chaos-zk-session-expiry     expire the operator's ZooKeeper session whenever a tablet's
                                      leaders start to move off or back
        --chaos-nameserver-failover   kill the nameserver leader's process mid-roll
        --chaos-stuck-pod NAME        pod NAME never becomes ready on the new version (the roll
                                      halts; the sandbox then reverts the version)
        --chaos-failed-op             the next nameserver op of the roll ends in kFailed
        --chaos-nameserver-outage S   every nameserver refuses connections for S seconds from
                                      the first tablet's restart (its leaders moved off; with a
                                      shorter --step-timeout-seconds the roll halts, then
                                      resumes by itself)
        --chaos-replication-lag MS    followers receive every entry MS ms late during the roll (a
                                      leader moves only to a follower that has caught up)
        -h, --help               this text
      """;

  private static final Pattern VERSION =
      Pattern.compile("^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$");
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
  private static final Pattern POD_NAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");

  /** Bad command line: the message says which option and why. */
  public static final class UsageException extends Exception {
    public UsageException(String message) {
      super(message);
    }
  }

  public static SandboxOptions defaults() {
    return new SandboxOptions(false, false, 3, 2, 4, 3, "0.9.2", "0.9.3", 200, 42, null, 300, 200, 2,
        "openmldb", 0, null, 0, false, false, false, false, null, false, 0, 0, 0);
  }

  /** Parses {@code --name value} and {@code --name=value} forms. */
  public static SandboxOptions parse(String... args) throws UsageException {
    Deque<String> rest = new ArrayDeque<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 2) {
        rest.add(arg.substring(0, eq));
        rest.add(arg.substring(eq + 1));
      } else {
        rest.add(arg);
      }
    }
    Builder b = new Builder(defaults());
    while (!rest.isEmpty()) {
      String option = rest.poll();
      switch (option) {
        case "-h", "--help" -> b.help = true;
        case "--keep-running" -> b.keepRunning = true;
        case "--tablets" -> b.tablets = intValue(option, rest, 1, 100);
        case "--tables" -> b.tables = intValue(option, rest, 0, 1000);
        case "--partitions" -> b.partitions = intValue(option, rest, 1, 1024);
        case "--replicas" -> b.replicas = intValue(option, rest, 1, 100);
        case "--from" -> b.from = version(option, rest);
        case "--to" -> b.to = version(option, rest);
        case "--write-rate" -> b.writeRate = intValue(option, rest, 0, 1_000_000);
        case "--seed" -> b.seed = longValue(option, rest, Long.MIN_VALUE, Long.MAX_VALUE);
        case "--summary" -> b.summary = Path.of(value(option, rest));
        case "--pod-start-ms" -> b.podStartMs = longValue(option, rest, 0, 600_000);
        case "--op-ms" -> b.opMs = longValue(option, rest, 0, 600_000);
        case "--ns-task-concurrency" -> b.nsTaskConcurrency = intValue(option, rest, 1, 8);
        case "--namespace" -> b.namespace = matching(option, rest, DNS_LABEL,
            "a DNS label (lower-case letters, digits, '-')");
        case "--port" -> b.port = intValue(option, rest, 0, 65535);
        case "--kubeconfig" -> b.kubeconfig = Path.of(value(option, rest));
        case "--chaos-operator-restarts" -> b.chaosOperatorRestarts = intValue(option, rest, 0, 100);
        case "--chaos-restart-at-steps" -> b.chaosRestartAtSteps = true;
        case "--chaos-zk-member-loss" -> b.chaosZkMemberLoss = true;
        case "--chaos-zk-session-expiry" -> b.chaosZkSessionExpiry = true;
        case "--chaos-nameserver-failover" -> b.chaosNameserverFailover = true;
        case "--chaos-stuck-pod" -> b.chaosStuckPod = matching(option, rest, POD_NAME,
            "a pod name such as openmldb-tablet-1");
        case "--chaos-failed-op" -> b.chaosFailedOp = true;
        case "--chaos-nameserver-outage" ->
            b.chaosNameserverOutageSeconds = intValue(option, rest, 1, 3600);
        case "--chaos-replication-lag" ->
            b.chaosReplicationLagMs = intValue(option, rest, 1, 600_000);
        case "--step-timeout-seconds" -> b.stepTimeoutSeconds = intValue(option, rest, 1, 604800);
        default -> throw new UsageException(option.startsWith("-")
            ? "unknown option " + option : "unexpected argument '" + option + "'");
      }
    }
    if (b.replicas > b.tablets) {
      throw new UsageException("--replicas " + b.replicas + " exceeds --tablets " + b.tablets
          + ": a partition keeps at most one replica per tablet");
    }
    return b.build();
  }

  private static String value(String option, Deque<String> rest) throws UsageException {
    String v = rest.poll();
    if (v == null || (v.startsWith("--") && v.length() > 2)) {
      throw new UsageException(option + " needs a value");
    }
    return v;
  }

  private static int intValue(String option, Deque<String> rest, int min, int max)
      throws UsageException {
    return (int) longValue(option, rest, min, max);
  }

  private static long longValue(String option, Deque<String> rest, long min, long max)
      throws UsageException {
    String v = value(option, rest);
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " expects a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new UsageException(option + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private static String version(String option, Deque<String> rest) throws UsageException {
    return matching(option, rest, VERSION, "a version like 0.8.5 or 0.9.3-rc1");
  }

  private static String matching(String option, Deque<String> rest, Pattern pattern, String what)
      throws UsageException {
    String v = value(option, rest);
    if (!pattern.matcher(v).matches()) {
      throw new UsageException(option + " expects " + what + ", got '" + v + "'");
    }
    return v;
  }

  /** True when any fault is to be injected. */
  public boolean chaos() {
    return chaosOperatorRestarts > 0 || chaosRestartAtSteps || chaosZkMemberLoss || chaosZkSessionExpiry
        || chaosNameserverFailover
        || chaosStuckPod != null || chaosFailedOp || chaosNameserverOutageSeconds > 0
        || chaosReplicationLagMs > 0;
  }

  /** The chaos options given, as on the command line (for the summary). */
  public List<String> chaosOptions() {
    List<String> list = new java.util.ArrayList<>();
    if (chaosOperatorRestarts > 0) {
      list.add("--chaos-operator-restarts " + chaosOperatorRestarts);
    }
    if (chaosRestartAtSteps) {
      list.add("--chaos-restart-at-steps");
    }
    if (chaosZkMemberLoss) {
      list.add("--chaos-zk-member-loss");
    }
    if (chaosZkSessionExpiry) {
      list.add("--chaos-zk-session-expiry");
    }
    if (chaosNameserverFailover) {
      list.add("--chaos-nameserver-failover");
    }
    if (chaosStuckPod != null) {
      list.add("--chaos-stuck-pod " + chaosStuckPod);
    }
    if (chaosFailedOp) {
      list.add("--chaos-failed-op");
    }
    if (chaosNameserverOutageSeconds > 0) {
      list.add("--chaos-nameserver-outage " + chaosNameserverOutageSeconds);
    }
    if (chaosReplicationLagMs > 0) {
      list.add("--chaos-replication-lag " + chaosReplicationLagMs);
    }
    return list;
  }

  private static final class Builder {
    boolean help;
    boolean keepRunning;
    int tablets;
    int tables;
    int partitions;
    int replicas;
    String from;
    String to;
    int writeRate;
    long seed;
    Path summary;
    long podStartMs;
    long opMs;
    int nsTaskConcurrency;
    String namespace;
    int port;
    Path kubeconfig;
    int chaosOperatorRestarts;
    boolean chaosRestartAtSteps;
    boolean chaosZkMemberLoss;
    boolean chaosZkSessionExpiry;
    boolean chaosNameserverFailover;
    String chaosStuckPod;
    boolean chaosFailedOp;
    int chaosNameserverOutageSeconds;
    int chaosReplicationLagMs;
    int stepTimeoutSeconds;

    Builder(SandboxOptions o) {
      help = o.help;
      keepRunning = o.keepRunning;
      tablets = o.tablets;
      tables = o.tables;
      partitions = o.partitions;
      replicas = o.replicas;
      from = o.from;
      to = o.to;
      writeRate = o.writeRate;
      seed = o.seed;
      summary = o.summary;
      podStartMs = o.podStartMs;
      opMs = o.opMs;
      nsTaskConcurrency = o.nsTaskConcurrency;
      namespace = o.namespace;
      port = o.port;
      kubeconfig = o.kubeconfig;
      chaosOperatorRestarts = o.chaosOperatorRestarts;
      chaosRestartAtSteps = o.chaosRestartAtSteps;
      chaosZkMemberLoss = o.chaosZkMemberLoss;
      chaosZkSessionExpiry = o.chaosZkSessionExpiry;
      chaosNameserverFailover = o.chaosNameserverFailover;
      chaosStuckPod = o.chaosStuckPod;
      chaosFailedOp = o.chaosFailedOp;
      chaosNameserverOutageSeconds = o.chaosNameserverOutageSeconds;
      chaosReplicationLagMs = o.chaosReplicationLagMs;
      stepTimeoutSeconds = o.stepTimeoutSeconds;
    }

    SandboxOptions build() {
      return new SandboxOptions(help, keepRunning, tablets, tables, partitions, replicas, from, to,
          writeRate, seed, summary, podStartMs, opMs, nsTaskConcurrency, namespace, port, kubeconfig,
          chaosOperatorRestarts, chaosRestartAtSteps, chaosZkMemberLoss, chaosZkSessionExpiry,
          chaosNameserverFailover, chaosStuckPod, chaosFailedOp, chaosNameserverOutageSeconds,
          chaosReplicationLagMs, stepTimeoutSeconds);
    }
  }
}
