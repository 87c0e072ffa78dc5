package ai.openmldb.operator.config;

import java.time.Duration;
import java.util.Set;

/**
 * Operator-wide settings. Every key is documented with its default in
 * {@code config/operator.properties}; sources in increasing priority: these defaults, the
 * properties file, {@code OPENMLDB_OPERATOR_*} environment variables.
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param useServerSideApply SSA for primary status patches and dependents (off only for the mock API)
 * @param reconcileInterval how often a quiet cluster is re-checked
 * @param stepPollInterval how soon a reconcile in the middle of a roll step looks again
 * @param nameserverRequestTimeout timeout of one nameserver HTTP call
 * @param zookeeperConnectTimeout how long the operator waits to connect to a cluster's ZooKeeper
 * @param leaderElection run with a Lease so only one replica acts
 * @param leaseName the Lease's name
 * @param leaseNamespace the Lease's namespace; empty means the operator's own namespace
 * @param httpPort port of /metrics, /healthz and /readyz; 0 disables the endpoint
 */
public record OperatorConfig(
    Set<String> watchNamespaces,
    boolean useServerSideApply,
    Duration reconcileInterval,
    Duration stepPollInterval,
    Duration nameserverRequestTimeout,
    Duration zookeeperConnectTimeout,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    int httpPort) {

  public static OperatorConfig defaults() {
    return new OperatorConfig(
        Set.of(),
        true,
        Duration.ofSeconds(60),
        Duration.ofSeconds(2),
        Duration.ofSeconds(10),
        Duration.ofSeconds(15),
        false,
        "openmldb-operator-lock",
        "",
        8080);
  }

  /** Settings for the embedded mock API server: no SSA (it answers 415), fast polling. */
  public static OperatorConfig forMockApi() {
    return defaults().withUseServerSideApply(false).withStepPollInterval(Duration.ofMillis(200))
        .withHttpPort(0);
  }

  public OperatorConfig withUseServerSideApply(boolean value) {
    return new OperatorConfig(watchNamespaces, value, reconcileInterval, stepPollInterval,
        nameserverRequestTimeout, zookeeperConnectTimeout, leaderElection, leaseName,
        leaseNamespace, httpPort);
  }

  public OperatorConfig withStepPollInterval(Duration value) {
    return new OperatorConfig(watchNamespaces, useServerSideApply, reconcileInterval, value,
        nameserverRequestTimeout, zookeeperConnectTimeout, leaderElection, leaseName,
        leaseNamespace, httpPort);
  }

  public OperatorConfig withWatchNamespaces(Set<String> value) {
    return new OperatorConfig(value, useServerSideApply, reconcileInterval, stepPollInterval,
        nameserverRequestTimeout, zookeeperConnectTimeout, leaderElection, leaseName,
        leaseNamespace, httpPort);
  }

  public OperatorConfig withHttpPort(int value) {
    return new OperatorConfig(watchNamespaces, useServerSideApply, reconcileInterval,
        stepPollInterval, nameserverRequestTimeout, zookeeperConnectTimeout, leaderElection,
        leaseName, leaseNamespace, value);
  }
}
