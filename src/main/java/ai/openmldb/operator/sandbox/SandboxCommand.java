package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.sandbox.SandboxOptions.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * {@code sandbox}: the real operator in an embedded world, rolling the sample cluster from
 * {@code --from} to {@code --to} under writes (see {@code docs/sandbox.md}). Exit code 0 only
 * when the roll completed on every pod with no acknowledged write lost; 1 otherwise; 2 for bad
 * usage. With {@code --keep-running} it stays up afterwards for kubectl and never returns.
 */
public final class SandboxCommand {
  private SandboxCommand() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    SandboxOptions options;
    try {
      options = SandboxOptions.parse(args);
    } catch (UsageException e) {
      err.println("sandbox: " + e.getMessage());
      err.println("run 'java -jar openmldb-operator.jar sandbox --help' for the options");
      return 2;
    }
    if (options.help()) {
      out.print(SandboxOptions.USAGE);
      return 0;
    }
    SandboxPrinter printer = new SandboxPrinter(out);
    printer.phase("starting the embedded world");
    SandboxWorld world;
    try {
      world = SandboxWorld.start(options, printer);
    } catch (RuntimeException e) {
      err.println("sandbox: cannot start the embedded world: " + e);
      return 1;
    }
    boolean keepWorld = false;
    try {
      world.startOperator();
      printer.line("operator started (OperatorFactory, OperatorConfig.forMockApi())");
      SandboxRun run = new SandboxRun(options, printer, world);
      SandboxSummary summary;
      try {
        summary = run.execute();
      } catch (IllegalStateException e) {
        printer.line("FAILED: %s", e.getMessage());
        if (options.keepRunning()) {
          keepWorld = true;
          keepRunning(options, printer, world, run);
        }
        return 1;
      }
      printer.phase("summary");
      printer.table(summary.stepRows());
      printer.raw("");
      printer.table(summary.rows());
      if (options.summary() != null) {
        summary.write(options.summary());
        printer.line("summary written to %s", options.summary());
      }
      printer.line("%s", verdict(summary));
      if (options.keepRunning()) {
        keepWorld = true;
        keepRunning(options, printer, world, run);
      }
      return summary.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println("sandbox: " + e);
      return 1;
    } finally {
      if (!keepWorld) {
        world.close();
      }
    }
  }

  static String verdict(SandboxSummary s) {
    String writes = s.lostWrites() == 0 ? "no acknowledged write lost"
        : s.lostWrites() + " acknowledged writes LOST";
    if (s.exitCode() == 0) {
      return "OK: rolled to " + s.toVersion() + " with " + writes;
    }
    if (s.rolledBack()) {
      return "NOT OK (as --chaos-stuck-pod intends): the roll to " + s.toVersion()
          + " halted and was rolled back to " + s.fromVersion() + "; " + writes;
    }
    return "NOT OK: " + (s.completed() ? "the roll completed" : "the roll to " + s.toVersion()
        + " did not complete") + "; " + writes;
  }

  /** Prints how to reach the world, then blocks until the JVM is stopped (Ctrl-C). */
  private static void keepRunning(SandboxOptions options, SandboxPrinter printer,
      SandboxWorld world, SandboxRun run) throws InterruptedException {
    Path kubeconfig;
    try {
      kubeconfig = options.kubeconfig() != null ? options.kubeconfig()
          : Files.createTempDirectory("openmldb-sandbox").resolve("kubeconfig");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary kubeconfig", e);
    }
    world.kubernetes().writeKubeconfig(kubeconfig);
    String zk = world.zookeeper().connectString();
    String leader = run.simulatedCluster() == null ? null
        : run.simulatedCluster().nameserverLeader().orElse(null);
    printer.phase("the sandbox keeps running (Ctrl-C stops it)");
    printer.raw("  kubeconfig:        " + kubeconfig.toAbsolutePath());
    printer.raw("  kubernetes API:    " + world.kubernetes().url() + " (namespace "
        + options.namespace() + ")");
    printer.raw("  zookeeper:         " + zk + " (root " + run.rootPath() + ")");
    printer.raw("  nameserver leader: " + (leader == null ? "-"
        : leader + " -> " + resolve(zk, run.rootPath(), leader)));
    printer.raw("");
    printer.raw("  export KUBECONFIG=" + kubeconfig.toAbsolutePath());
    printer.raw("  kubectl get omc,sts,pods");
    printer.raw("  kubectl patch omc " + run.clusterName()
        + " --type=merge -p '{\"spec\":{\"version\":\"<new version>\"}}'");
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      world.close();
      forever.countDown();
    }, "sandbox-shutdown"));
    forever.await();
  }

  /** The real address a name maps to ({@code <root>/map/names/<name>}, OpenMLDB's use_name). */
  private static String resolve(String zk, String root, String name) {
    try (CuratorFramework curator =
        CuratorFrameworkFactory.newClient(zk, 5000, 5000, new RetryOneTime(200))) {
      curator.start();
      byte[] data = curator.getData().forPath(root + "/map/names/" + name);
      return new String(data, StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "(unresolved: " + e.getMessage() + ")";
    }
  }
}
