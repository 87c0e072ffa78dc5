package ai.openmldb.operator.bench;

import ai.openmldb.operator.sandbox.PodLifecycleEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Whether each pod's Ready condition, as the sandbox's kubelet last wrote it to the Kubernetes
 * API, says ready. A pod restart ends when the kubelet reports the new pod Ready, not when its
 * process is up: the kubelet notices the process on its next pass and then writes the status
 * (as a real kubelet's readiness probe does), and until then no controller can see the pod as
 * ready. Told of every lifecycle event by the StatefulSet/kubelet simulator.
 */
final class ReportedReadiness implements Consumer<PodLifecycleEvent> {
  private final Map<String, Boolean> ready = new ConcurrentHashMap<>();

  @Override
  public void accept(PodLifecycleEvent e) {
    String key = e.namespace() + "/" + e.pod();
    switch (e.type()) {
      case READY -> ready.put(key, true);
      case CREATED, NOT_READY, STUCK, DELETED -> ready.put(key, false);
      case STARTED -> { } // the container runs; readiness is reported separately
    }
  }

  /** The pod's Ready condition as last reported; false for a pod never reported. */
  boolean ready(String namespace, String pod) {
    return ready.getOrDefault(namespace + "/" + pod, false);
  }
}
