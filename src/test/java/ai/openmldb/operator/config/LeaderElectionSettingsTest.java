package ai.openmldb.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Lease settings, and whose deliberate stop keeps a lost Lease from ending the process. */
class LeaderElectionSettingsTest {
  private static OperatorConfig withLeaderElection() {
    return OperatorConfigLoader.load(Optional.empty(), Map.of(
        OperatorConfigLoader.envName("leader-election"), "true",
        OperatorConfigLoader.envName("lease-namespace"), "ops"));
  }

  @Test
  void theLeaseIsConfiguredOnlyWhenLeaderElectionIsOn() {
    assertThat(new LeaderElectionSettings(OperatorConfig.defaults()).configuration()).isEmpty();
    assertThat(new LeaderElectionSettings(withLeaderElection()).configuration())
        .hasValueSatisfying(c -> {
          assertThat(c.getLeaseName()).isEqualTo(withLeaderElection().leaseName());
          assertThat(c.getLeaseNamespace()).hasValue("ops");
          assertThat(c.isExitOnStopLeading()).isFalse();
        });
  }

  @Test
  void aDeliberateStopConcernsOnlyItsOwnOperator() {
    // two operators in one JVM (tests, the sandbox): one stopping on purpose must not keep the
    // other from ending the process when it loses its Lease, nor a new one reset the first
    LeaderElectionSettings stopped = new LeaderElectionSettings(withLeaderElection());
    LeaderElectionSettings running = new LeaderElectionSettings(withLeaderElection());
    stopped.stopping();
    new LeaderElectionSettings(withLeaderElection()).configuration();

    assertThat(stopped.exitsWhenTheLeaseIsLost()).isFalse();
    assertThat(running.exitsWhenTheLeaseIsLost()).isTrue();
  }
}
