package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.k8s.DesiredWorkload;
import ai.openmldb.operator.k8s.ObservedCluster;
import ai.openmldb.operator.k8s.WorkloadFactory;
import ai.openmldb.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reconcile that writes a new template observes the StatefulSets it wrote, not the informers'
 * older copies: the roll can start in that reconcile, and a StatefulSet it did not write is still
 * seen as the informer has it.
 */
class WrittenStatefulSetsTest {

  @Test
  void writtenStatefulSetsReplaceTheirCachedCopiesOnly() {
    OpenMLDBCluster cluster = Fixtures.sample("minimal", "w");
    cluster.getSpec().setVersion("0.9.9");
    Map<Component, DesiredWorkload> desired = WorkloadFactory.desired(cluster);
    List<StatefulSet> cached = new ArrayList<>();
    for (DesiredWorkload d : desired.values()) {
      StatefulSet old = new StatefulSetBuilder(d.statefulSet()).build();
      old.getSpec().getTemplate().getMetadata().getAnnotations()
          .put(Labels.REVISION_ANNOTATION, "before-the-bump");
      cached.add(old);
    }
    ObservedCluster stale = OpenMLDBClusterReconciler.observe(cluster, cached, List.of(), desired);
    assertThat(stale.workload(Component.TABLET).statefulSetCurrent()).isFalse();

    StatefulSet writtenTablet = desired.get(Component.TABLET).statefulSet();
    ObservedCluster fresh = OpenMLDBClusterReconciler.observe(cluster,
        OpenMLDBClusterReconciler.overlay(cached, List.of(writtenTablet)), List.of(), desired);
    assertThat(fresh.workload(Component.TABLET).statefulSetCurrent()).isTrue();
    assertThat(fresh.workload(Component.TABLET).statefulSet()).isSameAs(writtenTablet);
    assertThat(fresh.workload(Component.NAMESERVER).statefulSetCurrent()).isFalse();
    assertThat(OpenMLDBClusterReconciler.overlay(cached, List.of(writtenTablet))).hasSize(4);
  }
}
