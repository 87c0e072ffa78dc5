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
 * operator that stops right after acting finds what it did. A JSON merge patch of the intent's
 * scalar fields, each written as the reconcile holds it, an absent one as null (which removes
 * it): the stored intent is then exactly the one acted on. A field left out would keep the
 * previous value, and a stale {@code finishedAt} or {@code halted} tells a watcher, or a
 * restarted operator, that a roll just started has finished or is halted. Arrays (the plan, the
 * conditions) are left to the status write that ends the reconcile, which the {@link
 * StatusWriter} computes against this patch's answer.
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
    // the roll: what it goes to, since when, whether it ended (a new roll clears the last one's end)
    upgrade.put("fromVersion", s.getFromVersion());
    upgrade.put("toVersion", s.getToVersion());
    upgrade.put("startedAt", s.getStartedAt());
    upgrade.put("finishedAt", s.getFinishedAt());
    upgrade.put("opBaseline", s.getOpBaseline());
    upgrade.put("halted", s.getHalted());
    upgrade.put("retryToken", s.getRetryToken());
    // where it is
    upgrade.put("component", s.getComponent());
    upgrade.put("pod", s.getPod());
    upgrade.put("step", s.getStep());
    upgrade.put("stepStartedAt", s.getStepStartedAt());
    upgrade.put("lastProgressAt", s.getLastProgressAt());
    upgrade.put("fencedAt", s.getFencedAt());
    upgrade.put("deletedPodUid", s.getDeletedPodUid());
    upgrade.put("message", s.getMessage());
    // its counters, reset when a roll starts; every number field is written, as the copy that
    // ends the reconcile's status write is diffed against holds them (a replace of a field the
    // stored status lacks is refused)
    upgrade.put("podsTotal", s.getPodsTotal());
    upgrade.put("podsUpgraded", s.getPodsUpgraded());
    upgrade.put("leadersMoved", s.getLeadersMoved());
    upgrade.put("leadersRestored", s.getLeadersRestored());
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

}
