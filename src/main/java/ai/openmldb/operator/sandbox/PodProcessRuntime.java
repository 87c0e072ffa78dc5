package ai.openmldb.operator.sandbox;

/**
 * The simulated OpenMLDB processes behind pods: the kubelet simulator starts one when a pod's
 * container starts and stops it when the pod goes away, so ZooKeeper registrations follow the
 * pod's life exactly as they would with real OpenMLDB binaries.
 */
public interface PodProcessRuntime {
  /** Starts the process of a pod whose container just started. */
  void start(PodProcessSpec spec);

  /** Stops it (pod deleted): its ZooKeeper session closes, so its ephemeral nodes vanish. */
  void stop(String namespace, String podName);

  /** True once the process serves and is registered: what a readiness probe would report. */
  boolean ready(String namespace, String podName);
}
