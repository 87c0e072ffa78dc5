package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.UpgradeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The sandbox's {@code --chaos-*} options: decides, from the roll's observed position, when to
 * inject each fault, and injects it into the world. Moments are drawn from {@code --seed}, so a
 * run can be repeated.
 */
final class SandboxChaos {
  private final SandboxOptions options;
  private final SandboxWorld world;
  private final SimulatedCluster cluster;
  private final SandboxPrinter printer;
  private final String namespace;
  private final Random random;
  private final List<String> faults = new ArrayList<>();
  private List<Integer> restartAtPods;
  private long restartNotBeforeNanos = -1;
  private volatile int operatorRestarts;
  private boolean zkMemberLost;
  private boolean nameserverFailedOver;
  private boolean opFailed;
  private boolean nameserverOutage;
  private Duration normalReplicationLag;
  private volatile boolean rollBackStarted;
  private List<Long> expiredSessions = List.of();
  private int sessionsRenewed;

  SandboxChaos(SandboxOptions options, SandboxWorld world, SimulatedCluster cluster,
      SandboxPrinter printer, String namespace) {
    this.options = options;
    this.world = world;
    this.cluster = cluster;
    this.printer = printer;
    this.namespace = namespace;
    this.random = new Random(options.seed());
  }

  /** Faults armed before the version changes. */
  void beforeRoll() {
    if (options.chaosReplicationLagMs() > 0) {
      normalReplicationLag = cluster.replicationLag();
      cluster.setReplicationLag(Duration.ofMillis(options.chaosReplicationLagMs()));
      fault("followers receive every entry " + options.chaosReplicationLagMs()
          + " ms late during the roll");
    }
    if (options.chaosStuckPod() != null) {
      world.statefulSets().addNeverReady(new NeverReadyRule(options.chaosStuckPod(), options.to()));
      fault("pod " + options.chaosStuckPod() + " never becomes ready on " + options.to());
    }
  }

  /** The roll is over: faults that last the whole roll end. */
  void afterRoll() {
    if (normalReplicationLag != null) {
      cluster.setReplicationLag(normalReplicationLag);
    }
  }

  /** Called on every poll during the roll with the latest {@code status.upgrade}. */
  void onProgress(UpgradeStatus u) {
    if (u == null) {
      return;
    }
    maybeRestartOperator(u);
    boolean inTablet = "tablet".equals(u.getComponent()) && u.getPod() != null;
    String step = u.getStep() == null ? "" : u.getStep().toLowerCase();
    if (options.chaosZkMemberLoss() && !zkMemberLost && u.getPodsTotal() > 0
        && u.getPodsUpgraded() * 2 >= u.getPodsTotal()) {
      zkMemberLost = true;
      int member = random.nextInt(3);
      world.zookeeper().killMember(member);
      fault("ZooKeeper member " + member + " of 3 killed at pod " + u.getPodsUpgraded() + "/"
          + u.getPodsTotal());
    }
    if (options.chaosNameserverFailover() && !nameserverFailedOver && inTablet
        && step.contains("leader")) {
      nameserverFailedOver = true;
      String leader = cluster.nameserverLeader().orElse(null);
      if (leader != null) {
        String pod = leader.contains(".") ? leader.substring(0, leader.indexOf('.'))
            : leader.substring(0, Math.max(0, leader.indexOf(':')));
        world.kubernetes().client().pods().inNamespace(namespace).withName(pod).delete();
        fault("nameserver leader " + pod + " killed during " + u.getStep() + " of " + u.getPod());
      }
    }
    if (options.chaosFailedOp() && !opFailed && inTablet) {
      opFailed = true;
      cluster.failNextOp(null);
      fault("next nameserver op fails (kFailed), armed at " + u.getStep() + " of " + u.getPod());
    }
  }

  /**
   * {@code --chaos-restart-at-steps}: the operator is stopped and a new instance started at every
   * step boundary the recorder sees (called on its informer thread, so no later status write is
   * delivered before the restart is done).
   */
  void onStepStarted(String component, String pod, String step) {
    if (rollBackStarted) {
      return;
    }
    maybeExpireSession(component, pod, step);
    if (options.chaosNameserverOutageSeconds() > 0 && !nameserverOutage
        && "tablet".equals(component) && "Restart".equals(step)) {
      nameserverOutage = true;
      cluster.makeNameserversUnreachable(
          Duration.ofSeconds(options.chaosNameserverOutageSeconds()));
      fault("every nameserver refuses connections for " + options.chaosNameserverOutageSeconds()
          + " s from the start of " + pod + " " + step);
    }
    if (!options.chaosRestartAtSteps()) {
      return;
    }
    restartOperator("at the start of " + (pod == null ? "cluster" : pod) + " " + step);
  }

  /**
   * {@code --chaos-zk-session-expiry}: whenever a tablet's leaders start to move (off, or back),
   * the operator's ZooKeeper session expires. The previous expiry is checked first: the operator
   * must be on a new session by then, or the roll went on without one.
   */
  private void maybeExpireSession(String component, String pod, String step) {
    if (!options.chaosZkSessionExpiry()) {
      return;
    }
    if (!expiredSessions.isEmpty()) {
      List<Long> now = world.operatorZooKeeperSessions();
      if (!now.isEmpty()
          && now.stream().allMatch(id -> id != 0 && !expiredSessions.contains(id))) {
        sessionsRenewed++;
        printer.line("chaos: the operator runs on a new ZooKeeper session %s (expired: %s)",
            hex(now), hex(expiredSessions));
      }
      expiredSessions = List.of();
    }
    if (!"tablet".equals(component)
        || !("MoveLeaders".equals(step) || "RestoreLeaders".equals(step))) {
      return;
    }
    expiredSessions = world.expireOperatorZooKeeperSessions();
    fault("operator's ZooKeeper session " + hex(expiredSessions) + " expired at the start of "
        + pod + " " + step);
  }

  private static String hex(List<Long> ids) {
    return ids.stream().map(id -> "0x" + Long.toHexString(id)).toList().toString();
  }

  /** Expired sessions later seen replaced by new ones (checked at the next step boundary). */
  int sessionsRenewed() {
    return sessionsRenewed;
  }

  /** The sandbox reverted the version: the chaos stops (the revert is not the roll under test). */
  void rollBackStarted() {
    rollBackStarted = true;
  }

  /** {@code --chaos-operator-restarts N}: at N moments spread over the pods, drawn from the seed. */
  private void maybeRestartOperator(UpgradeStatus u) {
    int n = options.chaosOperatorRestarts();
    if (n == 0 || u.getPodsTotal() <= 0) {
      return;
    }
    if (restartAtPods == null) {
      restartAtPods = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        restartAtPods.add((int) Math.floor((i + random.nextDouble()) * u.getPodsTotal() / n));
      }
    }
    if (operatorRestarts >= n || u.getPodsUpgraded() < restartAtPods.get(operatorRestarts)) {
      return;
    }
    long now = System.nanoTime();
    if (restartNotBeforeNanos < 0) {
      // somewhere inside the step rather than always at its boundary
      restartNotBeforeNanos = now + (long) (random.nextDouble() * 400_000_000L);
      return;
    }
    if (now < restartNotBeforeNanos) {
      return;
    }
    restartNotBeforeNanos = -1;
    restartOperator("during " + u.getPod() + " " + u.getStep());
  }

  /** Stops the operator as a crash would and starts a new instance. */
  private void restartOperator(String when) {
    operatorRestarts++;
    printer.line("chaos: stopping the operator %s (restart %d)", when, operatorRestarts);
    world.stopOperator();
    world.startOperator();
    fault("operator restarted " + when);
  }

  private void fault(String description) {
    synchronized (faults) {
      faults.add(description);
    }
    printer.line("chaos: %s", description);
  }

  int operatorRestarts() {
    return operatorRestarts;
  }

  List<String> faults() {
    synchronized (faults) {
      return List.copyOf(faults);
    }
  }
}
