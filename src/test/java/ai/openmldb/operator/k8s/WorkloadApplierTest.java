package ai.openmldb.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.testing.Fixtures;
import ai.openmldb.operator.testing.RecordedRequests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The applier against the mock API (CRUD mode): idempotent, and arrays are replaced, not merged. */
@EnableKubernetesMockClient(crud = true)
class WorkloadApplierTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  private static OpenMLDBCluster cluster(String ns) {
    OpenMLDBCluster c = Fixtures.sample("minimal", ns);
    c.getMetadata().setUid("uid-" + ns);
    return c;
  }

  @Test
  void createsOnceAndThenWritesNothingWhileTheSpecIsUnchanged() {
    WorkloadApplier applier = new WorkloadApplier(client);
    DesiredWorkload tablet = WorkloadFactory.desired(cluster("a"), Component.TABLET);
    assertThat(applier.apply(tablet)).containsExactly("created ConfigMap minimal-tablet-flags",
        "created Service minimal-tablet", "created StatefulSet minimal-tablet");
    String version = client.apps().statefulSets().inNamespace("a").withName("minimal-tablet").get()
        .getMetadata().getResourceVersion();

    assertThat(applier.apply(WorkloadFactory.desired(cluster("a"), Component.TABLET))).isEmpty();
    assertThat(client.apps().statefulSets().inNamespace("a").withName("minimal-tablet").get()
        .getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void replacesThePodTemplateSoRemovedListEntriesAreGone() {
    WorkloadApplier applier = new WorkloadApplier(client);
    OpenMLDBCluster withSecrets = cluster("b");
    withSecrets.getSpec().getImage().setPullSecrets(List.of("registry-a", "registry-b"));
    applier.apply(WorkloadFactory.desired(withSecrets, Component.TABLET));

    OpenMLDBCluster oneSecret = cluster("b");
    oneSecret.getSpec().getImage().setPullSecrets(List.of("registry-b"));
    DesiredWorkload next = WorkloadFactory.desired(oneSecret, Component.TABLET);
    assertThat(applier.apply(next)).containsExactly("updated StatefulSet minimal-tablet");

    StatefulSet sts = client.apps().statefulSets().inNamespace("b").withName("minimal-tablet").get();
    assertThat(sts.getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(s -> s.getName()).containsExactly("registry-b");
    assertThat(WorkloadApplier.templateRevision(sts)).isEqualTo(next.revision());
  }

  @Test
  void aMatchingCachedCopySendsNoRequestAndAStaleOneIsReadLiveAndFixed() {
    WorkloadApplier applier = new WorkloadApplier(client);
    DesiredWorkload tablet = WorkloadFactory.desired(cluster("c"), Component.TABLET);
    applier.apply(tablet);
    StatefulSet stored = client.apps().statefulSets().inNamespace("c").withName("minimal-tablet")
        .get();
    ConfigMap flags = client.configMaps().inNamespace("c").withName("minimal-tablet-flags").get();
    Service service = client.services().inNamespace("c").withName("minimal-tablet").get();
    Map<Class<?>, HasMetadata> cached = new HashMap<>(Map.of(StatefulSet.class, stored,
        ConfigMap.class, flags, Service.class, service));
    WorkloadApplier.Cache cache = new WorkloadApplier.Cache() {
      @Override
      public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return type.cast(cached.get(type));
      }
    };
    // the live StatefulSet is gone, but the cache says it matches: nothing is read or written
    client.apps().statefulSets().inNamespace("c").withName("minimal-tablet").delete();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        client.apps().statefulSets().inNamespace("c").withName("minimal-tablet").get() == null);
    assertThat(applier.apply(tablet, cache)).isEmpty();
    assertThat(client.apps().statefulSets().inNamespace("c").withName("minimal-tablet").get())
        .isNull();

    // a cached copy that differs (an older revision) is not trusted: read live, created again
    StatefulSet old = new StatefulSetBuilder(stored).build();
    old.getSpec().getTemplate().getMetadata().getAnnotations()
        .put(Labels.REVISION_ANNOTATION, "older");
    cached.put(StatefulSet.class, old);
    assertThat(applier.apply(tablet, cache)).containsExactly("created StatefulSet minimal-tablet");
  }

  @Test
  void theCacheIsToldOfEveryObjectWrittenAsTheApiServerStoredIt() {
    WorkloadApplier applier = new WorkloadApplier(client);
    List<HasMetadata> written = new java.util.ArrayList<>();
    WorkloadApplier.Cache recording = new WorkloadApplier.Cache() {
      @Override
      public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return null;
      }

      @Override
      public void written(HasMetadata stored) {
        written.add(stored);
      }
    };
    applier.apply(WorkloadFactory.desired(cluster("d"), Component.TABLET), recording);
    assertThat(written).extracting(o -> o.getKind() + " " + o.getMetadata().getName())
        .containsExactly("ConfigMap minimal-tablet-flags", "Service minimal-tablet",
            "StatefulSet minimal-tablet");

    OpenMLDBCluster next = cluster("d");
    next.getSpec().setVersion("0.9.9");
    DesiredWorkload bumped = WorkloadFactory.desired(next, Component.TABLET);
    written.clear();
    assertThat(applier.apply(bumped, recording)).containsExactly("updated StatefulSet minimal-tablet");
    StatefulSet stored = (StatefulSet) written.get(0);
    assertThat(WorkloadApplier.templateRevision(stored)).isEqualTo(bumped.revision());
    assertThat(stored.getMetadata().getResourceVersion()).isEqualTo(client.apps().statefulSets()
        .inNamespace("d").withName("minimal-tablet").get().getMetadata().getResourceVersion());
  }
  /** A cache holding exactly the given objects. */
  private static WorkloadApplier.Cache holding(HasMetadata... objects) {
    return new WorkloadApplier.Cache() {
      @Override
      public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        for (HasMetadata o : objects) {
          if (type.isInstance(o) && o.getMetadata().getName().equals(name)
              && o.getMetadata().getNamespace().equals(namespace)) {
            return type.cast(o);
          }
        }
        return null;
      }
    };
  }

  /** The requests the mock API server received since the last call, as "METHOD path". */
  private static List<String> requests() throws InterruptedException {
    return RecordedRequests.since(server, 0);
  }

  @Test
  void aCachedCopyThatDiffersIsWrittenFromTheCacheInOneRequestAndLeftUnchanged()
      throws Exception {
    WorkloadApplier applier = new WorkloadApplier(client);
    applier.apply(WorkloadFactory.desired(cluster("e"), Component.TABLET));
    StatefulSet stored = client.apps().statefulSets().inNamespace("e").withName("minimal-tablet")
        .get();
    ConfigMap flags = client.configMaps().inNamespace("e").withName("minimal-tablet-flags").get();
    Service service = client.services().inNamespace("e").withName("minimal-tablet").get();
    String cachedRevision = WorkloadApplier.templateRevision(stored);

    OpenMLDBCluster next = cluster("e");
    next.getSpec().setVersion("0.9.9");
    DesiredWorkload bumped = WorkloadFactory.desired(next, Component.TABLET);
    requests();
    assertThat(applier.apply(bumped, holding(stored, flags, service)))
        .containsExactly("updated StatefulSet minimal-tablet");
    // one PUT at the cached resourceVersion, no GET before it
    assertThat(requests()).containsExactly(
        "PUT /apis/apps/v1/namespaces/e/statefulsets/minimal-tablet");
    assertThat(WorkloadApplier.templateRevision(client.apps().statefulSets().inNamespace("e")
        .withName("minimal-tablet").get())).isEqualTo(bumped.revision());
    // the informer's copy is shared: never changed in place
    assertThat(WorkloadApplier.templateRevision(stored)).isEqualTo(cachedRevision);
  }

  @Test
  void aCachedCopyBehindALaterWriteGets409AndIsReadLiveSoTheLaterWriteIsKept() throws Exception {
    WorkloadApplier applier = new WorkloadApplier(client);
    applier.apply(WorkloadFactory.desired(cluster("f"), Component.TABLET));
    StatefulSet stale = client.apps().statefulSets().inNamespace("f").withName("minimal-tablet")
        .get();
    ConfigMap staleFlags = client.configMaps().inNamespace("f").withName("minimal-tablet-flags")
        .get();
    Service service = client.services().inNamespace("f").withName("minimal-tablet").get();
    // someone else writes both after the informer's copies were taken
    client.apps().statefulSets().inNamespace("f").withName("minimal-tablet")
        .edit(s -> new StatefulSetBuilder(s).editMetadata().addToLabels("team", "a").endMetadata()
            .build());
    client.configMaps().inNamespace("f").withName("minimal-tablet-flags")
        .edit(c -> new io.fabric8.kubernetes.api.model.ConfigMapBuilder(c).editMetadata()
            .addToLabels("team", "a").endMetadata().build());

    OpenMLDBCluster next = cluster("f");
    next.getSpec().setVersion("0.9.9");
    next.getSpec().getTablet().setFlags(new java.util.TreeMap<>(Map.of("max_traverse_cnt", "5000")));
    DesiredWorkload changed = WorkloadFactory.desired(next, Component.TABLET);
    requests();
    assertThat(applier.apply(changed, holding(stale, staleFlags, service)))
        .containsExactly("updated ConfigMap minimal-tablet-flags",
            "updated StatefulSet minimal-tablet");
    assertThat(requests()).containsExactly(
        "PUT /api/v1/namespaces/f/configmaps/minimal-tablet-flags",
        "GET /api/v1/namespaces/f/configmaps/minimal-tablet-flags",
        "PUT /api/v1/namespaces/f/configmaps/minimal-tablet-flags",
        "PUT /apis/apps/v1/namespaces/f/statefulsets/minimal-tablet",
        "GET /apis/apps/v1/namespaces/f/statefulsets/minimal-tablet",
        "PUT /apis/apps/v1/namespaces/f/statefulsets/minimal-tablet");
    StatefulSet live = client.apps().statefulSets().inNamespace("f").withName("minimal-tablet")
        .get();
    assertThat(WorkloadApplier.templateRevision(live)).isEqualTo(changed.revision());
    assertThat(live.getMetadata().getLabels()).containsEntry("team", "a");
    ConfigMap liveFlags = client.configMaps().inNamespace("f").withName("minimal-tablet-flags")
        .get();
    assertThat(liveFlags.getData()).isEqualTo(changed.flags().getData());
    assertThat(liveFlags.getMetadata().getLabels()).containsEntry("team", "a");
  }
}
