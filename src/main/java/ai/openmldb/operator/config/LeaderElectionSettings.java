package ai.openmldb.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JOSDK leader election (a {@code coordination.k8s.io} Lease) from {@link OperatorConfig}.
 *
 * <p>Why not JOSDK's default: with {@code exitOnStopLeading=true} JOSDK calls
 * {@code System.exit} from {@code onStopLeading}, which also fires when the operator is stopped on
 * purpose. From a SIGTERM shutdown hook that exit blocks forever (the pod then hangs until it is
 * killed), and it runs while the elector's lock is held, which the hook's {@code operator.stop()}
 * needs. Here a lost Lease still ends the process (a replica that is no longer leader must stop
 * acting), but from a fresh thread, and a deliberate stop ({@link #stopping()}) does not exit.
 */
public final class LeaderElectionSettings {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElectionSettings.class);
  /** Per operator: another operator in the same JVM (tests, the sandbox) stops on its own. */
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final OperatorConfig config;

  public LeaderElectionSettings(OperatorConfig config) {
    this.config = config;
  }

  /** The Lease settings, or empty when {@code leader-election} is false. */
  public Optional<LeaderElectionConfiguration> configuration() {
    if (!config.leaderElection()) {
      return Optional.empty();
    }
    String namespace = config.leaseNamespace().isBlank() ? null : config.leaseNamespace();
    LeaderCallbacks callbacks = new LeaderCallbacks(
        () -> LOG.info("acquired Lease {}; this replica now reconciles", config.leaseName()),
        this::stoppedLeading,
        identity -> LOG.info("Lease {} is held by {}", config.leaseName(), identity));
    return Optional.of(new LeaderElectionConfiguration(config.leaseName(), namespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null, callbacks, false));
  }

  /** Called before the operator is stopped on purpose: giving up the Lease then is expected. */
  public void stopping() {
    stopping.set(true);
  }

  /** Whether a lost Lease would now end the process (it would unless the stop is deliberate). */
  boolean exitsWhenTheLeaseIsLost() {
    return !stopping.get();
  }

  private void stoppedLeading() {
    if (!exitsWhenTheLeaseIsLost()) {
      LOG.info("stopped leading: the operator is stopping");
      return;
    }
    LOG.error("lost the Lease; exiting so that this replica restarts as a standby");
    Thread exit = new Thread(() -> System.exit(1), "lease-lost-exit");
    exit.setDaemon(false);
    exit.start();
  }
}
