package ai.openmldb.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code config/operator.properties} documents exactly the record's keys, with their defaults. */
class OperatorPropertiesFileTest {
  static final Path FILE = Path.of("config/operator.properties");

  @Test
  void listsEveryKeyOfTheRecordAndNoOther() throws IOException {
    assertThat(load().stringPropertyNames())
        .containsExactlyInAnyOrderElementsOf(OperatorConfigLoader.keys());
  }

  @Test
  void documentsTheDefaults() throws IOException {
    Properties file = load();
    Map<String, String> defaults = OperatorConfigLoader.toProperties(OperatorConfig.defaults());
    defaults.forEach((key, value) ->
        assertThat(file.getProperty(key)).as("default of %s", key).isEqualTo(value));
    // and loading the file changes nothing
    assertThat(OperatorConfigLoader.load(Optional.of(FILE), Map.of()))
        .isEqualTo(OperatorConfig.defaults());
  }

  @Test
  void commentsEveryKeyWithItsEnvironmentVariable() throws IOException {
    List<String> lines = Files.readAllLines(FILE);
    for (String key : OperatorConfigLoader.keys()) {
      int at = lines.indexOf(lines.stream().filter(l -> l.startsWith(key + "=")).findFirst()
          .orElseThrow());
      assertThat(lines.get(at - 1)).as("comment above %s", key).startsWith("#");
      String comment = String.join("\n", lines.subList(Math.max(0, at - 4), at));
      assertThat(comment).as("comment above %s", key)
          .contains(OperatorConfigLoader.envName(key));
    }
  }

  private static Properties load() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(FILE)) {
      p.load(r);
    }
    return p;
  }
}
