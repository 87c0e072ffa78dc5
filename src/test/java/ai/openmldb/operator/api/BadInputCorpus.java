package ai.openmldb.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The malformed or dangerous resources of {@code src/test/resources/bad-input/}, one per file. Each
 * file starts with a header:
 *
 * <pre>
 * # case: what is wrong
 * # expect: schema: spec.version      (the CRD schema rejects it at that path) and/or
 * # expect: degraded: spec.version    (the operator reports Degraded naming that field)
 * # expect: retarget: spec.version    (accepted: the operator takes it as the halted roll's new
 * #                                    target and says so in status.upgrade.replacedRoll)
 * # fix: what the user should do
 * # update-of: base/cluster.yaml      (optional: applied as a change of that valid cluster)
 * # live: what the operator looks at beyond the resource (optional: the Secret, the tables...)
 * # world: simulated                  (optional: tested against the simulated OpenMLDB)
 * </pre>
 */
public final class BadInputCorpus {
  public static final String DIR = "bad-input";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One corpus file. */
  public record Case(
      String file,
      String description,
      List<String> schemaPaths,
      List<String> degradedFields,
      List<String> retargetFields,
      String fix,
      String updateOf,
      String live,
      boolean simulatedWorld,
      String yaml) {

    public String id() {
      return file.replaceFirst("\\.yaml$", "");
    }

    public boolean rejectedBySchema() {
      return !schemaPaths.isEmpty();
    }

    public boolean degraded() {
      return !degradedFields.isEmpty();
    }

    public boolean retarget() {
      return !retargetFields.isEmpty();
    }

    public JsonNode tree() {
      return read(yaml);
    }

    /** The valid resource this case changes, or null for a create. */
    public JsonNode base() {
      return updateOf == null ? null : read(resource(DIR + "/" + updateOf));
    }

    @Override
    public String toString() {
      return id();
    }
  }

  private BadInputCorpus() {}

  public static List<Case> cases() {
    Path dir = dir();
    try (Stream<Path> files = Files.list(dir)) {
      List<Case> out = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        out.add(parse(p.getFileName().toString(), Files.readString(p)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The valid cluster the update cases start from. */
  public static String baseYaml() {
    return resource(DIR + "/base/cluster.yaml");
  }

  static Case parse(String file, String yaml) {
    String description = null;
    String fix = null;
    String updateOf = null;
    String live = null;
    boolean simulated = false;
    List<String> schema = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    List<String> retarget = new ArrayList<>();
    for (String line : yaml.lines().toList()) {
      if (!line.startsWith("#")) {
        break;
      }
      String l = line.substring(1).trim();
      if (l.startsWith("case:")) {
        description = value(l);
      } else if (l.startsWith("expect: schema:")) {
        schema.add(value(value(l)));
      } else if (l.startsWith("expect: degraded:")) {
        degraded.add(value(value(l)));
      } else if (l.startsWith("expect: retarget:")) {
        retarget.add(value(value(l)));
      } else if (l.startsWith("fix:")) {
        fix = value(l);
      } else if (l.startsWith("update-of:")) {
        updateOf = value(l);
      } else if (l.startsWith("live:")) {
        live = value(l);
      } else if (l.startsWith("world:")) {
        simulated = "simulated".equals(value(l));
      }
    }
    if (description == null || fix == null
        || (schema.isEmpty() && degraded.isEmpty() && retarget.isEmpty())) {
      throw new IllegalArgumentException(file + ": header needs case:, fix: and expect: lines");
    }
    return new Case(file, description, schema, degraded, retarget, fix, updateOf, live, simulated,
        yaml);
  }

  private static String value(String l) {
    return l.substring(l.indexOf(':') + 1).trim();
  }

  static JsonNode read(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path dir() {
    try {
      return Path.of(BadInputCorpus.class.getClassLoader().getResource(DIR).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String resource(String name) {
    try (var in = BadInputCorpus.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
