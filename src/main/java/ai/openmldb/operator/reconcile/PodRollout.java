package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.SpecProblem;
import ai.openmldb.operator.k8s.ObservedCluster;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The seam for restarting pods. The reconciler applies the workloads (which never restarts a pod:
 * StatefulSets use {@code OnDelete}) and then calls this once per reconcile with a valid spec. An
 * implementation decides and performs at most one step, records what it did through the status
 * builder ({@code upgrade(...)}, {@code condition(...)}, {@code phase(...)}), and returns how soon
 * it wants to look again. It must not block.
 */
@FunctionalInterface
public interface PodRollout {
  /** Restarts nothing: pods stay on their revision until deleted by someone else. */
  PodRollout NONE = (observed, status) -> Optional.empty();

  /**
   * @param observed the cluster and its workloads, observed after the workloads were applied
   * @param status the status being built for this reconcile
   * @return when to reconcile again, empty for the regular interval
   */
  Optional<Duration> step(ObservedCluster observed, ClusterStatusBuilder status) throws Exception;

  /**
   * Problems of a valid-looking spec that only the live cluster shows (a missing credential
   * Secret, fewer tablets than a table's replicas); any of them means nothing is applied.
   *
   * @param asIs the cluster with its workloads as they are, before this reconcile applies anything
   */
  default List<SpecProblem> liveProblems(ObservedCluster asIs) {
    return List.of();
  }

  /**
   * Called when this reconcile is about to write workloads (the spec changed), before the writes:
   * reads the next {@link #step} needs can go out while they are in flight. Must not block.
   */
  default void beforeApply(OpenMLDBCluster cluster) {}

  /** Sources of events outside Kubernetes that should wake the reconciler (registered with it). */
  default List<EventSource<?, OpenMLDBCluster>> eventSources() {
    return List.of();
  }
}
