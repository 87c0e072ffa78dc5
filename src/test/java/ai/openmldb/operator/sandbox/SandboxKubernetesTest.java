package ai.openmldb.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.openmldb.operator.api.OpenMLDBCluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxKubernetesTest {
  private static SandboxKubernetes kube;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    kube = SandboxKubernetes.start(0, "demo");
    kube.client().resource(cluster("c1", "0.8.5")).create();
  }

  @AfterAll
  static void stop() {
    kube.close();
  }

  private static OpenMLDBCluster cluster(String name, String version) throws RuntimeException {
    try {
      String yaml = """
          apiVersion: openmldb.ai/v1alpha1
          kind: OpenMLDBCluster
          metadata:
            name: %s
          spec:
            version: %s
            zookeeper:
              cluster: 127.0.0.1:2181
              rootPath: /openmldb
          """.formatted(name, version);
      return kube.client().resources(OpenMLDBCluster.class)
          .load(new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).item();
    } catch (RuntimeException e) {
      throw e;
    }
  }

  private static HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(kube.url() + path));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesDiscoveryBareAndWithKubectlTimeout() throws Exception {
    for (String suffix : List.of("", "?timeout=32s")) {
      HttpResponse<String> api = get("/api" + suffix, null);
      assertThat(api.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(JSON.readTree(api.body()).path("versions").toString()).contains("v1");

      JsonNode groups = JSON.readTree(get("/apis" + suffix, null).body());
      assertThat(groups.path("kind").asText()).isEqualTo("APIGroupList");
      assertThat(groups.toString()).contains("\"apps\"", "\"openmldb.ai\"",
          "\"coordination.k8s.io\"", "\"events.k8s.io\"");

      assertThat(get("/api/v1" + suffix, null).body()).contains("\"pods\"", "\"pods/status\"",
          "\"configmaps\"", "\"events\"");
      assertThat(get("/apis/apps/v1" + suffix, null).body()).contains("\"statefulsets\"",
          "\"statefulsets/scale\"");
      JsonNode omc = JSON.readTree(get("/apis/openmldb.ai/v1alpha1" + suffix, null).body());
      assertThat(omc.path("groupVersion").asText()).isEqualTo("openmldb.ai/v1alpha1");
      assertThat(omc.toString()).contains("\"openmldbclusters\"", "\"omc\"",
          "\"openmldbclusters/status\"");
      assertThat(get("/apis/coordination.k8s.io/v1" + suffix, null).body()).contains("\"leases\"");
      assertThat(get("/apis/events.k8s.io/v1" + suffix, null).body()).contains("\"events\"");
      assertThat(JSON.readTree(get("/version" + suffix, null).body()).path("major").asText())
          .isEqualTo("1");
    }
    assertThat(get("/apis/nope.example.com/v1", null).statusCode()).isEqualTo(404);
  }

  @Test
  void printsCustomResourcesAsTableWithPrinterColumns() throws Exception {
    HttpResponse<String> response = get("/apis/openmldb.ai/v1alpha1/namespaces/demo/openmldbclusters",
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    JsonNode table = JSON.readTree(response.body());
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    List<String> columns = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
    assertThat(columns).contains("Name", "Version", "Phase", "Progress", "Age");
    JsonNode row = table.path("rows").path(0);
    assertThat(row.path("cells").path(0).asText()).isEqualTo("c1");
    assertThat(row.path("cells").path(columns.indexOf("Version")).asText()).isEqualTo("0.8.5");
    assertThat(row.path("object").path("metadata").path("name").asText()).isEqualTo("c1");
  }

  @Test
  void scalesStatefulSetsThroughTheScaleSubresource() {
    StatefulSet sts = new StatefulSetBuilder().withNewMetadata().withName("web").endMetadata()
        .withNewSpec().withReplicas(1).withServiceName("web").withNewSelector()
        .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
        .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
        .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build();
    kube.client().resource(sts).create();
    kube.client().apps().statefulSets().withName("web").scale(3);
    assertThat(kube.client().apps().statefulSets().withName("web").get().getSpec().getReplicas())
        .isEqualTo(3);
    assertThat(kube.client().apps().statefulSets().withName("web").scale().getSpec()
        .getReplicas()).isEqualTo(3);
    kube.client().apps().statefulSets().withName("web").delete();
  }

  @Test
  void kubectlGetsDescribesAndPatchesClusters() throws Exception {
    assumeTrue(kubectlAvailable(), "no kubectl on PATH");
    Path kubeconfig = kube.writeKubeconfig(tmp.resolve("kubeconfig"));

    String table = kubectl(kubeconfig, "get", "omc");
    assertThat(table).contains("NAME", "VERSION", "PHASE", "PROGRESS", "c1", "0.8.5");

    assertThat(kubectl(kubeconfig, "get", "openmldbclusters", "c1", "-o",
        "jsonpath={.spec.version}")).isEqualTo("0.8.5");
    OpenMLDBCluster c1 = kube.client().resources(OpenMLDBCluster.class).withName("c1").get();
    for (String involved : List.of("c1", "other")) {
      kube.client().v1().events().resource(new io.fabric8.kubernetes.api.model.EventBuilder()
          .withNewMetadata().withName(involved + ".1").endMetadata()
          .withNewInvolvedObject().withKind("OpenMLDBCluster").withName(involved)
          .withNamespace("demo").withUid(involved.equals("c1") ? c1.getMetadata().getUid() : "x")
          .endInvolvedObject().withReason("RestartingPod").withMessage("restarting " + involved)
          .withType("Normal").build()).create();
    }
    assertThat(kubectl(kubeconfig, "describe", "omc", "c1")).contains("Name:", "c1", "0.8.5",
        "RestartingPod", "restarting c1").doesNotContain("restarting other");
    assertThat(kubectl(kubeconfig, "get", "events")).contains("RestartingPod",
        "openmldbcluster/c1", "restarting other");

    kubectl(kubeconfig, "patch", "omc", "c1", "--type=merge", "-p",
        "{\"spec\":{\"version\":\"0.9.3\"}}");
    assertThat(kube.client().resources(OpenMLDBCluster.class).withName("c1").get().getSpec()
        .getVersion()).isEqualTo("0.9.3");

    Path file = tmp.resolve("c2.yaml");
    Files.writeString(file, """
        apiVersion: openmldb.ai/v1alpha1
        kind: OpenMLDBCluster
        metadata:
          name: c2
        spec:
          version: 0.8.5
          zookeeper: {cluster: "127.0.0.1:2181", rootPath: /c2}
        """);
    kubectl(kubeconfig, "apply", "--validate=false", "-f", file.toString());
    assertThat(kubectl(kubeconfig, "get", "omc", "-o", "name")).contains("openmldbcluster.openmldb.ai/c2");
    assertThat(kubectl(kubeconfig, "get", "pods")).contains("No resources found");
    kubectl(kubeconfig, "delete", "omc", "c2");
  }

  private static boolean kubectlAvailable() {
    try {
      Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true)
          .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", tmp.resolve("kube-cache").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s:%n%s", String.join(" ", args), out).isZero();
    return out.trim();
  }
}
