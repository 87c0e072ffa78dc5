package ai.openmldb.operator.manifests;

import static ai.openmldb.operator.manifests.Manifests.as;
import static ai.openmldb.operator.manifests.Manifests.kind;
import static ai.openmldb.operator.manifests.Manifests.metadata;
import static ai.openmldb.operator.manifests.Manifests.name;
import static ai.openmldb.operator.manifests.Manifests.ofKind;
import static ai.openmldb.operator.manifests.Manifests.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.config.OperatorConfigLoader;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelmChartTest {
  @TempDir Path tmp;

  @Test
  void passesStrictLint() {
    var result = new Helm(Manifests.CHART).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void rendersClusterWideRbacByDefault() {
    List<Map<String, Object>> objects = Manifests.renderDefault();
    assertThat(objects).extracting(Manifests::kind).containsExactlyInAnyOrder(
        "ServiceAccount", "ConfigMap", "ClusterRole", "ClusterRoleBinding", "Role",
        "RoleBinding", "Deployment", "Service");
    // the only namespaced Role is the leader-election one, in the release namespace
    assertThat(name(one(objects, "Role"))).isEqualTo("openmldb-operator-leader-election");
    assertThat(metadata(one(objects, "Role")).get("namespace")).isEqualTo(Manifests.NAMESPACE);
  }

  @Test
  void rendersRolesAndNoClusterRoleInNamespaceScopedMode() {
    List<Map<String, Object>> objects =
        Manifests.render(t -> t.set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b"));
    assertThat(ofKind(objects, "ClusterRole")).isEmpty();
    assertThat(ofKind(objects, "ClusterRoleBinding")).isEmpty();
    assertThat(ofKind(objects, "Role")).extracting(o -> metadata(o).get("namespace"))
        .containsExactlyInAnyOrder("team-a", "team-b", Manifests.NAMESPACE);
    assertThat(ofKind(objects, "RoleBinding")).extracting(o -> metadata(o).get("namespace"))
        .containsExactlyInAnyOrder("team-a", "team-b", Manifests.NAMESPACE);
    assertThat(config(objects).watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
  }

  @Test
  void dropsTheLeaseRoleWithoutLeaderElectionAndSecretsWhenNotNeeded() {
    List<Map<String, Object>> objects = Manifests.render(t -> t
        .set("leaderElection.enabled", false).set("zookeeperAuthSecrets", false));
    assertThat(ofKind(objects, "Role")).isEmpty();
    assertThat(Manifests.toYaml(one(objects, "ClusterRole"))).doesNotContain("secrets");
    assertThat(config(objects).leaderElection()).isFalse();
  }

  @Test
  void rendersAConfigMapTheOperatorLoads() {
    OperatorConfig config = config(Manifests.render(t -> t
        .set("config.reconcile-interval", "5m").set("metrics.port", 9090)));
    assertThat(config.reconcileInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.leaseNamespace()).isEqualTo(Manifests.NAMESPACE);
  }

  @Test
  void defaultValuesGiveTheDocumentedDefaultsExceptLeaderElection() {
    OperatorConfig config = config(Manifests.renderDefault());
    assertThat(config).isEqualTo(new OperatorConfig(Set.of(),
        OperatorConfig.defaults().useServerSideApply(),
        OperatorConfig.defaults().reconcileInterval(),
        OperatorConfig.defaults().stepPollInterval(),
        OperatorConfig.defaults().nameserverRequestTimeout(),
        OperatorConfig.defaults().zookeeperConnectTimeout(),
        true, OperatorConfig.defaults().leaseName(), Manifests.NAMESPACE,
        OperatorConfig.defaults().httpPort()));
  }

  @Test
  void runsAsNonRootWithAReadOnlyRootFilesystemAndProbes() {
    Deployment deployment = as(one(Manifests.renderDefault(), "Deployment"), Deployment.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(pod.getEnableServiceLinks()).isFalse();
    assertThat(c.getImage()).isEqualTo("openmldb/openmldb-operator:" + projectVersion());
    assertThat(c.getArgs()).containsExactly(
        "run", "--config", "/etc/openmldb-operator/operator.properties");
  }

  @Test
  void rendersAServiceMonitorOnlyWhenAsked() {
    assertThat(ofKind(Manifests.renderDefault(), "ServiceMonitor")).isEmpty();
    List<Map<String, Object>> objects =
        Manifests.render(t -> t.set("metrics.serviceMonitor.enabled", true));
    assertThat(Manifests.toYaml(one(objects, "ServiceMonitor"))).contains("path: /metrics");
  }

  @Test
  void rejectsValuesTheSchemaForbids() {
    assertThatThrownBy(() -> Manifests.render(t -> t.set("config.reconcile-interval", "60")))
        .hasMessageContaining("reconcile-interval");
    assertThatThrownBy(() -> Manifests.render(t -> t.set("watchNamespaces[0]", "Team_A")))
        .hasMessageContaining("watchNamespaces");
    assertThatThrownBy(() -> Manifests.render(t -> t.set("replicas", 2)))
        .hasMessageContaining("replicas");
  }

  @Test
  void chartCrdIsACopyOfTheCommittedCrd() throws IOException {
    Path committed = Path.of("crds");
    Path inChart = Manifests.CHART.resolve("crds");
    Assumptions.assumeTrue(Files.isDirectory(committed), "crds/ is not generated yet");
    List<String> names;
    try (var files = Files.list(committed)) {
      names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted()
          .toList();
    }
    assertThat(names).as("crds/ holds the generated CRD").isNotEmpty();
    try (var files = Files.list(inChart)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .as("helm/openmldb-operator/crds/ == crds/ (run mvn -Pregenerate process-classes)")
          .isEqualTo(names);
    }
    for (String n : names) {
      assertThat(Files.readString(inChart.resolve(n)))
          .as("%s differs from crds/%s; run mvn -Pregenerate process-classes", inChart.resolve(n), n)
          .isEqualTo(Files.readString(committed.resolve(n)));
    }
  }

  private OperatorConfig config(List<Map<String, Object>> objects) {
    ConfigMap cm = as(one(objects, "ConfigMap"), ConfigMap.class);
    try {
      Path file = tmp.resolve("operator-" + System.nanoTime() + ".properties");
      Files.writeString(file, cm.getData().get("operator.properties"));
      return OperatorConfigLoader.load(Optional.of(file), Map.of());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String projectVersion() {
    String pom = Manifests.read(Path.of("pom.xml"));
    var m = java.util.regex.Pattern.compile(
        "<artifactId>openmldb-operator</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
