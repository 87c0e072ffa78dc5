package ai.openmldb.operator.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.OperatorCommand;
import ai.openmldb.operator.OperatorCommand.RunningOperator;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.testing.Kubeconfig;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real operator against the mock API, records every request its client makes, and
 * checks each one is granted by the chart's RBAC ({@link RbacTest#NEEDED}, {@link RbacTest#LEASE}).
 * The mock API enforces no RBAC (pitfall P10), so this is where a forgotten verb shows up.
 */
@EnableKubernetesMockClient(crud = true)
class ApiCallsCoveredByRbacTest {
  static final String NS = "apps";
  static final String LEASE_NS = "ops";

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;

  @Test
  void everyCallTheOperatorMakesIsGranted() throws Exception {
    try (InputStream in = getClass().getResourceAsStream(
        "/META-INF/fabric8/openmldbclusters.openmldb.ai-v1.yml")) {
      client.resource(client.getKubernetesSerialization()
          .unmarshal(in, CustomResourceDefinition.class)).createOr(NonDeletingOperation::update);
    }
    // JOSDK checks its Lease permissions with a SelfSubjectRulesReview (every authenticated user
    // may create one); the CRUD mock cannot answer it.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().addNewResourceRule()
            .withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "update", "patch").endResourceRule().withIncomplete(false)
            .endStatus().build())
        .always();

    OperatorConfig config = OperatorConfig.forMockApi().withHttpPort(0);
    config = new OperatorConfig(config.watchNamespaces(), config.useServerSideApply(),
        config.reconcileInterval(), config.stepPollInterval(), config.nameserverRequestTimeout(),
        config.zookeeperConnectTimeout(), true, config.leaseName(), LEASE_NS, config.httpPort());
    KubernetesClient operatorClient =
        new KubernetesClientBuilder().withConfig(OperatorCommand.clientConfig(
            Optional.of(kubeconfig()))).build();

    try (RunningOperator operator = RunningOperator.start(config, operatorClient)) {
      OpenMLDBCluster cluster = client.getKubernetesSerialization().unmarshal(
          Files.readString(Path.of("config/samples/minimal.yaml")), OpenMLDBCluster.class);
      client.resources(OpenMLDBCluster.class).inNamespace(NS).resource(cluster).create();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).isNotEmpty();
        OpenMLDBCluster seen =
            client.resources(OpenMLDBCluster.class).inNamespace(NS).withName("minimal").get();
        assertThat(seen.getStatus()).isNotNull();
        assertThat(seen.getStatus().getObservedGeneration()).isNotNull();
      });
      // a spec change makes the operator update what it created
      client.resources(OpenMLDBCluster.class).inNamespace(NS).withName("minimal")
          .edit(c -> {
            c.getSpec().getTablet().setReplicas(4);
            return c;
          });
      await().atMost(Duration.ofSeconds(60)).until(() -> client.apps().statefulSets()
          .inNamespace(NS).withName("minimal-tablet").get().getSpec().getReplicas() == 4);
    }

    Set<String> used = new TreeSet<>();
    Set<String> leaseNamespaces = new TreeSet<>();
    int count = server.getRequestCount();
    for (int i = 0; i < count; i++) {
      RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
      if (r == null) {
        break;
      }
      String agent = r.getHeader("User-Agent");
      if (agent == null || !agent.startsWith(OperatorCommand.USER_AGENT)) {
        continue; // the test's own client
      }
      ApiCall call = ApiCall.parse(r.getMethod(), r.getPath());
      if (call == null || call.alwaysAllowed()) {
        continue;
      }
      used.add(call.permission());
      if (call.permission().startsWith("coordination.k8s.io/leases:")) {
        leaseNamespaces.add(call.namespace());
      }
    }

    Set<String> granted = new TreeSet<>(RbacTest.NEEDED);
    granted.addAll(RbacTest.LEASE);
    assertThat(used).as("API calls the operator made").isNotEmpty().isSubsetOf(granted);
    assertThat(used).contains("openmldb.ai/openmldbclusters:watch",
        "apps/statefulsets:create", "coordination.k8s.io/leases:create");
    assertThat(leaseNamespaces).containsExactly(LEASE_NS);
  }

  private Path kubeconfig() throws Exception {
    return Kubeconfig.write(dir.resolve("kubeconfig"),
        client.getConfiguration().getMasterUrl(), LEASE_NS);
  }

  /** One request as RBAC sees it: API group, resource[/subresource], verb, namespace. */
  record ApiCall(String group, String resource, String verb, String namespace) {
    String permission() {
      return group + "/" + resource + ":" + verb;
    }

    /** Discovery and self reviews: granted to every authenticated user by default roles. */
    boolean alwaysAllowed() {
      return resource.isEmpty()
          || (group.equals("authorization.k8s.io") && resource.startsWith("selfsubject"));
    }

    static ApiCall parse(String method, String pathAndQuery) {
      String path = pathAndQuery;
      String query = "";
      int q = path.indexOf('?');
      if (q >= 0) {
        query = path.substring(q + 1);
        path = path.substring(0, q);
      }
      List<String> s = List.of(path.replaceAll("^/+|/+$", "").split("/"));
      String group;
      int i;
      if (s.get(0).equals("api") && s.size() >= 2) {
        group = "";
        i = 2;
      } else if (s.get(0).equals("apis") && s.size() >= 3) {
        group = s.get(1);
        i = 3;
      } else {
        return new ApiCall("", "", method, ""); // /version, /api, /apis, /openapi...
      }
      String namespace = "";
      if (s.size() > i + 1 && s.get(i).equals("namespaces") && s.size() > i + 2) {
        namespace = s.get(i + 1);
        i += 2;
      }
      if (s.size() <= i) {
        return new ApiCall(group, "", method, namespace);
      }
      String resource = s.get(i);
      boolean named = s.size() > i + 1;
      if (s.size() > i + 2) {
        resource = resource + "/" + s.get(i + 2);
      }
      String verb = switch (method) {
        case "GET" -> named ? "get" : (query.contains("watch=true") ? "watch" : "list");
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> named ? "delete" : "deletecollection";
        default -> method.toLowerCase(java.util.Locale.ROOT);
      };
      return new ApiCall(group, resource, verb, namespace);
    }
  }
}
