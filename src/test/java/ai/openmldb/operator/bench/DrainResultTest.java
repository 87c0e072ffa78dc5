package ai.openmldb.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The drain's arithmetic: serial runs of fewer leaders are extrapolated per leader, labelled. */
class DrainResultTest {
  @Test
  void extrapolatesSmallerSerialRunsPerLeaderAndSaysSo() {
    DrainResult r = new DrainResult(1000, 100, 50, 16, 2, 1, 1, 500, 50.0, 80.0, 0.3, 100, 22.0, 5,
        20.5);
    assertThat(r.serialSecondsAtN()).isCloseTo(220.0, within(1e-9));
    assertThat(r.toolSecondsAtN()).isCloseTo(4100.0, within(1e-9));
    assertThat(r.speedup()).isCloseTo(4.4, within(1e-9));
    assertThat(r.toolSpeedup()).isCloseTo(82.0, within(1e-9));
    assertThat(r.queueBoundSeconds()).isCloseTo(50.0, within(1e-9)); // 500 ops x 100 ms
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    r.print(new PrintStream(text, true, StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("measured 100 leaders in 22.00 s, extrapolated")
        .contains("measured 5 leaders in 20.50 s, extrapolated")
        .contains("2 op queues by pid % 2, the leaders' changes in 1 of them")
        .contains("fenced (writes refused) 80.0 partition-s, 0.08 s per moved leader");
  }

  @Test
  void withoutAToolRunTheToolsTimeIsALabelledEstimate() {
    DrainResult r = new DrainResult(100, 100, 50, 16, 8, 1, 4, 25, 5.0, 8.0, 0.2, 100, 22.0, 0, 0);
    assertThat(r.toolMeasured()).isFalse();
    assertThat(r.toolSecondsAtN()).isCloseTo(400.0, within(1e-9)); // 2 waits x 2 s per leader
    assertThat(r.queueBoundSeconds()).isCloseTo(2.5, within(1e-9)); // 25 ops x 100 ms
    assertThat(r.json().path("queuesUsed").asInt()).isEqualTo(4);
    assertThat(r.json().path("toolSecondsIsEstimate").asBoolean()).isTrue();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    r.print(new PrintStream(text, true, StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8)).contains("estimate").contains("(measured)");
  }
}
