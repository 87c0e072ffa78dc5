package ai.openmldb.operator.manifests;

import static ai.openmldb.operator.manifests.Manifests.kind;
import static ai.openmldb.operator.manifests.Manifests.metadata;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code operator/*.yaml} (for {@code kubectl apply -f operator/}) are the chart's default render
 * plus a Namespace. When the chart changes, regenerate them with
 * {@code mvn -o test -Dtest=InstallManifestsTest -Dmanifests.regenerate=true}.
 */
class InstallManifestsTest {
  static final String REGENERATE =
      "mvn -o test -Dtest=InstallManifestsTest -Dmanifests.regenerate=true";

  /** Which file holds which kinds, in apply order. */
  static final Map<String, List<String>> FILES = new LinkedHashMap<>();

  static {
    FILES.put("000-namespace.yaml", List.of("Namespace"));
    FILES.put("010-serviceaccount.yaml", List.of("ServiceAccount"));
    FILES.put("020-rbac.yaml", List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"));
    FILES.put("030-configmap.yaml", List.of("ConfigMap"));
    FILES.put("040-deployment.yaml", List.of("Deployment"));
    FILES.put("050-service.yaml", List.of("Service"));
  }

  @Test
  void plainManifestsAreTheChartsDefaultRender() throws IOException {
    Map<String, List<Map<String, Object>>> expected = expectedFiles();
    if (Boolean.getBoolean("manifests.regenerate")) {
      write(expected);
    }
    assertThat(Manifests.plainFiles()).extracting(p -> p.getFileName().toString())
        .as("files in operator/ (regenerate: %s)", REGENERATE)
        .containsExactlyElementsOf(FILES.keySet());
    for (var e : expected.entrySet()) {
      assertThat(Manifests.parse(Manifests.read(Manifests.PLAIN.resolve(e.getKey()))))
          .as("operator/%s differs from the chart's default render; run %s", e.getKey(), REGENERATE)
          .isEqualTo(e.getValue());
    }
  }

  @Test
  void everyNamespacedObjectLivesInTheOperatorNamespace() {
    for (Map<String, Object> o : Manifests.plain()) {
      String kind = kind(o);
      if (!List.of("Namespace", "ClusterRole", "ClusterRoleBinding").contains(kind)) {
        assertThat(metadata(o).get("namespace")).as("%s namespace", kind)
            .isEqualTo(Manifests.NAMESPACE);
      }
    }
  }

  /** The chart's objects without Helm's own labels, grouped by file. */
  static Map<String, List<Map<String, Object>>> expectedFiles() {
    List<Map<String, Object>> objects = new ArrayList<>();
    Map<String, Object> ns = new LinkedHashMap<>();
    ns.put("apiVersion", "v1");
    ns.put("kind", "Namespace");
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", Manifests.NAMESPACE);
    meta.put("labels", Map.of("app.kubernetes.io/name", "openmldb-operator"));
    ns.put("metadata", meta);
    objects.add(ns);
    for (Map<String, Object> o : Manifests.renderDefault()) {
      objects.add(withoutHelmLabels(o));
    }
    Map<String, List<Map<String, Object>>> byFile = new LinkedHashMap<>();
    FILES.forEach((file, kinds) -> byFile.put(file, objects.stream()
        .filter(o -> kinds.contains(kind(o)))
        .sorted(java.util.Comparator.comparing(o -> kinds.indexOf(kind(o))))
        .toList()));
    List<String> placed = FILES.values().stream().flatMap(List::stream).toList();
    assertThat(objects).extracting(Manifests::kind).allMatch(placed::contains,
        "every rendered kind has a file in operator/");
    return byFile;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withoutHelmLabels(Map<String, Object> o) {
    Map<String, Object> labels = (Map<String, Object>) metadata(o).get("labels");
    if (labels != null) {
      labels.remove("helm.sh/chart");
      labels.put("app.kubernetes.io/managed-by", "kubectl");
    }
    return o;
  }

  private static void write(Map<String, List<Map<String, Object>>> files) throws IOException {
    Files.createDirectories(Manifests.PLAIN);
    for (var e : files.entrySet()) {
      StringBuilder sb = new StringBuilder();
      sb.append("# Generated from helm/openmldb-operator with its default values (release and\n")
          .append("# namespace openmldb-operator). Do not edit: change the chart, then run\n")
          .append("# ").append(REGENERATE).append('\n');
      for (Map<String, Object> o : e.getValue()) {
        sb.append(Manifests.toYaml(o));
      }
      Files.writeString(Manifests.PLAIN.resolve(e.getKey()), sb.toString());
    }
  }
}
