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
  private final StatusWriter answers;

  IntentWriter(KubernetesClient client, StatusWriter answers) {
    this.client = client;
    this.answers = answers;
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
    patchStatus(cluster, patch);
  }

  /**
   * A merge patch of the status subresource, sent through a reference (no GET first); its answer
   * is kept, so the next reconcile does not start from an older copy.
   */
  private void patchStatus(OpenMLDBCluster cluster, ObjectNode patch) {
    answers.remember(client.resources(OpenMLDBCluster.class)
        .resource(StatusWriter.reference(cluster)).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString()));
  }

  /**
   * Writes the leader switch counters at once rather than with the status patch that ends the
   * reconcile: an operator that stops in between keeps the count of the switches it made. The
   * counts come from the reconcile's copy, never older than this operator's last status write
   * ({@link StatusWriter#newest}).
   */
  void recordLeaderSwitches(OpenMLDBCluster cluster, UpgradeStatus s) {
    ObjectNode upgrade = Serialization.jsonMapper().createObjectNode();
    upgrade.put("leadersMoved", s.getLeadersMoved());
    upgrade.put("leadersRestored", s.getLeadersRestored());
    ObjectNode patch = Serialization.jsonMapper().createObjectNode();
    patch.putObject("status").set("upgrade", upgrade);
    patchStatus(cluster, patch);
  }

  private static void put(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
