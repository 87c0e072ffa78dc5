package ai.openmldb.operator.k8s;

import ai.openmldb.operator.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Creates the desired workloads or brings existing ones in line. Idempotent: objects that already
 * match are not written. Never touches pods: with {@code OnDelete} a changed template only takes
 * effect when somebody (the rolling upgrade) deletes a pod.
 *
 * <p>Reads go to the informer cache first ({@link Cache}): an object whose cached copy already
 * matches is left alone without a request, so a reconcile of an unchanged cluster sends none
 * (twelve GETs per pass before, a quarter of a roll step's latency on the mock API).
 *
 * <p>Updates are full PUTs ({@code update()}) carrying the resourceVersion they were based on,
 * so a concurrent change gives 409. A ConfigMap or StatefulSet whose cached copy differs is
 * written from that copy (one request, not a read and a write: the version change that starts a
 * roll rewrites four StatefulSets); a 409 or 404 says the cache was behind, and the object is
 * read live and written as before (a 409 then fails the reconcile, which is retried). Not a JSON
 * merge patch: merge patches merge arrays (containers, env, volumes) instead of replacing them in
 * the mock API, and would leave stale entries behind.
 *
 * <p>The desired objects are shared between reconciles ({@link DesiredWorkloads}) and the cached
 * ones with the informers: neither is changed here; what is written is a copy.
 */
public final class WorkloadApplier {
  private final KubernetesClient client;

  public WorkloadApplier(KubernetesClient client) {
    this.client = client;
  }

  /** Cached copies of the objects the applier manages (the reconciler's informers). */
  public interface Cache {
    /** The cached object of that type, namespace and name, or null when not cached. */
    <T extends HasMetadata> T get(Class<T> type, String namespace, String name);

    /**
     * An object the applier just created or updated, as the API server stored it: newer than
     * any copy an informer may hold yet.
     */
    default void written(HasMetadata stored) {}

    /** No cache: every object is read live. */
    Cache NONE = new Cache() {
      @Override
      public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return null;
      }
    };
  }

  /** Applies one component's objects, reading each live (flags first, then Service, StatefulSet). */
  public List<String> apply(DesiredWorkload desired) {
    return apply(desired, Cache.NONE);
  }

  /**
   * Applies one component's objects (flags first, so a new template never reads old flags);
   * objects whose cached copy matches are skipped without a request.
   */
  public List<String> apply(DesiredWorkload desired, Cache cache) {
    List<String> changes = new ArrayList<>();
    ConfigMap flags = desired.flags();
    if (!configMapMatches(cached(cache, ConfigMap.class, flags), flags)) {
      applyConfigMap(flags, changes, cache);
    }
    Service service = desired.service();
    if (!serviceMatches(cached(cache, Service.class, service), service)) {
      applyService(service, changes, cache);
    }
    StatefulSet sts = desired.statefulSet();
    if (!statefulSetMatches(cached(cache, StatefulSet.class, sts), sts)) {
      applyStatefulSet(sts, changes, cache);
    }
    return changes;
  }

  /** Whether every object of the component already matches in the cache (nothing to write). */
  public boolean matches(DesiredWorkload desired, Cache cache) {
    return configMapMatches(cached(cache, ConfigMap.class, desired.flags()), desired.flags())
        && serviceMatches(cached(cache, Service.class, desired.service()), desired.service())
        && statefulSetMatches(cached(cache, StatefulSet.class, desired.statefulSet()),
            desired.statefulSet());
  }

  private static <T extends HasMetadata> T cached(Cache cache, Class<T> type, T want) {
    return cache.get(type, want.getMetadata().getNamespace(), want.getMetadata().getName());
  }

  private static boolean configMapMatches(ConfigMap have, ConfigMap want) {
    return have != null && Objects.equals(have.getData(), want.getData()) && sameLabels(have, want);
  }

  private static boolean serviceMatches(Service have, Service want) {
    return have != null && have.getSpec() != null
        && Objects.equals(have.getSpec().getSelector(), want.getSpec().getSelector())
        && Objects.equals(have.getSpec().getPublishNotReadyAddresses(),
            want.getSpec().getPublishNotReadyAddresses())
        && samePorts(have, want);
  }

  // Compare by revision, not by deep equality: a real API server fills in defaults, so the
  // stored template never equals the desired one field for field.
  private static boolean statefulSetMatches(StatefulSet have, StatefulSet want) {
    return have != null && have.getSpec() != null
        && Objects.equals(have.getSpec().getReplicas(), want.getSpec().getReplicas())
        && Objects.equals(templateRevision(have), templateRevision(want))
        && have.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(have.getSpec().getUpdateStrategy().getType());
  }

  private void applyConfigMap(ConfigMap want, List<String> changes, Cache cache) {
    var op = client.configMaps().inNamespace(want.getMetadata().getNamespace());
    ConfigMap fromCache = cached(cache, ConfigMap.class, want);
    if (fromCache != null && updatedFromCache(op, updated(fromCache, want), cache)) {
      changes.add("updated ConfigMap " + want.getMetadata().getName());
      return;
    }
    ConfigMap have = op.withName(want.getMetadata().getName()).get();
    if (have == null) {
      cache.written(op.resource(new ConfigMapBuilder(want).build()).create());
      changes.add("created ConfigMap " + want.getMetadata().getName());
    } else if (!configMapMatches(have, want)) {
      cache.written(op.resource(updated(have, want)).update());
      changes.add("updated ConfigMap " + want.getMetadata().getName());
    }
  }

  /** {@code have} with the desired data and labels (a copy: cached objects are shared). */
  private static ConfigMap updated(ConfigMap have, ConfigMap want) {
    return new ConfigMapBuilder(have)
        .withData(want.getData())
        .editMetadata()
        .withLabels(merged(have.getMetadata().getLabels(), want.getMetadata().getLabels()))
        .endMetadata()
        .build();
  }

  /**
   * Writes {@code changed}, a cached copy brought in line, at the cached copy's resourceVersion:
   * false when the cache was behind (409: written since) or the object is gone (404), so the
   * caller reads it live and writes again.
   */
  private static <T extends HasMetadata> boolean updatedFromCache(
      NonNamespaceOperation<T, ?, ? extends Resource<T>> op, T changed, Cache cache) {
    if (changed.getMetadata().getResourceVersion() == null) {
      return false;
    }
    try {
      cache.written(op.resource(changed).update());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private void applyService(Service want, List<String> changes, Cache cache) {
    var op = client.services().inNamespace(want.getMetadata().getNamespace());
    Service have = op.withName(want.getMetadata().getName()).get();
    if (have == null) {
      cache.written(op.resource(new ServiceBuilder(want).build()).create());
      changes.add("created Service " + want.getMetadata().getName());
      return;
    }
    if (!serviceMatches(have, want)) {
      have.getSpec().setSelector(want.getSpec().getSelector());
      have.getSpec().setPorts(want.getSpec().getPorts());
      have.getSpec().setPublishNotReadyAddresses(want.getSpec().getPublishNotReadyAddresses());
      cache.written(op.resource(have).update());
      changes.add("updated Service " + want.getMetadata().getName());
    }
  }

  private static boolean samePorts(Service have, Service want) {
    if (have.getSpec().getPorts() == null
        || have.getSpec().getPorts().size() != want.getSpec().getPorts().size()) {
      return false;
    }
    for (int i = 0; i < want.getSpec().getPorts().size(); i++) {
      var h = have.getSpec().getPorts().get(i);
      var w = want.getSpec().getPorts().get(i);
      if (!Objects.equals(h.getName(), w.getName()) || !Objects.equals(h.getPort(), w.getPort())) {
        return false;
      }
    }
    return true;
  }

  private void applyStatefulSet(StatefulSet want, List<String> changes, Cache cache) {
    var op = client.apps().statefulSets().inNamespace(want.getMetadata().getNamespace());
    StatefulSet fromCache = cached(cache, StatefulSet.class, want);
    if (fromCache != null && updatedFromCache(op, updated(fromCache, want), cache)) {
      changes.add("updated StatefulSet " + want.getMetadata().getName());
      return;
    }
    StatefulSet have = op.withName(want.getMetadata().getName()).get();
    if (have == null) {
      cache.written(op.resource(new StatefulSetBuilder(want).build()).create());
      changes.add("created StatefulSet " + want.getMetadata().getName());
      return;
    }
    if (!statefulSetMatches(have, want)) {
      cache.written(op.resource(updated(have, want)).update());
      changes.add("updated StatefulSet " + want.getMetadata().getName());
    }
  }

  /**
   * {@code have} with the desired replicas, template, update strategy and labels: only fields
   * Kubernetes lets change (selector and volumeClaimTemplates are immutable). A copy: cached
   * objects are shared.
   */
  private static StatefulSet updated(StatefulSet have, StatefulSet want) {
    return new StatefulSetBuilder(have)
        .editSpec()
        .withReplicas(want.getSpec().getReplicas())
        .withTemplate(want.getSpec().getTemplate())
        .withUpdateStrategy(want.getSpec().getUpdateStrategy())
        .endSpec()
        .editMetadata()
        .withLabels(merged(have.getMetadata().getLabels(), want.getMetadata().getLabels()))
        .endMetadata()
        .build();
  }

  /** The revision annotation of a StatefulSet's pod template, or null. */
  public static String templateRevision(StatefulSet sts) {
    if (sts.getSpec() == null || sts.getSpec().getTemplate() == null
        || sts.getSpec().getTemplate().getMetadata() == null
        || sts.getSpec().getTemplate().getMetadata().getAnnotations() == null) {
      return null;
    }
    return sts.getSpec().getTemplate().getMetadata().getAnnotations().get(Labels.REVISION_ANNOTATION);
  }

  private static boolean sameLabels(ConfigMap have, ConfigMap want) {
    Map<String, String> labels = have.getMetadata().getLabels();
    return labels != null && labels.entrySet().containsAll(want.getMetadata().getLabels().entrySet());
  }

  private static Map<String, String> merged(Map<String, String> have, Map<String, String> want) {
    Map<String, String> all = new java.util.TreeMap<>();
    if (have != null) {
      all.putAll(have);
    }
    all.putAll(want);
    return all;
  }
}
