package ai.openmldb.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.bench.BenchTargets.Target;
import ai.openmldb.operator.bench.BenchTargets.Verdict;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each target is judged from the run's own figures, and only at the size it is defined for. */
class BenchTargetsTest {
  private static final BenchOptions DEFAULTS = BenchOptions.parse(new String[0]);

  @Test
  void aRunMeetingEveryTargetSaysSo() throws Exception {
    BenchReport report = report(DEFAULTS, afterFirst(roll(13.0, 12.6, 0), roll(12.93, 12.44, 0)),
        drain(10_000, 143.8), scale(100, 10_000, 83.4, 256, 0));

    assertThat(verdicts(report)).containsOnlyKeys("leaderless", "rollOverhead",
        "rollOverheadFirstRoll", "drain", "scalePass", "scaleHeap", "noPolling")
        .allSatisfy((id, v) -> assertThat(v).as(id).isEqualTo(
            id.equals("rollOverheadFirstRoll") ? Verdict.FIGURE : Verdict.MET));
    JsonNode targets = new ObjectMapper().readTree(report.json()).path("targets");
    assertThat(targets).hasSize(7);
    assertThat(targets.get(0).path("verdict").asText()).isEqualTo("met");
    assertThat(targets.get(3).path("measured").asText()).startsWith("15.5x the script");
  }

  @Test
  void aFigureOverItsBoundIsMissedAndTheFirstRollIsAFigureApart() {
    BenchReport report = report(DEFAULTS,
        afterFirst(roll(13.5, 12.5, 0.2), roll(13.14, 12.5, 0)),
        drain(10_000, 250.0), scale(100, 10_000, 100.5, 256, 1));

    Map<String, Verdict> v = verdicts(report);
    assertThat(v.get("rollOverhead")).isEqualTo(Verdict.MISSED); // 1.051
    assertThat(v.get("rollOverheadFirstRoll")).isEqualTo(Verdict.FIGURE); // 1.080
    assertThat(v.get("leaderless")).isEqualTo(Verdict.MISSED); // 0.2 in the first roll
    assertThat(v.get("drain")).isEqualTo(Verdict.MISSED); // 2227 s / 250 s = 8.9x
    assertThat(v.get("scalePass")).isEqualTo(Verdict.MISSED);
    assertThat(v.get("noPolling")).isEqualTo(Verdict.MISSED); // an unchanged pass read ShowTable

    BenchReport warmOnlyMet = report(DEFAULTS,
        afterFirst(roll(13.5, 12.5, 0), roll(12.93, 12.44, 0)), null, null);
    assertThat(verdicts(warmOnlyMet)).containsEntry("rollOverhead", Verdict.MET)
        .containsEntry("rollOverheadFirstRoll", Verdict.FIGURE);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    BenchTargets.print(warmOnlyMet.targets(), new PrintStream(text, true, StandardCharsets.UTF_8));
    // the first roll's overhead (1.00 s) against the measured roll's (0.49 s)
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("met     roll wall <= 1.05 x busy (pod restarts + migration), the operator after"
            + " 1 warm-up roll: 1.039")
        .contains("figure  roll wall / busy of the first roll after the operator's JVM starts"
            + " (against the 1.05 bound): 1.080, over the bound (13.50 s wall, 12.50 s busy,"
            + " 1.00 s overhead; +0.51 s overhead against the running operator's median roll)");
  }

  @Test
  void theRollIsJudgedOnTheMedianOfTheMeasuredRollsAndLeaderlessOnTheWorstOfThem() {
    WayResult first = roll(13.5, 12.5, 0);
    // measured after the warm-up roll: 1.060, 1.039, 1.046 (wall / busy)
    WayResult op = WayResult.of(List.of(first, roll(13.25, 12.5, 0), roll(12.99, 12.5, 0),
        roll(13.075, 12.5, 0)), 3);
    assertThat(op.wallOverBusy()).isEqualTo(1.046);
    assertThat(op.firstRoll()).isSameAs(first);
    assertThat(op.measuredRolls()).extracting(WayResult::wallSeconds)
        .containsExactly(13.25, 12.99, 13.075);
    Map<String, Verdict> v = verdicts(report(DEFAULTS, op, null, null));
    assertThat(v.get("rollOverhead")).isEqualTo(Verdict.MET);
    assertThat(report(DEFAULTS, op, null, null).targets())
        .filteredOn(t -> t.id().equals("rollOverhead")).map(Target::measured).singleElement()
        .asString()
        .startsWith("1.046, the median of 3 rolls (1.060, 1.039, 1.046) (13.08 s wall");

    // one roll of three left partitions leaderless: the median roll did not, the target is missed
    WayResult leaderlessOnce = WayResult.of(List.of(first, roll(13.0, 12.5, 0),
        roll(13.1, 12.5, 0.3), roll(12.9, 12.5, 0)), 3);
    assertThat(leaderlessOnce.leaderlessPartitionSeconds()).isZero();
    assertThat(verdicts(report(DEFAULTS, leaderlessOnce, null, null)))
        .containsEntry("leaderless", Verdict.MISSED);

    // no warm-up roll: the first measured roll is the first roll, judged alone
    WayResult cold = WayResult.of(List.of(roll(13.5, 12.5, 0), roll(13.0, 12.5, 0),
        roll(12.9, 12.5, 0)), 3);
    assertThat(cold.wallOverBusy()).isEqualTo(1.04);
    assertThat(cold.firstRoll().wallOverBusy()).isEqualTo(1.08);
  }

  @Test
  void aNewlyStartedOperatorsRollIsTheFirstRollListedWhereMeasured() throws Exception {
    WayResult warm = afterFirst(roll(13.5, 12.5, 0), roll(12.93, 12.44, 0));
    // the JVM's first roll (1.080) is over the bound, the new operator's (1.044) is not
    BenchReport within = report(DEFAULTS, warm.withFreshOperatorRoll(roll(13.05, 12.5, 0)), null,
        null);
    assertThat(verdicts(within)).containsEntry("rollOverhead", Verdict.MET)
        .containsEntry("rollOverheadFirstRoll", Verdict.FIGURE);
    assertThat(within.targets()).filteredOn(t -> t.id().equals("rollOverheadFirstRoll"))
        .map(Target::measured).singleElement().asString()
        .startsWith("1.044, within the bound (13.05 s wall");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    BenchTargets.print(report(DEFAULTS, warm.withFreshOperatorRoll(roll(13.35, 12.5, 0)), null,
        null).targets(), new PrintStream(text, true, StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("figure  roll wall / busy of the first roll of a newly started operator, its"
            + " code cold, the cluster's and API server's warm (against the 1.05 bound): 1.068,"
            + " over the bound (13.35 s wall, 12.50 s busy, 0.85 s overhead; +0.36 s overhead"
            + " against the running operator's median roll)");
    JsonNode json = new ObjectMapper().readTree(within.json()).path("targets");
    assertThat(json.get(2).path("id").asText()).isEqualTo("rollOverheadFirstRoll");
    assertThat(json.get(2).path("verdict").asText()).isEqualTo("figure");

    // a partition left leaderless by the new operator's roll alone misses the leaderless target
    BenchReport leaderless = report(DEFAULTS, warm.withFreshOperatorRoll(roll(13.05, 12.5, 0.4)),
        null, null);
    assertThat(verdicts(leaderless)).containsEntry("leaderless", Verdict.MISSED);
    assertThat(leaderless.targets()).filteredOn(t -> t.id().equals("leaderless"))
        .map(Target::measured).singleElement().asString()
        .endsWith("(first roll 0.00) (newly started operator 0.40)");
  }

  @Test
  void aTargetIsNotJudgedFromASmallerRun() {
    BenchReport report = report(DEFAULTS, afterFirst(roll(13, 12.6, 0), roll(12.93, 12.44, 0)),
        drain(100, 10.2), scale(100, 10_000, 83.4, 4096, 0));
    Map<String, Verdict> v = verdicts(report);
    assertThat(v.get("drain")).isEqualTo(Verdict.NOT_MEASURED); // 100 leaders, not 10,000
    assertThat(v.get("scaleHeap")).isEqualTo(Verdict.NOT_MEASURED); // not under -Xmx256m
    assertThat(v.get("scalePass")).isEqualTo(Verdict.MET);
    assertThat(report.targets()).filteredOn(t -> t.id().equals("drain")).map(Target::measured)
        .singleElement().asString().contains("--drain 10000");

    BenchReport small = report(BenchOptions.parse(new String[] {"--warmup-rolls", "0"}),
        roll(12.93, 12.44, 0), null, scale(10, 100, 5, 256, 0));
    Map<String, Verdict> s = verdicts(small);
    assertThat(s.get("rollOverhead")).isEqualTo(Verdict.NOT_MEASURED);
    assertThat(s.get("rollOverheadFirstRoll")).isEqualTo(Verdict.FIGURE); // the only roll
    assertThat(small.targets()).filteredOn(t -> t.id().equals("rollOverheadFirstRoll"))
        .map(Target::measured).singleElement().asString()
        .isEqualTo("1.039, within the bound (12.93 s wall, 12.44 s busy, 0.49 s overhead)");
    assertThat(s.get("scalePass")).isEqualTo(Verdict.NOT_MEASURED);
    assertThat(s.get("drain")).isEqualTo(Verdict.NOT_MEASURED);

    // a drain alone: no roll to judge, and 10,000 leaders without a serial drain to compare
    DrainResult unpaired = new DrainResult(10_000, 100, 50, 128, 8, 2, 8, 1250, 143.8, 13_000,
        2.8, 0, 0, 0, 0);
    BenchReport drainOnly = new BenchReport(DEFAULTS, new EnumMap<>(Way.class), unpaired, null,
        List.of());
    assertThat(drainOnly.targets()).hasSize(7)
        .allSatisfy(t -> assertThat(t.verdict()).as(t.id()).isEqualTo(Verdict.NOT_MEASURED));
    assertThat(drainOnly.targets()).filteredOn(t -> t.id().equals("drain")).map(Target::measured)
        .singleElement().asString().contains("without a serial drain");
  }

  private static Map<String, Verdict> verdicts(BenchReport report) {
    return report.targets().stream().collect(Collectors.toMap(Target::id, Target::verdict));
  }

  private static BenchReport report(BenchOptions o, WayResult operator, DrainResult drain,
      ScaleResult scale) {
    Map<Way, WayResult> byWay = new EnumMap<>(Way.class);
    byWay.put(Way.OPERATOR, operator);
    return new BenchReport(o, byWay, drain, scale, List.of());
  }

  /** The result of a way that rolled {@code first} and then {@code measured}. */
  private static WayResult afterFirst(WayResult first, WayResult measured) {
    return WayResult.of(List.of(first, measured), 1);
  }

  private static WayResult roll(double wall, double busy, double leaderless) {
    return new WayResult(Way.OPERATOR, wall, leaderless, 9.2, 9.2, 12_000, 0, 32, 0, true, true,
        4.1, 8.1, busy, wall - busy, 0, null, List.of(), List.of(), null, List.of(), null);
  }

  /** The eager script measured at 222.7 ms per leader over 200 leaders. */
  private static DrainResult drain(int leaders, double seconds) {
    return new DrainResult(leaders, 100, 50, 128, 8, 2, 8, leaders / 8, seconds, 13_000, 2.8,
        200, 44.54, 5, 16.08);
  }

  private static ScaleResult scale(int tablets, int partitions, double passMillis, double maxHeap,
      long unchangedShowTables) {
    return new ScaleResult(tablets, partitions, 20, 60, 3, passMillis, passMillis + 20, 20, 40,
        25, 22, 5_600, 3, 7_000_000, 16, 1, 70, unchangedShowTables, 0, "FenceLeaders", 20, 46,
        maxHeap, 10);
  }
}
