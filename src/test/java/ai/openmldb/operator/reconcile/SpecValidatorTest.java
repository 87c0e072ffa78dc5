package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.SpecProblem;
import ai.openmldb.operator.api.StorageSpec;
import ai.openmldb.operator.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {
  private final OpenMLDBCluster cluster = Fixtures.sample("minimal", "ns");

  private List<String> fields() {
    return SpecValidator.validate(cluster).stream().map(SpecProblem::field).toList();
  }

  @Test
  void acceptsTheMinimalSample() {
    assertThat(SpecValidator.validate(cluster)).isEmpty();
  }

  @Test
  void rejectsAMissingSpec() {
    cluster.setSpec(null);
    assertThat(fields()).containsExactly("spec");
  }

  @Test
  void rejectsAMalformedOrMissingVersion() {
    cluster.getSpec().setVersion("0.9");
    assertThat(SpecValidator.validate(cluster)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.version");
      assertThat(p.message()).contains("'0.9'").contains("fix:");
    });
    cluster.getSpec().setVersion(null);
    assertThat(fields()).containsExactly("spec.version");
  }

  @Test
  void rejectsTooFewNameserversOrTablets() {
    cluster.getSpec().getNameserver().setReplicas(0);
    cluster.getSpec().getTablet().setReplicas(0);
    assertThat(fields()).containsExactly("spec.nameserver.replicas", "spec.tablet.replicas");
    assertThat(SpecValidator.validate(cluster).get(1).fix()).contains("1 or more");
  }

  @Test
  void allowsNoApiserverOrTaskmanagerButNotNegativeCounts() {
    cluster.getSpec().getApiserver().setReplicas(0);
    cluster.getSpec().getTaskmanager().setReplicas(0);
    assertThat(fields()).isEmpty();
    cluster.getSpec().getApiserver().setReplicas(-1);
    assertThat(fields()).containsExactly("spec.apiserver.replicas");
  }

  @Test
  void rejectsOverridingFlagsTheOperatorSets() {
    cluster.getSpec().getTablet().setFlags(Map.of("endpoint", "x:1"));
    cluster.getSpec().getTaskmanager().setFlags(Map.of("zookeeper.cluster", "zk:1"));
    assertThat(fields())
        .containsExactly("spec.tablet.flags.endpoint", "spec.taskmanager.flags.zookeeper.cluster");
  }

  @Test
  void rejectsFlagNamesWithDashesAndMultiLineValues() {
    cluster.getSpec().getTablet().setFlags(Map.of("--thread_pool_size", "32"));
    assertThat(fields()).containsExactly("spec.tablet.flags.--thread_pool_size");
    cluster.getSpec().getTablet().setFlags(Map.of("thread_pool_size", "32\n--endpoint=x"));
    assertThat(fields()).containsExactly("spec.tablet.flags.thread_pool_size");
  }

  @Test
  void rejectsABadZooKeeperBlock() {
    cluster.getSpec().getZookeeper().setCluster("zk");
    cluster.getSpec().getZookeeper().setRootPath("openmldb/");
    cluster.getSpec().getZookeeper().setSessionTimeoutMs(10);
    cluster.getSpec().getZookeeper().setAuthSecretName("ZK_Digest");
    assertThat(fields()).containsExactly("spec.zookeeper.cluster", "spec.zookeeper.rootPath",
        "spec.zookeeper.sessionTimeoutMs", "spec.zookeeper.authSecretName");
    cluster.getSpec().getZookeeper().setAuthSecretName("zk-digest.v2");
    assertThat(fields()).doesNotContain("spec.zookeeper.authSecretName");
    cluster.getSpec().setZookeeper(null);
    assertThat(fields()).containsExactly("spec.zookeeper");
  }

  @Test
  void rejectsAnImageWithATagAndAnUnknownPullPolicy() {
    cluster.getSpec().getImage().setRepository("4pdosc/openmldb-online:0.9.2");
    cluster.getSpec().getImage().setPullPolicy("Sometimes");
    assertThat(fields()).containsExactly("spec.image.repository", "spec.image.pullPolicy");
  }

  @Test
  void rejectsABadStorageSizeAndNonPositiveTimeouts() {
    StorageSpec storage = new StorageSpec();
    storage.setSize("lots");
    cluster.getSpec().getTablet().setStorage(storage);
    cluster.getSpec().getUpgrade().setPodReadyTimeoutSeconds(0);
    assertThat(fields())
        .containsExactly("spec.tablet.storage.size", "spec.upgrade.podReadyTimeoutSeconds");
  }

  @Test
  void rejectsADowngradeAcrossMinorVersionsUnlessAllowed() {
    OpenMLDBClusterStatus status = new OpenMLDBClusterStatus();
    status.setCurrentVersion("0.9.2");
    cluster.setStatus(status);
    cluster.getSpec().setVersion("0.9.1");
    assertThat(fields()).as("patch downgrade").isEmpty();
    cluster.getSpec().setVersion("0.8.5");
    assertThat(SpecValidator.validate(cluster)).singleElement()
        .satisfies(p -> assertThat(p.fix()).contains("allowDowngrade"));
    cluster.getSpec().getUpgrade().setAllowDowngrade(true);
    assertThat(fields()).isEmpty();
  }
}
