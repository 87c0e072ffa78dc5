package ai.openmldb.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void defaultsRunAllThreeWays() {
    BenchOptions o = BenchOptions.parse(new String[0]);
    assertThat(o.ways()).containsExactly(Way.NAIVE, Way.SERIAL, Way.OPERATOR);
    assertThat(o.replicas()).isLessThanOrEqualTo(o.tablets());
  }

  @Test
  void eachWayRollsOnceToWarmUpAndThenThreeTimesMeasured() {
    assertThat(BenchOptions.parse(new String[0]).rollVersions())
        .containsExactly("0.9.0", BenchWorld.TO, "0.9.4", "0.9.5");
    assertThat(BenchOptions.parse(new String[] {"--warmup-rolls", "0", "--measured-rolls", "1"})
        .rollVersions()).containsExactly(BenchWorld.TO);
    assertThat(BenchOptions.parse(new String[] {"--warmup-rolls", "3", "--measured-rolls", "2"})
        .rollVersions()).containsExactly("0.9.0", "0.9.1", "0.9.2", BenchWorld.TO, "0.9.4");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--warmup-rolls", "4"}))
        .hasMessageContaining("--warmup-rolls must be 0..3");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--measured-rolls", "6"}))
        .hasMessageContaining("--measured-rolls must be 1..5");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--measured-rolls", "0"}))
        .hasMessageContaining("--measured-rolls must be an integer >= 1");
  }

  @Test
  void theOperatorRollsOnceMoreAsANewlyStartedOperatorUnlessToldNot() {
    assertThat(BenchOptions.parse(new String[0]).freshOperatorRoll()).isTrue();
    assertThat(BenchOptions.parse(new String[] {"--fresh-operator-roll", "false"})
        .freshOperatorRoll()).isFalse();
    assertThat(BenchOptions.parse(new String[] {"--fresh-operator-roll=TRUE"})
        .freshOperatorRoll()).isTrue();
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fresh-operator-roll", "no"}))
        .hasMessage("--fresh-operator-roll must be true or false, got 'no'");
    // after the measured rolls, on a version none of them used
    assertThat(BenchOptions.parse(new String[] {"--measured-rolls", "5"}).rollVersions())
        .doesNotContain(BenchWorld.FRESH_OPERATOR_VERSION);
  }

  @Test
  void readsEveryOptionInBothForms() {
    BenchOptions o = BenchOptions.parse(new String[] {"--tablets=5", "--partitions", "7",
        "--replicas", "2", "--pod-start-ms", "10", "--op-ms", "5", "--write-rate", "9",
        "--seed", "3", "--summary", "s.json", "--chart", "c.svg", "--ways", "serial,naive",
        "--drain", "0"});
    assertThat(o.tablets()).isEqualTo(5);
    assertThat(o.partitions()).isEqualTo(7);
    assertThat(o.summary()).isEqualTo(Path.of("s.json"));
    assertThat(o.chart()).isEqualTo(Path.of("c.svg"));
    assertThat(o.ways()).containsExactly(Way.SERIAL, Way.NAIVE);
    assertThat(o.drain()).isZero();
  }

  @Test
  void serialDrainsDefaultToTheOperatorsSizeAndTheToolWayIsOptIn() {
    BenchOptions d = BenchOptions.parse(new String[] {"--drain", "300"});
    assertThat(d.serialDrainLeaders()).isEqualTo(300);
    assertThat(d.drainTool()).isZero();
    assertThat(d.ways()).doesNotContain(Way.SERIAL_TOOL);
    BenchOptions o = BenchOptions.parse(new String[] {"--drain", "10000", "--drain-serial", "200",
        "--drain-tool", "5", "--ways", "serial-tool,operator"});
    assertThat(o.serialDrainLeaders()).isEqualTo(200);
    assertThat(o.drainTool()).isEqualTo(5);
    assertThat(o.ways()).containsExactly(Way.SERIAL_TOOL, Way.OPERATOR);
  }

  @Test
  void taskConcurrencyIsOpenMLDBsFlagAndDrainTablesMustDivideThePartitions() {
    assertThat(BenchOptions.parse(new String[0]).nsTaskConcurrency()).isEqualTo(2);
    assertThat(BenchOptions.parse(new String[0]).drainTables()).isEqualTo(1);
    BenchOptions o = BenchOptions.parse(new String[] {"--ns-task-concurrency", "8",
        "--drain", "100", "--drain-serial", "10", "--drain-tool", "5", "--drain-tables", "2"});
    assertThat(o.nsTaskConcurrency()).isEqualTo(8);
    assertThat(o.drainTables()).isEqualTo(2);
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--ns-task-concurrency", "9"}))
        .hasMessageContaining("name_server_task_max_concurrency");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--ns-task-concurrency", "0"}))
        .hasMessageContaining("--ns-task-concurrency");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--drain", "100",
        "--drain-tables", "3"})).hasMessageContaining("--drain-tables 3");
  }

  @Test
  void rejectsBadInputNamingTheOption() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--tablets", "x"}))
        .hasMessageContaining("--tablets");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--replicas", "5"}))
        .hasMessageContaining("--replicas");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--ways", "fast"}))
        .hasMessageContaining("fast");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--bogus", "1"}))
        .hasMessageContaining("--bogus");
  }
}
