package ai.openmldb.operator.sandbox;

import java.io.IOException;
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.util.ServiceUtils;

/**
 * A real ZooKeeper in this JVM (curator-test): one server on a random port and a temporary
 * directory, or a three-member ensemble on request, whose members can be killed and restarted.
 *
 * <p>ZooKeeper's server calls {@code System.exit} on what it deems a fatal error of its own
 * threads (for instance a member's commit processor when a peer of the ensemble is killed under
 * load, or a request thread interrupted at shutdown). Embedded here, that would end the sandbox,
 * the benchmark or the test JVM, so loading this class turns those exits into an error log.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  static {
    keepJvmOnFatalErrors();
  }

  private final TestingServer server;
  private final TestingCluster ensemble;

  private EmbeddedZooKeeper(TestingServer server, TestingCluster ensemble) {
    this.server = server;
    this.ensemble = ensemble;
  }

  /** A single server, started. */
  public static EmbeddedZooKeeper start() {
    try {
      return new EmbeddedZooKeeper(new TestingServer(true), null);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start embedded ZooKeeper", e);
    }
  }

  /**
   * A single server that accepts any number of connections from one address (ZooKeeper's
   * default is 60), for worlds with a session per simulated tablet.
   */
  public static EmbeddedZooKeeper startWithoutConnectionLimit() {
    try {
      InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, -1, 0);
      return new EmbeddedZooKeeper(new TestingServer(spec, true), null);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start embedded ZooKeeper", e);
    }
  }

  /**
   * Makes ZooKeeper servers in this JVM log their fatal errors instead of exiting the JVM.
   * Idempotent; called when this class loads, public for code that starts a server otherwise.
   */
  public static void keepJvmOnFatalErrors() {
    ServiceUtils.setSystemExitProcedure(ServiceUtils.LOG_ONLY);
  }

  /** An ensemble of {@code members} servers, started. */
  public static EmbeddedZooKeeper startEnsemble(int members) {
    TestingCluster c = new TestingCluster(members);
    try {
      c.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start embedded ZooKeeper ensemble", e);
    }
    return new EmbeddedZooKeeper(null, c);
  }

  public String connectString() {
    return server != null ? server.getConnectString() : ensemble.getConnectString();
  }

  public boolean isEnsemble() {
    return ensemble != null;
  }

  private List<InstanceSpec> members() {
    return List.copyOf(ensemble.getInstances());
  }

  /** Kills one member of the ensemble (index into the connect string's order). */
  public void killMember(int index) {
    requireEnsemble();
    try {
      ensemble.killServer(members().get(index));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public void restartMember(int index) {
    requireEnsemble();
    try {
      ensemble.restartServer(members().get(index));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the single server (its data is kept) until {@link #restart()}. */
  public void stopServer() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public void restart() {
    try {
      server.restart();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void requireEnsemble() {
    if (ensemble == null) {
      throw new IllegalStateException("not an ensemble; use startEnsemble(3)");
    }
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.close();
      }
      if (ensemble != null) {
        ensemble.close();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
