package ai.openmldb.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void usesDefaultsWithoutFileOrEnvironment() {
    assertThat(OperatorConfigLoader.load(Optional.empty(), Map.of()))
        .isEqualTo(OperatorConfig.defaults());
  }

  @Test
  void fileOverridesDefaultsAndEnvironmentOverridesFile() throws IOException {
    Path file = write("reconcile-interval=2m\nstep-poll-interval=500ms\nhttp-port=9000\n"
        + "watch-namespaces=team-a, team-b\n");
    OperatorConfig config = OperatorConfigLoader.load(Optional.of(file),
        Map.of("OPENMLDB_OPERATOR_HTTP_PORT", "9100",
            "OPENMLDB_OPERATOR_USE_SERVER_SIDE_APPLY", "false"));

    assertThat(config.reconcileInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.stepPollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.httpPort()).isEqualTo(9100);
    assertThat(config.useServerSideApply()).isFalse();
    assertThat(config.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(config.leaseName()).isEqualTo(OperatorConfig.defaults().leaseName());
  }

  @Test
  void findsTheFileThroughTheEnvironmentWhenNoPathIsGiven() throws IOException {
    Path file = write("leader-election=true\nlease-namespace=ops\n");
    OperatorConfig config = OperatorConfigLoader.load(Optional.empty(),
        Map.of("OPENMLDB_OPERATOR_CONFIG", file.toString()));
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.leaseNamespace()).isEqualTo("ops");
  }

  @Test
  void ignoresServiceLinkVariablesThatShareThePrefix() {
    // Kubernetes injects these for a Service named openmldb-operator in the same namespace.
    OperatorConfig config = OperatorConfigLoader.load(Optional.empty(),
        Map.of("OPENMLDB_OPERATOR_PORT", "tcp://10.0.0.7:8080",
            "OPENMLDB_OPERATOR_SERVICE_HOST", "10.0.0.7"));
    assertThat(config).isEqualTo(OperatorConfig.defaults());
  }

  @Test
  void namesTheKeyAndTheSourceOfABadDuration() {
    assertThatThrownBy(() -> OperatorConfigLoader.load(Optional.empty(),
            Map.of("OPENMLDB_OPERATOR_RECONCILE_INTERVAL", "30")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("reconcile-interval")
        .hasMessageContaining("OPENMLDB_OPERATOR_RECONCILE_INTERVAL")
        .hasMessageContaining("30s");
  }

  @Test
  void rejectsUnknownKeysInTheFile() throws IOException {
    Path file = write("reconcile-intervall=30s\n");
    assertThatThrownBy(() -> OperatorConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'reconcile-intervall'")
        .hasMessageContaining(file.toString());
  }

  @Test
  void rejectsValuesOutsideTheirRange() throws IOException {
    Path file = write("http-port=70000\nstep-poll-interval=0s\nwatch-namespaces=Team_A\n");
    assertThatThrownBy(() -> OperatorConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'http-port'")
        .hasMessageContaining("'step-poll-interval'")
        .hasMessageContaining("'Team_A' is not a namespace name");
  }

  @Test
  void rejectsBooleansThatAreNotTrueOrFalse() {
    assertThatThrownBy(() -> OperatorConfigLoader.load(Optional.empty(),
            Map.of("OPENMLDB_OPERATOR_LEADER_ELECTION", "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("leader-election");
  }

  @Test
  void reportsAMissingFile() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> OperatorConfigLoader.load(Optional.of(missing), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void parsesAndFormatsDurations() {
    assertThat(DurationParser.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationParser.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationParser.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationParser.format(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(OperatorConfigLoader.toProperties(OperatorConfig.defaults().withWatchNamespaces(
        Set.of("b", "a")))).containsEntry("watch-namespaces", "a,b");
  }

  private Path write(String content) throws IOException {
    Path file = dir.resolve("operator.properties");
    Files.writeString(file, content);
    return file;
  }
}
