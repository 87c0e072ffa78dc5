package ai.openmldb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.testing.Kubeconfig;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} against the Fabric8 mock API server (CRUD mode, so no server-side apply). */
@EnableKubernetesMockClient(crud = true)
class OperatorCommandTest {
  static final String CRD = "/META-INF/fabric8/openmldbclusters.openmldb.ai-v1.yml";

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  void createCrd() throws IOException {
    try (InputStream in = getClass().getResourceAsStream(CRD)) {
      client.resource(client.getKubernetesSerialization()
          .unmarshal(in, CustomResourceDefinition.class)).createOr(NonDeletingOperation::update);
    }
  }

  @AfterEach
  void stop() {
    OperatorCommand.running().ifPresent(OperatorCommand.RunningOperator::close);
  }

  /** One start for everything: starting the operator is the slow part (informers sync). */
  @Test
  void runServesProbesAndMetricsAndIsReadyWhileHoldingTheLease() throws Exception {
    createCrd();
    // JOSDK checks its Lease permissions with a SelfSubjectRulesReview, which the CRUD mock
    // cannot answer (it stores objects); answer it as an API server with our Role would.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder()
            .withNewStatus().addNewResourceRule().withApiGroups("coordination.k8s.io")
            .withResources("leases").withVerbs("get", "create", "update", "patch").endResourceRule()
            .withIncomplete(false).endStatus().build())
        .always();
    int port = freePort();
    int code = OperatorCommand.run(new String[] {
        "--config", config("use-server-side-apply=false\nhttp-port=" + port + "\n"
            + "leader-election=true\nlease-namespace=ops\n").toString(),
        "--kubeconfig", kubeconfig().toString()});

    assertThat(code).isEqualTo(Integer.MIN_VALUE);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = get(port, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).contains(
        "text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).contains("jvm_memory_used_bytes")
        .contains("openmldb_operator_upgrades_in_progress");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Lease lease = client.leases().inNamespace("ops").withName("openmldb-operator-lock").get();
      assertThat(lease).isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    });

    // a cluster to reconcile: JOSDK's reconcile meters appear on the same endpoint
    OpenMLDBCluster cluster = client.getKubernetesSerialization().unmarshal(
        Files.readString(Path.of("config/samples/minimal.yaml")), OpenMLDBCluster.class);
    client.resources(OpenMLDBCluster.class).inNamespace("test").resource(cluster).create();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(get(port, "/metrics").body())
            .contains("operator_sdk_controllers_execution_reconcile_success_total"));

    OperatorCommand.RunningOperator running = OperatorCommand.running().orElseThrow();
    running.close();
    assertThat(OperatorCommand.running()).isEmpty();
    assertThat(running.isReady()).isFalse();
  }

  @Test
  void refusesABadConfigurationNamingTheKey() throws Exception {
    var err = new java.io.ByteArrayOutputStream();
    var old = System.err;
    System.setErr(new java.io.PrintStream(err, true));
    int code;
    try {
      code = OperatorCommand.run(new String[] {
          "--config", config("reconcile-interval=soon\n").toString()});
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("reconcile-interval");
    assertThat(OperatorCommand.running()).isEmpty();
  }

  @Test
  void refusesUnknownOptions() {
    assertThat(OperatorCommand.run(new String[] {"--nope"})).isEqualTo(2);
  }

  private Path config(String text) throws IOException {
    Path file = dir.resolve("operator-" + System.nanoTime() + ".properties");
    Files.writeString(file, text);
    return file;
  }

  private Path kubeconfig() throws IOException {
    return Kubeconfig.write(dir.resolve("kubeconfig"),
        client.getConfiguration().getMasterUrl(), "test");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
