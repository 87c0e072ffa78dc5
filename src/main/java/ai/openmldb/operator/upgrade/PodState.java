package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.api.Component;

/**
 * One pod the StatefulSet should have, as observed.
 *
 * @param name pod name, e.g. {@code demo-tablet-1}
 * @param ordinal the StatefulSet ordinal
 * @param uid the pod's uid (null when it does not exist), so a deletion is issued once per pod
 *     instance
 * @param exists the pod object exists (it is briefly absent after a deletion)
 * @param terminating the pod has a deletion timestamp
 * @param ready the pod's Ready condition
 * @param upToDate its revision annotation equals the desired template's
 * @param endpoint the OpenMLDB endpoint this pod serves (stable across restarts)
 */
public record PodState(
    String name,
    Component component,
    int ordinal,
    String uid,
    boolean exists,
    boolean terminating,
    boolean ready,
    boolean upToDate,
    String endpoint) {

  /** Exists, is ready and runs the desired revision. */
  public boolean settled() {
    return exists && !terminating && ready && upToDate;
  }
}
