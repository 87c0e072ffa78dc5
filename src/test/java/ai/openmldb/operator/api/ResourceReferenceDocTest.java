package ai.openmldb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/resource-reference.md names every field of the generated schema, condition and phase. */
class ResourceReferenceDocTest {
  private static final Path DOC = Path.of("docs", "resource-reference.md");

  @Test
  void documentsEverySchemaField() throws IOException {
    JsonNode crd;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(OpenMLDBClusterCrd.RESOURCE)) {
      crd = CrdSchemaChecker.YAML.readTree(in);
    }
    JsonNode root = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties");
    List<String> paths = new ArrayList<>();
    collect(root.get("spec"), "spec", paths);
    collect(root.get("status"), "status", paths);
    String doc = Files.readString(DOC);
    assertThat(paths).hasSizeGreaterThan(40);
    List<String> missing = paths.stream().filter(p -> !doc.contains("`" + p + "`")).toList();
    assertThat(missing).as("fields missing from docs/resource-reference.md").isEmpty();
    assertThat(paths).allSatisfy(p -> assertThat(doc).as("docs/resource-reference.md names " + p)
        .contains("`" + p + "`"));
  }

  @Test
  void documentsEveryConditionTypeAndPhase() throws Exception {
    String doc = Files.readString(DOC);
    for (Class<?> constants : List.of(ConditionType.class, Phase.class)) {
      for (Field f : constants.getFields()) {
        assertThat(doc).contains("`" + f.get(null) + "`");
      }
    }
  }

  /** Leaf property paths, not descending into Kubernetes types (resources) or map values. */
  private static void collect(JsonNode schema, String path, List<String> out) {
    JsonNode props = schema.get("properties");
    if (props == null || path.endsWith(".resources") || path.endsWith(".conditions")) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String child = path + "." + e.getKey();
      if (e.getValue().has("properties") && !child.endsWith(".resources")) {
        collect(e.getValue(), child, out);
      } else {
        out.add(child);
      }
    }
  }
}
