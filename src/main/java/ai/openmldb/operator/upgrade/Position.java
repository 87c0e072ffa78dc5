package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.api.Component;

/**
 * Where a roll is: the pod being rolled and its step. Component and pod are null for steps that
 * concern the whole cluster (Prepare, Finish).
 */
public record Position(Component component, String pod, Step step) {
  public static Position cluster(Step step) {
    return new Position(null, null, step);
  }

  public boolean samePodAndStep(String otherPod, String otherStep) {
    return java.util.Objects.equals(pod, otherPod) && step.name().equals(otherStep);
  }

  @Override
  public String toString() {
    return pod == null ? step.name() : pod + " " + step;
  }
}
