package ai.openmldb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class LenientSpecDeserializerTest {
  private static OpenMLDBCluster read(String spec) {
    return Serialization.unmarshal("""
        apiVersion: openmldb.ai/v1alpha1
        kind: OpenMLDBCluster
        metadata: {name: c, namespace: ns}
        spec:
        """ + spec.indent(2), OpenMLDBCluster.class);
  }

  @Test
  void readsAWellFormedSpecWithoutProblems() {
    OpenMLDBCluster c = read("""
        version: 0.9.2
        zookeeper: {cluster: "zk:2181", rootPath: /openmldb}
        tablet: {replicas: 4, flags: {thread_pool_size: "32"}}
        """);
    assertThat(c.getSpec().getParseProblems()).isEmpty();
    assertThat(c.getSpec().getTablet().getReplicas()).isEqualTo(4);
    assertThat(c.getSpec().getTablet().getFlags()).containsEntry("thread_pool_size", "32");
    assertThat(c.getStatus()).as("status stays null until the operator writes it").isNull();
  }

  @Test
  void dropsUnreadableFieldsAndNamesThem() {
    OpenMLDBCluster c = read("""
        version: 0.9.2
        zookeeper: {cluster: "zk:2181", rootPath: /openmldb, sessionTimeoutMs: soon}
        tablet: {replicas: abc}
        upgrade: {singleReplicaPolicy: Sometimes, paused: maybe}
        """);
    assertThat(c.getSpec().getParseProblems()).extracting(SpecProblem::field)
        .containsExactlyInAnyOrder("spec.zookeeper.sessionTimeoutMs", "spec.tablet.replicas",
            "spec.upgrade.singleReplicaPolicy", "spec.upgrade.paused");
    assertThat(c.getSpec().getVersion()).as("readable fields are kept").isEqualTo("0.9.2");
    assertThat(c.getSpec().getZookeeper().getRootPath()).isEqualTo("/openmldb");
    assertThat(c.getSpec().getParseProblems())
        .filteredOn(p -> p.field().equals("spec.upgrade.singleReplicaPolicy")).singleElement()
        .satisfies(p -> assertThat(p.fix()).contains("AddTemporaryReplica"));
  }

  @Test
  void reportsAWrongShapeForABlock() {
    OpenMLDBCluster c = read("""
        version: 0.9.2
        zookeeper: {cluster: "zk:2181", rootPath: /openmldb}
        nameserver: [1, 2]
        tablet: {flags: [a, b]}
        """);
    assertThat(c.getSpec().getParseProblems()).extracting(SpecProblem::field)
        .containsExactlyInAnyOrder("spec.nameserver", "spec.tablet.flags");
  }
}
