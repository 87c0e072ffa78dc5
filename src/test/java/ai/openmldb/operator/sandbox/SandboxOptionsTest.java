package ai.openmldb.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.openmldb.operator.sandbox.SandboxOptions.UsageException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SandboxOptionsTest {
  @Test
  void defaultsDescribeTheSampleRoll() throws Exception {
    SandboxOptions o = SandboxOptions.parse();
    assertThat(o.tablets()).isEqualTo(3);
    assertThat(o.from()).isEqualTo("0.9.2");
    assertThat(o.to()).isEqualTo("0.9.3");
    assertThat(o.keepRunning()).isFalse();
    assertThat(o.chaos()).isFalse();
    assertThat(o.port()).isZero();
  }

  @Test
  void parsesEveryOptionInBothSpellings() throws Exception {
    SandboxOptions o = SandboxOptions.parse("--keep-running", "--tablets", "5", "--tables=3",
        "--partitions", "16", "--replicas=2", "--from", "0.8.4", "--to=0.9.0-rc1",
        "--write-rate", "50", "--seed", "-7", "--summary", "out/s.json", "--pod-start-ms", "10",
        "--op-ms=20", "--ns-task-concurrency", "8", "--namespace", "ns1", "--port", "18080", "--kubeconfig", "kc",
        "--chaos-operator-restarts", "2", "--chaos-restart-at-steps", "--chaos-zk-member-loss",
        "--chaos-zk-session-expiry", "--chaos-nameserver-failover", "--chaos-stuck-pod",
        "openmldb-tablet-1", "--chaos-failed-op", "--chaos-nameserver-outage", "6",
        "--chaos-replication-lag", "800", "--step-timeout-seconds", "2");
    assertThat(o).isEqualTo(new SandboxOptions(false, true, 5, 3, 16, 2, "0.8.4", "0.9.0-rc1",
        50, -7, Path.of("out/s.json"), 10, 20, 8, "ns1", 18080, Path.of("kc"), 2, true, true, true,
        true, "openmldb-tablet-1", true, 6, 800, 2));
    assertThat(o.chaosOptions()).containsExactly("--chaos-operator-restarts 2",
        "--chaos-restart-at-steps",
        "--chaos-zk-member-loss", "--chaos-zk-session-expiry", "--chaos-nameserver-failover",
        "--chaos-stuck-pod openmldb-tablet-1", "--chaos-failed-op",
        "--chaos-nameserver-outage 6", "--chaos-replication-lag 800");
    assertThat(SandboxOptions.parse("-h").help()).isTrue();
    assertThat(SandboxOptions.parse("--help").help()).isTrue();
  }

  @Test
  void rejectsBadUsageWithAMessageNamingTheOption() {
    assertThatThrownBy(() -> SandboxOptions.parse("--tablets", "x"))
        .isInstanceOf(UsageException.class).hasMessage("--tablets expects a whole number, got 'x'");
    assertThatThrownBy(() -> SandboxOptions.parse("--tablets", "0"))
        .hasMessage("--tablets must be between 1 and 100, got 0");
    assertThatThrownBy(() -> SandboxOptions.parse("--to", "latest"))
        .hasMessageStartingWith("--to expects a version like 0.8.5");
    assertThatThrownBy(() -> SandboxOptions.parse("--summary"))
        .hasMessage("--summary needs a value");
    assertThatThrownBy(() -> SandboxOptions.parse("--summary", "--keep-running"))
        .hasMessage("--summary needs a value");
    assertThatThrownBy(() -> SandboxOptions.parse("--frobnicate"))
        .hasMessage("unknown option --frobnicate");
    assertThatThrownBy(() -> SandboxOptions.parse("extra"))
        .hasMessage("unexpected argument 'extra'");
    assertThatThrownBy(() -> SandboxOptions.parse("--namespace", "Bad_NS"))
        .hasMessageStartingWith("--namespace expects a DNS label");
    assertThatThrownBy(() -> SandboxOptions.parse("--tablets", "2", "--replicas", "3"))
        .hasMessageStartingWith("--replicas 3 exceeds --tablets 2");
    assertThatThrownBy(() -> SandboxOptions.parse("--port", "70000"))
        .hasMessage("--port must be between 0 and 65535, got 70000");
    assertThatThrownBy(() -> SandboxOptions.parse("--ns-task-concurrency", "9"))
        .hasMessage("--ns-task-concurrency must be between 1 and 8, got 9");
    assertThat(SandboxOptions.defaults().nsTaskConcurrency()).isEqualTo(2);
  }

  @Test
  void usageListsEveryOption() {
    for (String option : new String[] {"--keep-running", "--tablets", "--partitions", "--replicas",
        "--from", "--to", "--write-rate", "--seed", "--summary", "--pod-start-ms", "--op-ms",
        "--ns-task-concurrency", "--namespace", "--port", "--kubeconfig", "--chaos-operator-restarts",
        "--chaos-restart-at-steps", "--chaos-zk-session-expiry", "--chaos-nameserver-outage",
        "--chaos-replication-lag", "--step-timeout-seconds",
        "--chaos-zk-member-loss", "--chaos-nameserver-failover", "--chaos-stuck-pod",
        "--chaos-failed-op", "--help"}) {
      assertThat(SandboxOptions.USAGE).contains(option);
    }
  }
}
