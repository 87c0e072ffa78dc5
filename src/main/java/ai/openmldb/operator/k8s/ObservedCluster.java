package ai.openmldb.operator.k8s;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.OpenMLDBCluster;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A cluster and what exists of it in Kubernetes, per component (every component present). */
public record ObservedCluster(OpenMLDBCluster cluster, Map<Component, ObservedWorkload> workloads) {
  public ObservedCluster {
    workloads = Map.copyOf(workloads);
  }

  public ObservedWorkload workload(Component component) {
    return workloads.get(component);
  }

  public int desiredPods() {
    return workloads.values().stream().mapToInt(ObservedWorkload::desiredReplicas).sum();
  }

  public int readyPods() {
    return workloads.values().stream().mapToInt(ObservedWorkload::ready).sum();
  }

  public int updatedPods() {
    return workloads.values().stream().mapToInt(ObservedWorkload::updated).sum();
  }

  public int existingPods() {
    return workloads.values().stream().mapToInt(ObservedWorkload::existing).sum();
  }

  /** Every component settled: all desired pods exist, are ready and up to date. */
  public boolean isSettled() {
    return workloads.values().stream().allMatch(ObservedWorkload::isSettled);
  }

  /** Versions (image tags) the existing pods run. */
  public Set<String> runningVersions() {
    Set<String> versions = new TreeSet<>();
    workloads.values().forEach(w -> w.pods().forEach(p -> Pods.version(p).ifPresent(versions::add)));
    return versions;
  }

  /** The one version every pod runs, when all desired pods exist and agree. */
  public Optional<String> uniformVersion() {
    Set<String> versions = runningVersions();
    return versions.size() == 1 && existingPods() == desiredPods()
        ? Optional.of(versions.iterator().next())
        : Optional.empty();
  }

  public Optional<Pod> pod(String name) {
    return workloads.values().stream().flatMap(w -> w.pods().stream())
        .filter(p -> p.getMetadata().getName().equals(name)).findFirst();
  }
}
