package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {
  static KubernetesClient client;

  @Test
  void aRepeatedEventIsCountedOnOneObject() {
    OpenMLDBCluster cluster = Fixtures.sample("minimal", "events");
    cluster.getMetadata().setUid("uid-1");
    EventRecorder events = new EventRecorder(client, Clock.systemUTC());

    events.warning(cluster, "InvalidSpec", "spec.tablet.replicas: must be at least 1");
    events.warning(cluster, "InvalidSpec", "spec.tablet.replicas: must be at least 1");
    events.warning(cluster, "InvalidSpec", "spec.tablet.replicas: must be at least 1");
    events.normal(cluster, "WorkloadsApplied", "created StatefulSet minimal-tablet");
    assertThat(events.flush(Duration.ofSeconds(30))).isTrue();

    List<Event> all = client.v1().events().inNamespace("events").list().getItems();
    assertThat(all).hasSize(2);
    assertThat(all).filteredOn(e -> e.getReason().equals("InvalidSpec")).singleElement()
        .satisfies(e -> {
          assertThat(e.getCount()).isEqualTo(3);
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getInvolvedObject().getKind()).isEqualTo("OpenMLDBCluster");
          assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-1");
          assertThat(e.getSource().getComponent()).isEqualTo("openmldb-operator");
        });
  }
}
