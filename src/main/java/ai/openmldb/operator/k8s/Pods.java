package ai.openmldb.operator.k8s;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/** Reading what matters about a pod: readiness, revision, ordinal, version. */
public final class Pods {
  /** Pods of a StatefulSet sorted by ordinal (pod-2 before pod-10). */
  public static final Comparator<Pod> BY_ORDINAL = Comparator.comparingInt(Pods::ordinal);

  private Pods() {}

  /** Ready condition True and not being deleted. */
  public static boolean isReady(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null
        || pod.getStatus().getConditions() == null) {
      return false;
    }
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The pod's {@code openmldb.ai/revision} annotation, or null. */
  public static String revision(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Labels.REVISION_ANNOTATION);
  }

  /** The StatefulSet ordinal from the pod name ({@code c1-tablet-2} → 2), -1 if none. */
  public static int ordinal(Pod pod) {
    String name = pod.getMetadata().getName();
    try {
      return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The component from the pod's labels. */
  public static Optional<Component> component(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String id = labels == null ? null : labels.get(Labels.COMPONENT);
    for (Component c : Component.values()) {
      if (c.id().equals(id)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The image tag of the pod's first container, i.e. the OpenMLDB version it runs. */
  public static Optional<String> version(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null
        || pod.getSpec().getContainers().isEmpty()) {
      return Optional.empty();
    }
    String image = pod.getSpec().getContainers().get(0).getImage();
    if (image == null) {
      return Optional.empty();
    }
    int colon = image.lastIndexOf(':');
    return colon < 0 || image.indexOf('/', colon) >= 0
        ? Optional.empty()
        : Optional.of(image.substring(colon + 1));
  }
}
