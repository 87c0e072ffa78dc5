package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.UpgradeStatus;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Writes the roll's intent to {@code status.upgrade} <em>before</em> a disruptive act, so an
 * operator that stops right after acting finds what it did. A JSON merge patch of the scalar
 * fields that have a value: it neither removes fields nor touches arrays, so the status patch at
 * the end of the reconcile (a diff against the status the reconcile started from) still applies.
 */
final class IntentWriter {
  private final KubernetesClient client;

  IntentWriter(KubernetesClient client) {
    this.client = client;
  }

  void record(OpenMLDBCluster cluster, UpgradeStatus s) {
    ObjectNode upgrade = Serialization.jsonMapper().createObjectNode();
    put(upgrade, "toVersion", s.getToVersion());
    put(upgrade, "component", s.getComponent());
    put(upgrade, "pod", s.getPod());
    put(upgrade, "step", s.getStep());
    put(upgrade, "stepStartedAt", s.getStepStartedAt());
    put(upgrade, "lastProgressAt", s.getLastProgressAt());
    put(upgrade, "fencedAt", s.getFencedAt());
    put(upgrade, "deletedPodUid", s.getDeletedPodUid());
    if (s.getOpBaseline() != null) {
      upgrade.put("opBaseline", s.getOpBaseline());
    }
    if (s.getHalted() != null) {
      upgrade.put("halted", s.getHalted());
    }
    put(upgrade, "retryToken", s.getRetryToken());
    ObjectNode patch = Serialization.jsonMapper().createObjectNode();
    patch.putObject("status").set("upgrade", upgrade);
    client.resources(OpenMLDBCluster.class)
        .inNamespace(cluster.getMetadata().getNamespace())
        .withName(cluster.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  private static void put(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
