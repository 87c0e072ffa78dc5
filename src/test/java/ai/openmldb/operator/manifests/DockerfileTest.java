package ai.openmldb.operator.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What can be checked of the image without a Docker engine (none runs on the build machines). */
class DockerfileTest {
  final List<String> lines = Manifests.read(Path.of("Dockerfile")).lines()
      .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();

  @Test
  void buildsWithMavenAndRunsOnAJre() {
    assertThat(lines).filteredOn(l -> l.startsWith("FROM ")).containsExactly(
        "FROM maven:3.9-eclipse-temurin-17 AS build", "FROM eclipse-temurin:17-jre");
  }

  @Test
  void runsAsTheNumericNonRootUserTheChartExpects() {
    assertThat(lines).filteredOn(l -> l.startsWith("USER ")).containsExactly("USER 65532:65532");
    assertThat(Manifests.read(Path.of("helm/openmldb-operator/values.yaml")))
        .contains("runAsUser: 65532").contains("runAsGroup: 65532");
  }

  @Test
  void startsTheShadedJarInExecForm() {
    assertThat(Manifests.read(Path.of("pom.xml"))).contains("<finalName>openmldb-operator</finalName>");
    assertThat(lines).contains(
        "ENTRYPOINT [\"java\", \"-jar\", \"/opt/openmldb-operator/openmldb-operator.jar\"]",
        "CMD [\"run\"]");
    assertThat(lines).anyMatch(l -> l.contains("-Djava.io.tmpdir=/tmp"));
  }
}
