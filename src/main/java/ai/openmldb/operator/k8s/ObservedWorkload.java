package ai.openmldb.operator.k8s;

import ai.openmldb.operator.api.Component;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One component as observed: its StatefulSet (null while missing) and its pods sorted by ordinal.
 *
 * <p>A pod is <em>up to date</em> when its revision annotation equals the one on the
 * StatefulSet's template: that is the pod Kubernetes would create if the pod were deleted now.
 *
 * @param desiredReplicas replicas the spec asks for
 * @param desiredRevision the revision the spec asks for (null when the spec is invalid)
 */
public record ObservedWorkload(Component component, int desiredReplicas, String desiredRevision,
    StatefulSet statefulSet, List<Pod> pods) {
  public ObservedWorkload {
    pods = pods.stream().sorted(Pods.BY_ORDINAL).toList();
  }

  /** Without a desired revision (e.g. tests that only look at counts). */
  public ObservedWorkload(Component component, int desiredReplicas, StatefulSet statefulSet,
      List<Pod> pods) {
    this(component, desiredReplicas, null, statefulSet, pods);
  }

  /**
   * True when the StatefulSet (as observed) already carries the desired template: only then does
   * a deleted pod come back with the desired revision. The informer cache can lag a moment behind
   * an update the reconciler just made; a pod must not be restarted in that moment.
   */
  public boolean statefulSetCurrent() {
    return desiredRevision != null && desiredRevision.equals(targetRevision())
        && statefulSet.getSpec().getReplicas() != null
        && statefulSet.getSpec().getReplicas() == desiredReplicas;
  }

  /** The revision pods must carry, from the StatefulSet's template; null without one. */
  public String targetRevision() {
    return statefulSet == null ? null : WorkloadApplier.templateRevision(statefulSet);
  }

  /** Pods that exist (including ones being deleted). */
  public int existing() {
    return pods.size();
  }

  public int ready() {
    return (int) pods.stream().filter(Pods::isReady).count();
  }

  /** Pods on the target revision. */
  public int updated() {
    return (int) pods.stream().filter(this::isUpToDate).count();
  }

  public boolean isUpToDate(Pod pod) {
    String target = targetRevision();
    return target != null && Objects.equals(target, Pods.revision(pod));
  }

  /** Pods still on an older revision, lowest ordinal first. */
  public List<Pod> outdatedPods() {
    return pods.stream().filter(p -> !isUpToDate(p)).toList();
  }

  public Optional<Pod> pod(String name) {
    return pods.stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst();
  }

  /** Every desired pod exists, is ready and is up to date, and no extra pod is left. */
  public boolean isSettled() {
    return statefulSet != null && existing() == desiredReplicas && ready() == desiredReplicas
        && updated() == desiredReplicas
        && (desiredRevision == null || desiredRevision.equals(targetRevision()));
  }
}
