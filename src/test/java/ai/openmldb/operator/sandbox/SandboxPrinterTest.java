package ai.openmldb.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.UpgradeStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxPrinterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final SandboxPrinter printer = new SandboxPrinter(
      new PrintStream(bytes, true, StandardCharsets.UTF_8),
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsTheRollOnlyWhenItsPositionChanges() {
    UpgradeStatus u = new UpgradeStatus();
    u.setPodsTotal(9);
    u.setPodsUpgraded(3);
    u.setComponent("tablet");
    u.setPod("openmldb-tablet-0");
    u.setStep("MoveLeadersOff");
    u.setLeadersMoved(4);
    assertThat(printer.upgrade(u, 120)).isTrue();
    assertThat(printer.upgrade(u, 130)).isFalse();
    u.setStep("Restart");
    assertThat(printer.upgrade(u, 140)).isTrue();
    assertThat(output()).contains("[   0.00s]   roll 3/9  tablet      openmldb-tablet-0")
        .contains("MoveLeadersOff").contains("leaders moved 4 restored 0  writes acked 120")
        .contains("Restart");
    assertThat(output().lines().count()).isEqualTo(2);
  }

  @Test
  void printsHaltsWithTheirRemedy() {
    UpgradeStatus u = new UpgradeStatus();
    u.setPod("openmldb-tablet-1");
    u.setStep("Restart");
    u.setLastError("pod openmldb-tablet-1 not ready after 600s");
    u.setRemedy("fix the image or revert spec.version");
    printer.upgrade(u, -1);
    assertThat(output()).contains("HALTED: pod openmldb-tablet-1 not ready after 600s")
        .contains("remedy: fix the image or revert spec.version");
  }

  @Test
  void alignsTables() {
    printer.table(List.of(List.of("pod", "step", "seconds"),
        List.of("openmldb-tablet-0", "Restart", "1.20")));
    assertThat(output().lines().toList()).containsExactly(
        "  pod                step     seconds",
        "  openmldb-tablet-0  Restart  1.20");
  }

  @Test
  void describesPodEvents() {
    printer.podEvent(new PodLifecycleEvent(PodLifecycleEvent.Type.STUCK, "ns", "p-1",
        "img:0.9.3"));
    assertThat(output()).contains("pod p-1").contains("ImagePullBackOff (img:0.9.3)");
  }
}
