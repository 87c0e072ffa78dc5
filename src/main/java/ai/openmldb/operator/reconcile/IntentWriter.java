package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.UpgradeStatus;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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
    patchStatus(cluster, patch);
  }

  /**
   * A merge patch of the status subresource. Given only a name, Fabric8 first reads the whole
   * resource to learn it (a GET before every patch, ~10 ms of a roll step's latency): given a
   * reference that holds just the name and namespace, it sends the patch alone.
   */
  private void patchStatus(OpenMLDBCluster cluster, ObjectNode patch) {
    OpenMLDBCluster ref = new OpenMLDBCluster();
    ref.setMetadata(new ObjectMetaBuilder().withName(cluster.getMetadata().getName())
        .withNamespace(cluster.getMetadata().getNamespace()).build());
    ref.setSpec(null);
    client.resources(OpenMLDBCluster.class).resource(ref).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  /**
   * Adds leader switches to {@code status.upgrade.leadersMoved} / {@code leadersRestored} as stored
   * by the API server now, not as the reconcile's copy has them: that copy can be older than the
   * last reconcile's status patch (the informer cache lags), and counting from it would lose that
   * reconcile's switches. One writer (this reconcile) at a time, so read-then-patch is enough.
   *
   * @return the totals written: moved off, moved back
   */
  int[] addLeaderSwitches(OpenMLDBCluster cluster, int off, int back) {
    int[] stored = storedLeaderSwitches(cluster);
    int[] totals = {stored[0] + off, stored[1] + back};
    ObjectNode upgrade = Serialization.jsonMapper().createObjectNode();
    upgrade.put("leadersMoved", totals[0]);
    upgrade.put("leadersRestored", totals[1]);
    ObjectNode patch = Serialization.jsonMapper().createObjectNode();
    patch.putObject("status").set("upgrade", upgrade);
    patchStatus(cluster, patch);
    return totals;
  }

  /**
   * {@code status.upgrade.leadersMoved} / {@code leadersRestored} as the API server stores them
   * now (a read, no write): the roll's final counts, which the status write that ends the
   * reconcile then carries.
   */
  int[] storedLeaderSwitches(OpenMLDBCluster cluster) {
    OpenMLDBCluster fresh = client.resources(OpenMLDBCluster.class)
        .inNamespace(cluster.getMetadata().getNamespace())
        .withName(cluster.getMetadata().getName()).get();
    UpgradeStatus now = fresh == null || fresh.getStatus() == null ? null
        : fresh.getStatus().getUpgrade();
    return new int[] {
        now == null ? 0 : now.getLeadersMoved(), now == null ? 0 : now.getLeadersRestored()};
  }

  private static void put(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
