package ai.openmldb.operator.manifests;

import static ai.openmldb.operator.manifests.Manifests.name;
import static ai.openmldb.operator.manifests.Manifests.ofKind;
import static ai.openmldb.operator.manifests.Manifests.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Least privilege: the operator's roles grant exactly the API calls its code makes. Each entry of
 * {@link #NEEDED} names the code path that needs it; {@code ApiCallsCoveredByRbacTest} checks the
 * calls observed while the operator runs against the mock API are all granted.
 */
class RbacTest {
  /** group/resource:verb the operator needs on the clusters it manages (ZooKeeper Secret included). */
  static final Set<String> NEEDED = Set.of(
      // JOSDK informer on the primary resource; get when JOSDK re-reads after a conflict
      "openmldb.ai/openmldbclusters:get", "openmldb.ai/openmldbclusters:list",
      "openmldb.ai/openmldbclusters:watch",
      // status: conditions, observedGeneration, upgrade progress (UpdateControl.patchStatus)
      "openmldb.ai/openmldbclusters/status:patch",
      // ownerReferences with blockOwnerDeletion (OwnerReferencesPermissionEnforcement admission)
      "openmldb.ai/openmldbclusters/finalizers:update",
      // workloads (WorkloadApplier): create, then full PUTs; never delete (garbage collection does)
      "apps/statefulsets:get", "apps/statefulsets:list", "apps/statefulsets:watch",
      "apps/statefulsets:create", "apps/statefulsets:update",
      "/services:get", "/services:list", "/services:watch", "/services:create", "/services:update",
      "/configmaps:get", "/configmaps:list", "/configmaps:watch", "/configmaps:create",
      "/configmaps:update",
      // readiness and revisions; one pod deleted at a time to restart it
      "/pods:get", "/pods:list", "/pods:watch", "/pods:delete",
      // EventRecorder: a repeated Event is read and its count updated
      "/events:get", "/events:create", "/events:update",
      // spec.zookeeper.authSecretName
      "/secrets:get");

  /**
   * Leader election, in the operator's own namespace only: fabric8's LeaseLock reads, creates and
   * patches the Lease; JOSDK's startup check asks for update as well.
   */
  static final Set<String> LEASE = Set.of(
      "coordination.k8s.io/leases:get", "coordination.k8s.io/leases:create",
      "coordination.k8s.io/leases:update", "coordination.k8s.io/leases:patch");

  @Test
  void clusterRoleGrantsExactlyWhatTheOperatorNeeds() {
    ClusterRole role = Manifests.as(one(Manifests.plain(), "ClusterRole"), ClusterRole.class);
    assertThat(flatten(role.getRules())).containsExactlyInAnyOrderElementsOf(NEEDED);
  }

  @Test
  void leaseRoleGrantsOnlyLeaderElection() {
    Role role = Manifests.as(one(Manifests.plain(), "Role"), Role.class);
    assertThat(flatten(role.getRules())).containsExactlyInAnyOrderElementsOf(LEASE);
  }

  @Test
  void namespaceScopedRolesGrantTheSameAsTheClusterRole() {
    List<Map<String, Object>> objects = Manifests.render(t -> t.set("watchNamespaces[0]", "team-a"));
    Role role = Manifests.as(ofKind(objects, "Role").stream()
        .filter(r -> name(r).equals("openmldb-operator")).findFirst().orElseThrow(), Role.class);
    assertThat(flatten(role.getRules())).containsExactlyInAnyOrderElementsOf(NEEDED);
  }

  @Test
  void grantsNoWildcardsAndNothingOnRbacOrCrds() {
    for (Map<String, Object> o : Manifests.plain()) {
      String yaml = Manifests.toYaml(o);
      if (yaml.contains("rules:")) {
        assertThat(yaml).doesNotContain("'*'").doesNotContain("\"*\"")
            .doesNotContain("customresourcedefinitions").doesNotContain("clusterroles")
            .doesNotContain("escalate").doesNotContain("impersonate");
      }
    }
  }

  static Set<String> flatten(List<PolicyRule> rules) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule r : rules) {
      for (String g : r.getApiGroups()) {
        for (String res : r.getResources()) {
          for (String v : r.getVerbs()) {
            out.add(g + "/" + res + ":" + v);
          }
        }
      }
    }
    return out;
  }
}
