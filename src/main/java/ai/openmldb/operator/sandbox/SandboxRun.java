package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.Phase;
import ai.openmldb.operator.api.UpgradeStatus;
import ai.openmldb.operator.api.ZooKeeperSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * One sandbox run: the sample cluster comes up under the real operator, gets tables and
 * continuous writes, is rolled from {@code --from} to {@code --to} while the roll is printed
 * live, and is then checked (versions, leader placement, temporary replicas, failed ops, lost
 * writes) into a {@link SandboxSummary}.
 */
final class SandboxRun {
  /** The sample the README shows; read from the working tree when run from the repository. */
  static final Path SAMPLE = Path.of("config", "samples", "minimal.yaml");
  static final String DATABASE = "sandbox";
  static final String RETRY_ANNOTATION = "openmldb.ai/retry";
  static final String ACKNOWLEDGE_FAILED_OPS_ANNOTATION = "openmldb.ai/acknowledge-failed-ops";

  /** Used when the jar runs outside the repository (same content as the sample). */
  private static final String BUILT_IN_SAMPLE = """
      apiVersion: openmldb.ai/v1alpha1
      kind: OpenMLDBCluster
      metadata:
        name: minimal
      spec:
        version: 0.9.2
        zookeeper:
          cluster: zookeeper.default.svc:2181
          rootPath: /openmldb
      """;

  private final SandboxOptions options;
  private final SandboxPrinter printer;
  private final SandboxWorld world;
  private final KubernetesClient client;
  private String name;
  private String rootPath;
  private SimulatedCluster cluster;
  private int promotionsBeforeRoll;

  SandboxRun(SandboxOptions options, SandboxPrinter printer, SandboxWorld world) {
    this.options = options;
    this.printer = printer;
    this.world = world;
    this.client = world.kubernetes().client();
  }

  String clusterName() {
    return name;
  }

  SimulatedCluster simulatedCluster() {
    return cluster;
  }

  /** Runs the whole demo; returns its summary (never null). */
  SandboxSummary execute() throws InterruptedException {
    String ns = options.namespace();
    printer.phase("creating the cluster");
    OpenMLDBCluster resource = sample();
    name = resource.getMetadata().getName();
    rootPath = resource.getSpec().getZookeeper().getRootPath();
    client.resource(resource).create();
    printer.line("created OpenMLDBCluster %s/%s: version %s, %d tablets, ZooKeeper %s%s", ns, name,
        options.from(), options.tablets(), world.zookeeper().connectString(), rootPath);
    cluster = world.openmldb().cluster(world.zookeeper().connectString(), rootPath);

    int expectedPods = expectedPods(resource);
    awaitOrThrow(Duration.ofSeconds(120), "the cluster to come up (" + expectedPods + " pods ready,"
        + " a nameserver leader, phase Running)", () -> settledOn(options.from(), expectedPods));
    printer.line("cluster up: %d pods ready, nameserver leader %s", expectedPods,
        cluster.nameserverLeader().orElse("-"));

    printer.phase("creating tables");
    createTables();
    Map<String, String> leadersBefore = leaders();
    Map<String, Integer> replicasBefore = replicaCounts();

    WriteLoadGenerator writes = options.writeRate() > 0
        ? new WriteLoadGenerator(cluster, options.writeRate()).start() : null;
    AtomicReference<WriteLoadGenerator> writesRef = new AtomicReference<>(writes);
    if (writes != null) {
      printer.line("writing %d rows/s to %d partitions", options.writeRate(),
          leadersBefore.size());
      Thread.sleep(1000);
    }

    SandboxChaos chaos = new SandboxChaos(options, world, cluster, printer, ns);
    try (RollRecorder recorder = new RollRecorder(client, ns, name, printer,
        () -> writesRef.get() == null ? -1 : writesRef.get().acknowledged())
        .onStep(chaos::onStepStarted).start()) {
      printer.phase("rolling " + name + " from " + options.from() + " to " + options.to());
      chaos.beforeRoll();
      promotionsBeforeRoll = cluster.promotions().size();
      recorder.startRecording();
      double rollStart = printer.elapsedSeconds();
      setVersion(options.to());
      printer.line("spec.version %s -> %s", options.from(), options.to());

      RollOutcome outcome = followRoll(recorder, chaos, expectedPods);
      recorder.finish();
      chaos.afterRoll();
      double wall = printer.elapsedSeconds() - rollStart;
      // let the last writes replicate before counting what is present
      Thread.sleep(300);
      WriteLoadReport report = null;
      if (writes != null) {
        writes.stop();
        report = writes.report();
      }
      return summarize(recorder, chaos, outcome, wall, report, leadersBefore, replicasBefore,
          expectedPods);
    } finally {
      if (writes != null) {
        writes.stop();
      }
    }
  }

  /** How the roll ended. */
  private record RollOutcome(boolean completed, boolean rolledBack, int userRetries) {}

  private RollOutcome followRoll(RollRecorder recorder, SandboxChaos chaos, int expectedPods)
      throws InterruptedException {
    String target = options.to();
    boolean rolledBack = false;
    int retries = 0;
    String lastHalt = null;
    long deadline = System.nanoTime()
        + Duration.ofSeconds(Math.max(180, 30L * expectedPods)).toNanos();
    while (System.nanoTime() < deadline) {
      OpenMLDBCluster c = recorder.latest();
      OpenMLDBClusterStatus status = c == null ? null : c.getStatus();
      UpgradeStatus u = status == null ? null : status.getUpgrade();
      if (!rolledBack) {
        chaos.onProgress(u);
      }
      if (settledOn(target, expectedPods)) {
        printer.line("roll %s: every pod runs %s and is ready", rolledBack ? "back done"
            : "complete", target);
        return new RollOutcome(!rolledBack, rolledBack, retries);
      }
      if (status != null && Phase.HALTED.equals(status.getPhase())) {
        String halt = u == null ? status.getPhase() : u.getPod() + " " + u.getStep() + " "
            + u.getLastError();
        if (!Objects.equals(halt, lastHalt)) {
          lastHalt = halt;
          if (!rolledBack && options.chaosStuckPod() != null) {
            printer.line("the roll halted; reverting spec.version to %s (as a user would)",
                options.from());
            chaos.rollBackStarted();
            world.statefulSets().clearNeverReady();
            setVersion(options.from());
            target = options.from();
            rolledBack = true;
          } else if (retries < 5 && asksForTheUser(u)) {
            retries++;
            resumeAsAUser(retries);
          } else {
            printer.line("the roll halted; its remedy asks nothing of a user: waiting");
          }
        }
      }
      Thread.sleep(50);
    }
    printer.line("the roll did not finish in time");
    return new RollOutcome(false, rolledBack, retries);
  }

  /**
   * A halt whose remedy names an annotation for the user to set; others (OpenMLDB unreachable)
   * lift by themselves once the cause is gone.
   */
  private static boolean asksForTheUser(UpgradeStatus u) {
    String remedy = u == null ? null : u.getRemedy();
    return remedy == null || remedy.contains(RETRY_ANNOTATION)
        || remedy.contains(ACKNOWLEDGE_FAILED_OPS_ANNOTATION);
  }

  /**
   * What the remedy of a halt asks of a user: acknowledge the nameserver ops that ended in
   * kFailed (after checking them) and ask for a retry.
   */
  private void resumeAsAUser(int attempt) {
    List<String> failed = cluster.opSummaries().stream().filter(s -> s.endsWith(" kFailed"))
        .map(s -> s.substring(0, s.indexOf(' '))).toList();
    printer.line("the roll halted; resuming it as a user would: %s%s=%d",
        failed.isEmpty() ? "" : ACKNOWLEDGE_FAILED_OPS_ANNOTATION + "=" + String.join(",", failed)
            + ", ", RETRY_ANNOTATION, attempt);
    // a merge patch of the two annotations, as `kubectl annotate` sends: no resourceVersion, so
    // the operator's own status writes meanwhile cannot make it fail with a conflict
    Map<String, String> annotations = new HashMap<>();
    if (!failed.isEmpty()) {
      annotations.put(ACKNOWLEDGE_FAILED_OPS_ANNOTATION, String.join(",", failed));
    }
    annotations.put(RETRY_ANNOTATION, "sandbox-" + attempt);
    client.resources(OpenMLDBCluster.class).inNamespace(options.namespace()).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE),
            io.fabric8.kubernetes.client.utils.Serialization.asJson(
                Map.of("metadata", Map.of("annotations", annotations))));
  }

  private SandboxSummary summarize(RollRecorder recorder, SandboxChaos chaos, RollOutcome outcome,
      double wall, WriteLoadReport report, Map<String, String> leadersBefore,
      Map<String, Integer> replicasBefore, int expectedPods) {
    OpenMLDBCluster c = recorder.latest();
    UpgradeStatus u = c == null || c.getStatus() == null ? null : c.getStatus().getUpgrade();
    List<Pod> pods = pods();
    int upgraded = 0;
    for (Pod pod : pods) {
      if (runsVersion(pod, options.to())) {
        upgraded++;
      }
    }
    Map<String, String> leadersAfter = leaders();
    Map<String, Integer> replicasAfter = replicaCounts();
    int temporaryLeft = 0;
    for (Map.Entry<String, Integer> e : replicasAfter.entrySet()) {
      temporaryLeft += Math.max(0, e.getValue() - replicasBefore.getOrDefault(e.getKey(), 0));
    }
    int failedOps = (int) cluster.opSummaries().stream().filter(s -> s.endsWith(" kFailed"))
        .count();
    List<SimulatedCluster.Promotion> changes = cluster.promotions().stream()
        .skip(promotionsBeforeRoll)
        .filter(p -> !WriteLoadGenerator.INTERNAL_DBS.contains(p.db()))
        .toList();
    return new SandboxSummary(
        outcome.completed(), options.from(), options.to(), outcome.rolledBack(),
        expectedPods, upgraded, upgraded == expectedPods && pods.size() == expectedPods,
        u == null ? 0 : u.getLeadersMoved(), u == null ? 0 : u.getLeadersRestored(),
        leadersAfter.equals(leadersBefore), temporaryLeft, failedOps,
        report == null ? 0 : report.acknowledged(), report == null ? 0 : report.lost(),
        report == null ? 0 : report.refused(),
        report == null ? 0 : round(report.writeUnavailablePartitionSeconds()),
        report == null ? 0 : round(report.leaderlessPartitionSeconds()),
        round(wall), recorder.steps(), chaos.operatorRestarts(), chaos.faults().size(),
        chaos.faults(), outcome.userRetries(), changes.size(),
        (int) changes.stream().filter(SimulatedCluster.Promotion::lostEntries).count(),
        recorder.degradedConditions(), warningEvents(),
        report == null ? List.of() : report.lostWrites());
  }

  /** Distinct Warning events on the cluster resource, as reason: message. */
  private List<String> warningEvents() {
    return client.v1().events().inNamespace(options.namespace()).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()) && e.getInvolvedObject() != null
            && name.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getReason() + ": " + e.getMessage())
        .distinct()
        .toList();
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  // ---- the cluster resource ----

  private OpenMLDBCluster sample() {
    String yaml;
    try {
      yaml = Files.exists(SAMPLE) ? Files.readString(SAMPLE) : BUILT_IN_SAMPLE;
    } catch (IOException e) {
      yaml = BUILT_IN_SAMPLE;
    }
    printer.line("sample: %s", Files.exists(SAMPLE) ? SAMPLE : "built-in copy of " + SAMPLE);
    OpenMLDBCluster c;
    try (InputStream in = new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))) {
      c = client.resources(OpenMLDBCluster.class).load(in).item();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    c.getMetadata().setNamespace(options.namespace());
    c.getSpec().setVersion(options.from());
    ZooKeeperSpec zk = c.getSpec().getZookeeper() == null
        ? new ZooKeeperSpec() : c.getSpec().getZookeeper();
    zk.setCluster(world.zookeeper().connectString());
    if (zk.getRootPath() == null) {
      zk.setRootPath("/openmldb");
    }
    c.getSpec().setZookeeper(zk);
    c.getSpec().getTablet().setReplicas(options.tablets());
    if (options.chaosStuckPod() != null || options.stepTimeoutSeconds() > 0) {
      if (c.getSpec().getUpgrade() == null) {
        c.getSpec().setUpgrade(new ai.openmldb.operator.api.UpgradeSpec());
      }
    }
    if (options.stepTimeoutSeconds() > 0) {
      c.getSpec().getUpgrade().setPodReadyTimeoutSeconds(options.stepTimeoutSeconds());
      c.getSpec().getUpgrade().setLeaderMoveTimeoutSeconds(options.stepTimeoutSeconds());
      c.getSpec().getUpgrade().setCatchUpTimeoutSeconds(options.stepTimeoutSeconds());
    } else if (options.chaosStuckPod() != null) {
      // the halt comes after the pod-ready timeout: keep the demo short
      c.getSpec().getUpgrade().setPodReadyTimeoutSeconds(
          (int) Math.max(10, options.podStartMs() / 1000 + 8));
    }
    return c;
  }

  private void setVersion(String version) {
    client.resources(OpenMLDBCluster.class).inNamespace(options.namespace()).withName(name)
        .edit(c -> {
          c.getSpec().setVersion(version);
          return c;
        });
  }

  private static int expectedPods(OpenMLDBCluster c) {
    int n = 0;
    for (Component component : Component.values()) {
      var spec = c.getSpec().component(component);
      if (spec != null && spec.getReplicas() != null) {
        n += spec.getReplicas();
      }
    }
    return n;
  }

  // ---- observations ----

  List<Pod> pods() {
    return client.pods().inNamespace(options.namespace()).withLabel(Labels.INSTANCE, name)
        .list().getItems();
  }

  private boolean runsVersion(Pod pod, String version) {
    String image = pod.getSpec().getContainers().get(0).getImage();
    Optional<String> running =
        world.openmldb().version(options.namespace(), pod.getMetadata().getName());
    return image.endsWith(":" + version) && StatefulSetSimulator.isReady(pod)
        && running.map(version::equals).orElse(true);
  }

  /** Every pod ready on the version, a nameserver leader, and the operator's status agrees. */
  private boolean settledOn(String version, int expectedPods) {
    OpenMLDBCluster c = client.resources(OpenMLDBCluster.class).inNamespace(options.namespace())
        .withName(name).get();
    if (c == null || c.getStatus() == null) {
      return false;
    }
    OpenMLDBClusterStatus s = c.getStatus();
    if (!Phase.RUNNING.equals(s.getPhase()) || !version.equals(s.getCurrentVersion())
        || !Objects.equals(s.getObservedGeneration(), c.getMetadata().getGeneration())) {
      return false;
    }
    List<Pod> pods = pods();
    return pods.size() == expectedPods && pods.stream().allMatch(p -> runsVersion(p, version))
        && cluster.nameserverLeader().isPresent();
  }

  private void awaitOrThrow(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds()
            + "s waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  // ---- tables ----

  private void createTables() throws InterruptedException {
    for (int i = 0; i < options.tables(); i++) {
      String table = "t" + i;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        try {
          cluster.createTable(DATABASE, table, options.partitions(), options.replicas());
          break;
        } catch (IllegalStateException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(100); // tablets still registering
        }
      }
      printer.line("table %s.%s: %d partitions x %d replicas", DATABASE, table,
          options.partitions(), options.replicas());
    }
  }

  /** Leader endpoint of every user partition ({@code db.table/pid}). */
  private Map<String, String> leaders() {
    Map<String, String> leaders = new HashMap<>();
    for (SimulatedCluster.SimTableInfo t : cluster.tables()) {
      if (WriteLoadGenerator.INTERNAL_DBS.contains(t.db())) {
        continue;
      }
      for (SimulatedCluster.SimPartitionInfo p : t.partitions()) {
        leaders.put(t.db() + "." + t.name() + "/" + p.pid(),
            p.leader().map(SimulatedCluster.SimReplicaInfo::endpoint).orElse("-"));
      }
    }
    return leaders;
  }

  private Map<String, Integer> replicaCounts() {
    Map<String, Integer> counts = new HashMap<>();
    for (SimulatedCluster.SimTableInfo t : cluster.tables()) {
      for (SimulatedCluster.SimPartitionInfo p : t.partitions()) {
        counts.put(t.db() + "." + t.name() + "/" + p.pid(), p.replicas().size());
      }
    }
    return counts;
  }

  String rootPath() {
    return rootPath;
  }
}
