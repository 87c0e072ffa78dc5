package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.config.LeaderElectionSettings;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.k8s.WorkloadApplier;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import ai.openmldb.operator.metrics.OperatorMetrics;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import java.time.Clock;

/** Builds the JOSDK {@link Operator} with the cluster controller registered (not started). */
public final class OperatorFactory {
  /** The controller's name (JOSDK metrics and logs). */
  public static final String CONTROLLER_NAME = "openmldbcluster";

  private OperatorFactory() {}

  /** The operator without pod rolling (pods keep their revision until deleted by someone). */
  public static Operator create(KubernetesClient client, OperatorConfig config, MeterRegistry registry) {
    return create(client, config, registry, PodRollout.NONE);
  }

  /**
   * The operator with the rolling upgrade: version (or template) changes roll the cluster through
   * the nameservers found with {@code connections}. The connections are not closed when the
   * operator stops: their creator owns them.
   */
  public static Operator create(KubernetesClient client, OperatorConfig config,
      MeterRegistry registry, OpenMLDBConnections connections) {
    return create(client, config, registry, connections, new LeaderElectionSettings(config));
  }

  /**
   * As above, with the Lease settings whose {@link LeaderElectionSettings#stopping()} the caller
   * calls before stopping the operator on purpose.
   */
  public static Operator create(KubernetesClient client, OperatorConfig config,
      MeterRegistry registry, OpenMLDBConnections connections, LeaderElectionSettings election) {
    return create(client, config, registry, connections, election, new InformerFailure());
  }

  /** As above; an informer's failure stops the operator, then runs what {@code failure} says. */
  public static Operator create(KubernetesClient client, OperatorConfig config,
      MeterRegistry registry, OpenMLDBConnections connections, LeaderElectionSettings election,
      InformerFailure failure) {
    Clock clock = Clock.systemUTC();
    // one recorder for the reconciler and the roll: one thread, and a cluster's Events in order;
    // one status writer: the roll's own status patches count as writes the reconciler remembers
    EventRecorder events = new EventRecorder(client, clock);
    StatusWriter statusWriter = new StatusWriter(config.useServerSideApply());
    return create(client, config, registry, new RollingUpgrade(client, config, connections,
        events, new OperatorMetrics(registry), statusWriter, clock), events, statusWriter, election,
        failure);
  }

  /**
   * The operator with a {@link PodRollout} (the rolling upgrade). The client is not closed when
   * the operator stops: its creator owns it.
   */
  public static Operator create(KubernetesClient client, OperatorConfig config,
      MeterRegistry registry, PodRollout rollout) {
    return create(client, config, registry, rollout,
        new EventRecorder(client, Clock.systemUTC()),
        new StatusWriter(config.useServerSideApply()), new LeaderElectionSettings(config),
        new InformerFailure());
  }

  private static Operator create(KubernetesClient client, OperatorConfig config,
      MeterRegistry registry, PodRollout rollout, EventRecorder events,
      StatusWriter statusWriter, LeaderElectionSettings election, InformerFailure failure) {
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // The mock API answers server-side apply with 415; real clusters keep it on
          .withUseSSAToPatchPrimaryResource(config.useServerSideApply())
          .withSSABasedCreateUpdateMatchForDependentResources(config.useServerSideApply())
          // Per-resource meters would tag by cluster name: unbounded cardinality
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
          .withResourceCloner(new ParseProblemsKeepingCloner(client));
      // Not JOSDK's default settings: those exit the JVM from a deliberate stop (a SIGTERM
      // shutdown hook then hangs); see LeaderElectionSettings.
      election.configuration().ifPresent(o::withLeaderElectionConfiguration);
      // Not JOSDK's default either: that exits the JVM, also while the operator is stopping
      o.withInformerStoppedHandler(failure);
    });
    failure.stops(operator);
    Clock clock = Clock.systemUTC();
    OpenMLDBClusterReconciler reconciler = new OpenMLDBClusterReconciler(config, rollout,
        events, new WorkloadApplier(client), statusWriter, clock);
    operator.register(reconciler, c -> {
      c.withName(CONTROLLER_NAME).withReconciliationMaxInterval(config.reconcileInterval());
      if (config.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(config.watchNamespaces());
      }
    });
    return operator;
  }
}
