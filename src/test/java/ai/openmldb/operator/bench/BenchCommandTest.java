package ai.openmldb.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/** Runs the bench with tiny numbers: the summary's shape, the chart, and what must hold. */
class BenchCommandTest {
  private static final List<String> WAY_FIELDS = List.of("wallSeconds",
      "leaderlessPartitionSeconds", "writeUnavailablePartitionSeconds", "lostWrites",
      "acknowledgedWrites", "leaderMoves", "podWaitSeconds", "opWaitSeconds", "overheadSeconds",
      "leadersRestored", "allOnTargetVersion", "healthyAfter");

  @Test
  void comparesTheThreeWaysOnOneTinyClusterAndTheOperatorLosesNoWrite() throws Exception {
    BenchOptions o = BenchOptions.parse(new String[] {"--tablets", "3", "--step-poll-ms", "50",
        "--nameservers", "1", "--tables", "1", "--partitions", "4", "--replicas", "2",
        "--pod-start-ms", "50", "--op-ms", "20", "--write-rate", "200", "--tool-poll-ms", "10",
        "--drain", "0", "--scale-tablets", "0", "--measured-rolls", "2"});
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    BenchReport report = BenchCommand.execute(o, new PrintStream(progress, true, StandardCharsets.UTF_8));

    assertThat(report.failures()).isEmpty();
    JsonNode json = new ObjectMapper().readTree(report.json());
    assertThat(json.path("parameters").path("tablets").asInt()).isEqualTo(3);
    for (String way : List.of("naive", "serial", "operator")) {
      JsonNode w = json.path("ways").path(way);
      for (String field : WAY_FIELDS) {
        assertThat(w.has(field)).as(way + "." + field).isTrue();
      }
      assertThat(w.path("allOnTargetVersion").asBoolean()).as(way).isTrue();
      assertThat(w.path("acknowledgedWrites").asLong()).as(way).isPositive();
      // the default warm-up roll: measured and reported as the way's first roll, to 0.9.0
      JsonNode first = w.path("firstRoll");
      for (String field : WAY_FIELDS) {
        assertThat(first.has(field)).as(way + ".firstRoll." + field).isTrue();
      }
      assertThat(first.path("allOnTargetVersion").asBoolean()).as(way).isTrue();
    }
    assertThat(json.path("parameters").path("warmupRolls").asInt()).isEqualTo(1);
    assertThat(json.path("parameters").path("measuredRolls").asInt()).isEqualTo(2);
    for (String way : List.of("naive", "serial", "operator")) {
      // the way's figures are those of one of its two measured rolls, both listed
      JsonNode rolls = json.path("ways").path(way).path("measuredRolls");
      assertThat(rolls).as(way).hasSize(2);
      assertThat(rolls.findValuesAsText("wallSeconds"))
          .contains(json.path("ways").path(way).path("wallSeconds").asText());
    }
    JsonNode serial = json.path("ways").path("serial");
    // The official procedure moves leaders off before each restart and back afterwards.
    assertThat(serial.path("leadersRestored").asBoolean()).isTrue();
    assertThat(serial.path("leaderMoves").asLong()).isPositive();
    assertThat(serial.path("healthyAfter").asBoolean()).isTrue();

    JsonNode operator = json.path("ways").path("operator");
    assertThat(operator.path("lostWrites").asLong()).as(operator.toString()).isZero();
    assertThat(operator.path("firstRoll").path("lostWrites").asLong()).isZero();
    // each roll moves the leaders off and back again: counted per roll, not summed
    assertThat(operator.path("leaderMoves").asLong()).isPositive()
        .isEqualTo(operator.path("firstRoll").path("leaderMoves").asLong());
    assertThat(operator.path("leaderlessPartitionSeconds").asDouble()).isZero();
    assertThat(operator.path("leadersRestored").asBoolean()).isTrue();
    assertThat(operator.path("healthyAfter").asBoolean()).isTrue();
    // and once more by a newly started operator, its classes loaded afresh, to 0.9.8
    JsonNode fresh = operator.path("freshOperatorRoll");
    for (String field : WAY_FIELDS) {
      assertThat(fresh.has(field)).as("operator.freshOperatorRoll." + field).isTrue();
    }
    assertThat(fresh.path("allOnTargetVersion").asBoolean()).isTrue();
    assertThat(fresh.path("lostWrites").asLong()).isZero();
    assertThat(fresh.path("leaderMoves").asLong()).isEqualTo(operator.path("leaderMoves").asLong());
    assertThat(fresh.path("leadersRestored").asBoolean()).isTrue();
    assertThat(json.path("ways").path("serial").has("freshOperatorRoll")).isFalse();
    for (String ratio : List.of("operatorOverNaive", "operatorOverSerial")) {
      assertThat(json.path("ratios").path(ratio).has("wallSeconds")).as(ratio).isTrue();
    }

    // every target is listed; those this tiny run cannot measure say how to measure them
    JsonNode targets = json.path("targets");
    assertThat(targets).hasSize(7);
    assertThat(targets.get(0).path("id").asText()).isEqualTo("leaderless");
    assertThat(targets.get(0).path("verdict").asText()).isEqualTo("met");
    // the newly started operator's roll is listed against the roll's bound, not judged
    assertThat(targets.get(2).path("id").asText()).isEqualTo("rollOverheadFirstRoll");
    assertThat(targets.get(2).path("goal").asText()).contains("newly started operator");
    assertThat(targets.get(2).path("verdict").asText()).isEqualTo("figure");
    assertThat(targets.get(3).path("verdict").asText()).isEqualTo("not-measured");

    ByteArrayOutputStream table = new ByteArrayOutputStream();
    report.print(new PrintStream(table, true, StandardCharsets.UTF_8));
    assertThat(table.toString(StandardCharsets.UTF_8)).contains("naive").contains("serial")
        .contains("operator/serial").contains("the first roll of each way's cluster")
        .contains("the first roll of a newly started operator (to 0.9.8")
        .contains("each measured roll (to 0.9.3, 0.9.4")
        .contains("targets:").contains("n/a     draining 10,000 leaders");

    String svg = SvgChart.render(report.chartTitle(), report.results());
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(doc.getElementsByTagName("polyline").getLength()).isEqualTo(3);
  }
}
