package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.OpenMLDBCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.Cloner;

/**
 * JOSDK's cloner (a serialization round trip) plus the spec's parse problems. The lenient
 * deserializer drops unreadable fields and records them in a field that is never serialized, so
 * a plain round trip would lose them and the reconciler would see a clean spec.
 */
final class ParseProblemsKeepingCloner implements Cloner {
  private final KubernetesClient client;

  ParseProblemsKeepingCloner(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public <R extends HasMetadata> R clone(R object) {
    R copy = client.getKubernetesSerialization().clone(object);
    if (object instanceof OpenMLDBCluster original && original.getSpec() != null
        && copy instanceof OpenMLDBCluster cloned && cloned.getSpec() != null) {
      cloned.getSpec().setParseProblems(original.getSpec().getParseProblems());
    }
    return copy;
  }
}
