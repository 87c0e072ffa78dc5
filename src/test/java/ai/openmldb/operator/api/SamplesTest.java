package ai.openmldb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.reconcile.SpecValidator;
import ai.openmldb.operator.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SamplesTest {
  static List<Path> samples() {
    return Fixtures.sampleFiles();
  }

  @Test
  void theDocumentedSamplesExist() {
    assertThat(samples()).extracting(p -> p.getFileName().toString())
        .contains("minimal.yaml", "ha.yaml", "single-replica.yaml");
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everySampleDeserializesAndValidatesClean(Path file) {
    OpenMLDBCluster cluster = Fixtures.read(file);
    assertThat(cluster.getMetadata().getName()).isNotBlank();
    assertThat(cluster.getSpec().getParseProblems()).isEmpty();
    assertThat(SpecValidator.validate(cluster)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everySamplePassesTheCrdSchemaAsAnApiServerWouldCheckIt(Path file) throws Exception {
    var resource = CrdSchemaChecker.YAML.readTree(file.toFile());
    assertThat(CrdSchemaChecker.forGeneratedCrd().check(resource)).isEmpty();
  }
}
