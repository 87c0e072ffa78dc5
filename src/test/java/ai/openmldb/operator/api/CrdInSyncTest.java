package ai.openmldb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed crds/ must equal what the build generates from the Java model. */
class CrdInSyncTest {
  private static final String REGENERATE = "mvn -B -o -Pregenerate process-classes";
  private static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");
  private static final Path COMMITTED = Path.of("crds");

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    List<Path> generated = ymls(GENERATED);
    assertThat(generated).as("generated CRDs in " + GENERATED).isNotEmpty();
    for (Path file : generated) {
      Path committed = COMMITTED.resolve(file.getFileName());
      assertThat(Files.exists(committed))
          .as(committed + " is missing; run: " + REGENERATE).isTrue();
      assertThat(Files.readString(committed))
          .as(committed + " differs from the generated CRD; run: " + REGENERATE)
          .isEqualTo(Files.readString(file));
    }
    assertThat(ymls(COMMITTED).size())
        .as("crds/ holds files the build no longer generates; delete them and run: " + REGENERATE)
        .isEqualTo(generated.size());
  }

  private static List<Path> ymls(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
  }
}
