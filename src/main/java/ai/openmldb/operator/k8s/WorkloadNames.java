package ai.openmldb.operator.k8s;

import ai.openmldb.operator.api.Component;

/** Names of the objects the operator owns, and the stable DNS endpoints of their pods. */
public final class WorkloadNames {
  private WorkloadNames() {}

  /** StatefulSet and headless Service: {@code <cluster>-<component>}. */
  public static String statefulSet(String cluster, Component component) {
    return cluster + "-" + component.id();
  }

  /** Same name as the StatefulSet: the headless Service gives each pod its DNS name. */
  public static String service(String cluster, Component component) {
    return statefulSet(cluster, component);
  }

  /** {@code <cluster>-<component>-flags}. */
  public static String flagsConfigMap(String cluster, Component component) {
    return statefulSet(cluster, component) + "-flags";
  }

  /** Name of pod {@code ordinal} of a component. */
  public static String pod(String cluster, Component component, int ordinal) {
    return statefulSet(cluster, component) + "-" + ordinal;
  }

  /** {@code <pod>.<cluster>-<component>.<ns>.svc.cluster.local}: survives pod restarts. */
  public static String podHost(String pod, String cluster, Component component, String namespace) {
    return pod + "." + service(cluster, component) + "." + namespace + ".svc.cluster.local";
  }

  /**
   * The OpenMLDB endpoint of a pod, e.g. {@code c1-tablet-0.c1-tablet.ns.svc.cluster.local:10921}.
   * OpenMLDB keys replicas by endpoint, so it must not change when the pod restarts.
   */
  public static String endpoint(String pod, String cluster, Component component, String namespace) {
    return podHost(pod, cluster, component, namespace) + ":" + component.port();
  }
}
