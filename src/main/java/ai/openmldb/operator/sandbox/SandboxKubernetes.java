package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.OpenMLDBCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The sandbox's Kubernetes API: Fabric8's mock server in CRUD mode over plain HTTP on loopback,
 * made usable by kubectl (discovery, {@code /version}, Table printing, {@code /scale},
 * Content-Type headers; see {@link SandboxApiDispatcher}), with the OpenMLDBCluster CRD created
 * so the status subresource behaves as on a real API server.
 */
public final class SandboxKubernetes implements AutoCloseable {
  /** Where the CRD generator puts the CRD (also inside the jar). */
  public static final String CRD_RESOURCE = "/META-INF/fabric8/openmldbclusters.openmldb.ai-v1.yml";

  // Held strongly: java.util.logging forgets levels set on loggers nobody references.
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    // The mock logs every request at INFO through JUL. Under log4j's JUL bridge (the tests) the
    // level comes from log4j2.xml and setLevel is refused, so only touch plain JUL.
    if (java.util.logging.LogManager.getLogManager().getClass()
        == java.util.logging.LogManager.class) {
      MOCK_LOG.setLevel(Level.WARNING);
    }
  }

  private final KubernetesMockServer server;
  private final SandboxApiDispatcher dispatcher;
  private final String namespace;
  private final ScheduledExecutorService janitor;
  private KubernetesClient client;

  private SandboxKubernetes(String namespace) {
    var expectations = new HashMap<io.fabric8.mockwebserver.ServerRequest,
        java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    var mapper = Serialization.jsonMapper();
    this.dispatcher = new SandboxApiDispatcher(expectations, mapper);
    this.server = new KubernetesMockServer(
        new Context(mapper), new MockWebServer(), expectations, dispatcher, false);
    this.namespace = namespace;
    this.janitor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sandbox-api-janitor");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the API server on 127.0.0.1 ({@code port} 0 picks a free one), creates the CRD and
   * the namespace.
   */
  public static SandboxKubernetes start(int port, String namespace) {
    SandboxKubernetes k = new SandboxKubernetes(namespace);
    k.server.init(InetAddress.getLoopbackAddress(), port);
    k.dispatcher.setServerAddress("127.0.0.1:" + k.server.getPort());
    // The mock records every request for takeRequest(); nobody takes them here, so drain.
    k.janitor.scheduleWithFixedDelay(k::drainRecordedRequests, 5, 5, TimeUnit.SECONDS);
    k.client = k.newClient();
    k.createCrd();
    k.client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
        .withName(namespace).endMetadata().build()).create();
    return k;
  }

  private void drainRecordedRequests() {
    try {
      while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
        // discard
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void createCrd() {
    try (InputStream in = SandboxKubernetes.class.getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CRD_RESOURCE + " not on the classpath (run mvn process-classes)");
      }
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().load(in).item();
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new client of this API server, defaulting to the sandbox namespace. */
  public KubernetesClient newClient() {
    return newClient(url(), namespace);
  }

  /** A new client of the sandbox API server at {@code url}, defaulting to {@code namespace}. */
  public static KubernetesClient newClient(String url, String namespace) {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withNamespace(namespace)
        .withHttp2Disable(true)
        .withTrustCerts(true)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The shared client (closed with the server). */
  public KubernetesClient client() {
    return client;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  public int port() {
    return server.getPort();
  }

  public String namespace() {
    return namespace;
  }

  /** Writes a kubeconfig whose current context points at this server and namespace. */
  public Path writeKubeconfig(Path file) {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: openmldb-sandbox
          cluster:
            server: %s
        users:
        - name: openmldb-sandbox
          user: {}
        contexts:
        - name: openmldb-sandbox
          context:
            cluster: openmldb-sandbox
            user: openmldb-sandbox
            namespace: %s
        current-context: openmldb-sandbox
        """.formatted(url(), namespace);
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The CRD's plural name, for messages. */
  public static String crdName() {
    return new OpenMLDBCluster().getPlural() + "." + OpenMLDBCluster.GROUP;
  }

  @Override
  public void close() {
    janitor.shutdownNow();
    if (client != null) {
      client.close();
    }
    server.destroy();
  }
}
