package ai.openmldb.operator.sandbox;

import java.time.Duration;

/**
 * Timing of the StatefulSet/kubelet simulator.
 *
 * @param podStartDelay time from a pod's creation until its container starts (image pull, process
 *     start); a pod deleted for a restart comes back after this delay
 * @param pollInterval how often the kubelet re-checks readiness and due starts
 */
public record SimulatorSettings(Duration podStartDelay, Duration pollInterval) {
  public SimulatorSettings {
    if (podStartDelay.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("negative pod start delay or non-positive poll interval");
    }
  }

  public static SimulatorSettings defaults() {
    return new SimulatorSettings(Duration.ofMillis(300), Duration.ofMillis(50));
  }

  public SimulatorSettings withPodStartDelay(Duration value) {
    return new SimulatorSettings(value, pollInterval);
  }

  public SimulatorSettings withPollInterval(Duration value) {
    return new SimulatorSettings(podStartDelay, value);
  }
}
