package ai.openmldb.operator.testing;

import ai.openmldb.operator.api.OpenMLDBCluster;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test fixtures: the sample clusters from config/samples (so the README's examples cannot rot). */
public final class Fixtures {
  public static final Path SAMPLES = Path.of("config", "samples");

  private Fixtures() {}

  /** A sample by file name without extension, e.g. "minimal", placed in the given namespace. */
  public static OpenMLDBCluster sample(String name, String namespace) {
    OpenMLDBCluster cluster = read(SAMPLES.resolve(name + ".yaml"));
    cluster.getMetadata().setNamespace(namespace);
    return cluster;
  }

  public static OpenMLDBCluster read(Path file) {
    try {
      return Serialization.unmarshal(Files.readString(file), OpenMLDBCluster.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every sample file. */
  public static List<Path> sampleFiles() {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
