package ai.openmldb.operator.api;

/** Observed pod counts of one component. */
public class ComponentStatus {
  /** Pods that exist. */
  private int replicas;

  /** Pods that are ready. */
  private int readyReplicas;

  /** Pods running the desired template revision. */
  private int updatedReplicas;

  public int getReplicas() {
    return replicas;
  }

  public void setReplicas(int replicas) {
    this.replicas = replicas;
  }

  public int getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(int readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public int getUpdatedReplicas() {
    return updatedReplicas;
  }

  public void setUpdatedReplicas(int updatedReplicas) {
    this.updatedReplicas = updatedReplicas;
  }


}
