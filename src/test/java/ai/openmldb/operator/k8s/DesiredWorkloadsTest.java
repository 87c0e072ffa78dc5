package ai.openmldb.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The desired workloads are built again exactly when what they are built from changed. */
class DesiredWorkloadsTest {

  private static OpenMLDBCluster cluster(String uid) {
    OpenMLDBCluster c = Fixtures.sample("minimal", "ns");
    c.getMetadata().setUid(uid);
    return c;
  }

  @Test
  void keptWhileSpecAndIdentityAreUnchangedAndBuiltAgainWhenEitherChanges() {
    DesiredWorkloads desired = new DesiredWorkloads();
    Map<Component, DesiredWorkload> first = desired.of(cluster("uid-1"));
    assertThat(first).isEqualTo(WorkloadFactory.desired(cluster("uid-1")));
    // another copy of the same resource (every reconcile gets one): the same objects
    assertThat(desired.of(cluster("uid-1"))).isSameAs(first);

    OpenMLDBCluster bumped = cluster("uid-1");
    bumped.getSpec().setVersion("0.9.9");
    Map<Component, DesiredWorkload> second = desired.of(bumped);
    assertThat(second).isNotSameAs(first).isEqualTo(WorkloadFactory.desired(bumped));
    assertThat(second.get(Component.TABLET).revision())
        .isNotEqualTo(first.get(Component.TABLET).revision());

    OpenMLDBCluster flags = cluster("uid-1");
    flags.getSpec().setVersion("0.9.9");
    flags.getSpec().getTablet().setFlags(Map.of("max_traverse_cnt", "5000"));
    assertThat(desired.of(flags).get(Component.TABLET).flags().getData())
        .isEqualTo(WorkloadFactory.desired(flags, Component.TABLET).flags().getData())
        .isNotEqualTo(second.get(Component.TABLET).flags().getData());

    // the same name and spec, another resource (deleted and created again): its own owner
    OpenMLDBCluster recreated = cluster("uid-2");
    recreated.getSpec().setVersion("0.9.9");
    recreated.getSpec().getTablet().setFlags(Map.of("max_traverse_cnt", "5000"));
    assertThat(desired.of(recreated).get(Component.TABLET).statefulSet().getMetadata()
        .getOwnerReferences().get(0).getUid()).isEqualTo("uid-2");
  }
}
