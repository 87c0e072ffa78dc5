package ai.openmldb.operator.manifests;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Renders the chart and reads the plain manifests as generic Kubernetes objects. */
final class Manifests {
  static final Path CHART = Path.of("helm/openmldb-operator");
  static final Path PLAIN = Path.of("operator");
  /** Release name and namespace of the default install, the ones {@code operator/} uses. */
  static final String RELEASE = "openmldb-operator";
  static final String NAMESPACE = "openmldb-operator";

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.SPLIT_LINES)
      .build();
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private Manifests() {}

  /** {@code helm template} of the chart (without CRDs) with extra settings. */
  static List<Map<String, Object>> render(Consumer<com.marcnuri.helm.TemplateCommand> settings) {
    var template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE).skipCrds();
    settings.accept(template);
    return parse(template.call());
  }

  static List<Map<String, Object>> renderDefault() {
    return render(t -> {});
  }

  /** Every object of every {@code operator/*.yaml}, in file order. */
  static List<Map<String, Object>> plain() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Path file : plainFiles()) {
      out.addAll(parse(read(file)));
    }
    return out;
  }

  static List<Path> plainFiles() {
    try (Stream<Path> files = Files.list(PLAIN)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Map<String, Object>> parse(String yaml) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(yaml)) {
      var it = YAML.readValues(parser, new TypeReference<Map<String, Object>>() {});
      while (it.hasNext()) {
        Map<String, Object> doc = it.next();
        if (doc != null && !doc.isEmpty()) {
          out.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String kind(Map<String, Object> o) {
    return (String) o.get("kind");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> metadata(Map<String, Object> o) {
    return (Map<String, Object>) o.get("metadata");
  }

  static String name(Map<String, Object> o) {
    return (String) metadata(o).get("name");
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(kind(o))).toList();
  }

  static Map<String, Object> one(List<Map<String, Object>> objects, String kind) {
    List<Map<String, Object>> found = ofKind(objects, kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  /** Converts a generic object into a fabric8 model class. */
  static <T> T as(Map<String, Object> object, Class<T> type) {
    return JSON.convertValue(object, type);
  }

  static String toYaml(Object o) {
    try {
      return YAML.writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
