package ai.openmldb.operator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig file for tests that start the operator as a user would: by path. */
public final class Kubeconfig {
  private Kubeconfig() {}

  /**
   * Writes a kubeconfig with one context pointing at {@code server} (a mock API server), a bearer
   * token, and {@code namespace} as the default namespace.
   */
  public static Path write(Path file, String server, String namespace) throws IOException {
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: operator
          user: {token: operator}
        contexts:
        - name: mock
          context: {cluster: mock, user: operator, namespace: %s}
        current-context: mock
        """.formatted(server, namespace));
    return file;
  }
}
