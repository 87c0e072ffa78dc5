package ai.openmldb.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadFactoryTest {
  private static OpenMLDBCluster cluster(String sample) {
    OpenMLDBCluster c = Fixtures.sample(sample, "ns");
    c.getMetadata().setUid("uid-1");
    return c;
  }

  @Test
  void tabletEndpointIsThePodsStableDnsName() {
    DesiredWorkload tablet = WorkloadFactory.desired(cluster("minimal"), Component.TABLET);
    Map<String, String> flags = FlagsFile.forPod(tablet.flags(), Component.TABLET, "minimal-tablet-2");
    assertThat(flags)
        .containsEntry("endpoint", "minimal-tablet-2.minimal-tablet.ns.svc.cluster.local:10921")
        .containsEntry("zk_cluster", "zookeeper.default.svc:2181")
        .containsEntry("zk_root_path", "/openmldb")
        .containsEntry("zk_session_timeout", "10000");
    assertThat(WorkloadNames.endpoint("minimal-tablet-2", "minimal", Component.TABLET, "ns"))
        .isEqualTo(flags.get("endpoint"));
  }

  @Test
  void taskmanagerGetsAPropertiesFileAndTheSameNormalizedFlags() {
    DesiredWorkload tm = WorkloadFactory.desired(cluster("ha"), Component.TASKMANAGER);
    String file = tm.flags().getData().get("taskmanager.properties");
    assertThat(file).contains("server.host=${POD_NAME}.ha-taskmanager.ns.svc.cluster.local")
        .contains("server.port=9902").contains("zookeeper.root_path=/openmldb-ha")
        .doesNotContain("--");
    assertThat(FlagsFile.forPod(tm.flags(), Component.TASKMANAGER, "ha-taskmanager-0"))
        .containsEntry("endpoint", "ha-taskmanager-0.ha-taskmanager.ns.svc.cluster.local:9902")
        .containsEntry("zk_root_path", "/openmldb-ha");
  }

  @Test
  void userFlagsAreAddedButCannotReplaceOperatorFlags() {
    OpenMLDBCluster c = cluster("minimal");
    c.getSpec().getTablet().setFlags(Map.of("thread_pool_size", "32", "zk_root_path", "/other"));
    String file = WorkloadFactory.desired(c, Component.TABLET).flags().getData().get("tablet.flags");
    assertThat(file).contains("--thread_pool_size=32").contains("--zk_root_path=/openmldb")
        .doesNotContain("/other");
  }

  @Test
  void revisionIsStableAndFollowsTemplateAndFlagsButNotReplicas() {
    String base = WorkloadFactory.desired(cluster("minimal"), Component.TABLET).revision();
    assertThat(WorkloadFactory.desired(cluster("minimal"), Component.TABLET).revision()).isEqualTo(base);

    OpenMLDBCluster scaled = cluster("minimal");
    scaled.getSpec().getTablet().setReplicas(5);
    assertThat(WorkloadFactory.desired(scaled, Component.TABLET).revision()).isEqualTo(base);

    OpenMLDBCluster flagged = cluster("minimal");
    flagged.getSpec().getTablet().setFlags(Map.of("thread_pool_size", "32"));
    assertThat(WorkloadFactory.desired(flagged, Component.TABLET).revision()).isNotEqualTo(base);

    OpenMLDBCluster upgraded = cluster("minimal");
    upgraded.getSpec().setVersion("0.9.3");
    DesiredWorkload next = WorkloadFactory.desired(upgraded, Component.TABLET);
    assertThat(next.revision()).isNotEqualTo(base);
    assertThat(next.statefulSet().getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(Labels.REVISION_ANNOTATION, next.revision());
  }

  @Test
  void statefulSetsRollOnDeleteAndTabletsKeepDataOnAClaimWhenStorageIsSet() {
    StatefulSet ha = WorkloadFactory.desired(cluster("ha"), Component.TABLET).statefulSet();
    assertThat(ha.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
    assertThat(ha.getSpec().getServiceName()).isEqualTo("ha-tablet");
    assertThat(ha.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(pvc ->
        assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString())
            .isEqualTo("20Gi"));
    assertThat(ha.getSpec().getTemplate().getSpec().getVolumes())
        .noneMatch(v -> v.getName().equals("data"));

    StatefulSet minimal = WorkloadFactory.desired(cluster("minimal"), Component.TABLET).statefulSet();
    assertThat(minimal.getSpec().getVolumeClaimTemplates()).isEmpty();
    assertThat(minimal.getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(v -> v.getName().equals("data") && v.getEmptyDir() != null);
    assertThat(minimal.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("4pdosc/openmldb-online:0.9.2");
    assertThat(minimal.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo("uid-1"));
  }
}
