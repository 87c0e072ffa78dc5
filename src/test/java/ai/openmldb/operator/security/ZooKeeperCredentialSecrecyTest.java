package ai.openmldb.operator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.openmldb.ClusterConnection;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import ai.openmldb.operator.testing.LogCapture;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;

/**
 * ZooKeeper digest credentials (user:password, from the Secret named by
 * spec.zookeeper.authSecretName) never reach a log line at any level, nor a connection's state
 * message (which the reconciler copies into status conditions and events): with the right
 * credential, a wrong one, and an unreachable ensemble.
 */
class ZooKeeperCredentialSecrecyTest {
  private static final String USER = "openmldb";
  private static final String PASSWORD = "Zk-S3cr3t-Pa55w0rd-7f3a";
  private static final String WRONG_PASSWORD = "Wr0ng-Zk-Pa55w0rd-91c2";

  @Test
  void digestCredentialsAppearInNoLogLineAndNoStateMessage() throws Exception {
    List<String> messages = new ArrayList<>();
    String logs;
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start()) {
      protectRoot(zk.connectString(), "/secure");
      try (LogCapture capture = LogCapture.all();
          OpenMLDBConnections connections = new OpenMLDBConnections(
              Duration.ofSeconds(1), Duration.ofSeconds(2), null)) {
        ClusterConnection good = connections.connect(
            zk.connectString(), "/secure", 10_000, Optional.of(USER + ":" + PASSWORD));
        await().atMost(Duration.ofSeconds(20)).until(good::connected);
        assertThat(good.curator().getData().forPath("/secure"))
            .as("the credential really reached ZooKeeper").isNotNull();
        messages.add(good.stateMessage());

        ClusterConnection wrong = connections.connect(
            zk.connectString(), "/secure-wrong", 10_000, Optional.of(USER + ":" + WRONG_PASSWORD));
        protectRoot(zk.connectString(), "/secure-wrong");
        await().atMost(Duration.ofSeconds(20))
            .until(() -> wrong.state() != ClusterConnection.State.CONNECTING || seenNoAuth(wrong));
        messages.add(wrong.stateMessage());

        ClusterConnection unreachable = connections.connect(
            "127.0.0.1:" + closedPort(), "/secure", 10_000, Optional.of(USER + ":" + PASSWORD));
        await().atMost(Duration.ofSeconds(20))
            .until(() -> unreachable.state() == ClusterConnection.State.UNREACHABLE);
        messages.add(unreachable.stateMessage());
        logs = capture.text();
      }
    }
    assertThat(logs)
        .as("the capture really saw the ZooKeeper client at work")
        .contains("127.0.0.1");
    for (String secret : List.of(PASSWORD, WRONG_PASSWORD, base64(PASSWORD), base64(WRONG_PASSWORD),
        base64(USER + ":" + PASSWORD))) {
      assertThat(logs).as("logs").doesNotContain(secret);
      assertThat(messages).as("state messages").noneMatch(m -> m.contains(secret));
    }
  }

  /** A node only the digest user may read. */
  private static void protectRoot(String connectString, String path) throws Exception {
    try (CuratorFramework admin = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .retryPolicy(new RetryOneTime(100))
        .authorization("digest", (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8))
        .build()) {
      admin.start();
      admin.blockUntilConnected();
      if (admin.checkExists().forPath(path) == null) {
        Id id = new Id("digest", DigestAuthenticationProvider.generateDigest(USER + ":" + PASSWORD));
        admin.create().withACL(List.of(new ACL(ZooDefs.Perms.ALL, id))).forPath(path, new byte[] {1});
      }
    }
  }

  private static boolean seenNoAuth(ClusterConnection c) {
    try {
      c.curator().getData().forPath(c.rootPath());
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
