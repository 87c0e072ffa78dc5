package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.SpecProblem;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.k8s.DesiredWorkload;
import ai.openmldb.operator.k8s.DesiredWorkloads;
import ai.openmldb.operator.k8s.ObservedCluster;
import ai.openmldb.operator.k8s.ObservedWorkload;
import ai.openmldb.operator.k8s.WorkloadApplier;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles an {@code OpenMLDBCluster}: observe → validate → apply workloads → let the
 * {@link PodRollout} take one step → write status (only when it changed, through
 * {@link StatusWriter}) → reschedule.
 *
 * <p>An invalid spec changes nothing in the cluster: status says Degraded/InvalidSpec with the
 * field and the fix, and a Warning Event repeats it. This reconciler never deletes pods.
 */
public final class OpenMLDBClusterReconciler implements Reconciler<OpenMLDBCluster> {
  /** Label selecting every object (and pod) the operator manages. */
  public static final String MANAGED_SELECTOR = Labels.MANAGED_BY + "=" + Labels.OPERATOR;
  private static final Logger LOG = LoggerFactory.getLogger(OpenMLDBClusterReconciler.class);

  private final OperatorConfig config;
  private final PodRollout rollout;
  private final EventRecorder events;
  private final WorkloadApplier applier;
  private final Clock clock;
  private final StatusWriter statusWriter;
  private final DesiredWorkloads desiredWorkloads = new DesiredWorkloads();

  public OpenMLDBClusterReconciler(OperatorConfig config, PodRollout rollout,
      EventRecorder events, WorkloadApplier applier, StatusWriter statusWriter, Clock clock) {
    this.config = config;
    this.rollout = rollout;
    this.events = events;
    this.applier = applier;
    this.clock = clock;
    this.statusWriter = statusWriter;
  }

  @Override
  public List<EventSource<?, OpenMLDBCluster>> prepareEventSources(
      EventSourceContext<OpenMLDBCluster> context) {
    List<EventSource<?, OpenMLDBCluster>> sources = new ArrayList<>(List.of(
        informer(StatefulSet.class, context),
        informer(Pod.class, context),
        informer(Service.class, context),
        informer(ConfigMap.class, context)));
    sources.addAll(rollout.eventSources());
    return sources;
  }

  /**
   * Owned objects and pods map to their cluster by the instance label: pods are owned by their
   * StatefulSet, not by the cluster, so owner references would not find it.
   */
  private static <R extends HasMetadata> InformerEventSource<R, OpenMLDBCluster> informer(
      Class<R> type, EventSourceContext<OpenMLDBCluster> context) {
    var configuration = InformerEventSourceConfiguration.from(type, OpenMLDBCluster.class)
        .withName(type.getSimpleName())
        .withLabelSelector(MANAGED_SELECTOR)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper((R r) -> {
          Map<String, String> labels = r.getMetadata().getLabels();
          String instance = labels == null ? null : labels.get(Labels.INSTANCE);
          return instance == null ? Set.of()
              : Set.of(new ResourceID(instance, r.getMetadata().getNamespace()));
        })
        .build();
    return new InformerEventSource<>(configuration, context);
  }

  @Override
  public UpdateControl<OpenMLDBCluster> reconcile(
      OpenMLDBCluster fromInformer, Context<OpenMLDBCluster> context) throws Exception {
    // never older than what the last reconcile wrote (the informer can lag behind it)
    OpenMLDBCluster cluster = statusWriter.newest(fromInformer, context);
    ClusterStatusBuilder status = new ClusterStatusBuilder(cluster, clock);
    Duration next = config.reconcileInterval();
    List<SpecProblem> problems = SpecValidator.validate(cluster);
    if (problems.isEmpty()) {
      problems = rollout.liveProblems(observe(cluster, context, null));
      if (!problems.isEmpty()) {
        // what the live cluster shows can change without an event on the resource: look again
        Duration soon = config.stepPollInterval().multipliedBy(5);
        next = soon.compareTo(next) < 0 ? soon : next;
      }
    }
    if (!problems.isEmpty()) {
      String message = problems.stream().map(SpecProblem::message).collect(Collectors.joining("; "));
      LOG.warn("Invalid spec of {}, changing nothing: {}", cluster.key(), message);
      events.warning(cluster, "InvalidSpec", message);
      status.invalid(problems).observed(observe(cluster, context, null));
    } else {
      List<String> changes = new ArrayList<>();
      Map<Component, DesiredWorkload> desired = desiredWorkloads.of(cluster);
      InformerCache cache = new InformerCache(context);
      // components are independent: a version change rewrites all four StatefulSets at once
      // rather than one after another (the roll cannot start before they are written); those
      // whose cached copies match (every reconcile but a change's) are not handed to a thread
      List<DesiredWorkload> toApply = desired.values().stream()
          .filter(w -> !applier.matches(w, cache))
          .toList();
      if (!toApply.isEmpty()) {
        // a version change starts the roll in this reconcile, right after these writes
        rollout.beforeApply(cluster);
      }
      List<CompletableFuture<List<String>>> applied = toApply.stream()
          .map(w -> SideBySide.start(() -> applier.apply(w, cache)))
          .toList();
      for (CompletableFuture<List<String>> a : applied) {
        changes.addAll(SideBySide.join(a));
      }
      if (!changes.isEmpty()) {
        String summary = String.join(", ", changes);
        LOG.info("{}: {}", cluster.key(), summary);
        events.normal(cluster, "WorkloadsApplied", summary);
      }
      // what was just written, over the informers' copies: the roll can start in this reconcile
      // instead of waiting for the informers to deliver the StatefulSets it just changed
      ObservedCluster observed = observe(cluster, cache.statefulSets(),
          context.getSecondaryResources(Pod.class), desired);
      status.observed(observed);
      Optional<Duration> soon = rollout.step(observed, status);
      if (soon.isPresent() && soon.get().compareTo(next) < 0) {
        next = soon.get();
      }
    }
    OpenMLDBClusterStatus built = status.build();
    if (statusWriter.differsFromStored(cluster, built)) {
      statusWriter.write(cluster, built, context);
    }
    return UpdateControl.<OpenMLDBCluster>noUpdate().rescheduleAfter(next);
  }

  /**
   * The StatefulSets and pods of the cluster, per component, from the informers' caches.
   *
   * @param desired the desired workloads; null when the spec is invalid (the StatefulSets'
   *     replicas then stand for the desired counts)
   */
  static ObservedCluster observe(OpenMLDBCluster cluster, Context<OpenMLDBCluster> context,
      Map<Component, DesiredWorkload> desired) {
    return observe(cluster, context.getSecondaryResources(StatefulSet.class),
        context.getSecondaryResources(Pod.class), desired);
  }

  /** The same from given StatefulSets and pods. */
  static ObservedCluster observe(OpenMLDBCluster cluster, Collection<StatefulSet> sets,
      Collection<Pod> pods, Map<Component, DesiredWorkload> desired) {
    Map<Component, ObservedWorkload> workloads = new EnumMap<>(Component.class);
    for (Component c : Component.values()) {
      StatefulSet sts = sets.stream().filter(s -> isOf(s, c)).findFirst().orElse(null);
      int replicas = desired != null ? cluster.getSpec().replicas(c)
          : sts == null || sts.getSpec().getReplicas() == null ? 0 : sts.getSpec().getReplicas();
      String revision = desired == null ? null : desired.get(c).revision();
      workloads.put(c, new ObservedWorkload(c, replicas, revision, sts,
          pods.stream().filter(p -> isOf(p, c)).toList()));
    }
    return new ObservedCluster(cluster, workloads);
  }

  /**
   * The informers' copies of the cluster's objects (no request to the API server), and the
   * StatefulSets this reconcile wrote, as the API server answered the writes.
   */
  static final class InformerCache implements WorkloadApplier.Cache {
    private final Context<OpenMLDBCluster> context;
    private final Map<String, StatefulSet> written = new ConcurrentHashMap<>();

    InformerCache(Context<OpenMLDBCluster> context) {
      this.context = context;
    }

    /** Each type's cached objects, asked of the informers once per reconcile. */
    private final Map<Class<?>, Collection<? extends HasMetadata>> byType =
        new ConcurrentHashMap<>();

    @Override
    public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
      return byType.computeIfAbsent(type, t -> context.getSecondaryResources(type)).stream()
          .filter(r -> name.equals(r.getMetadata().getName())
              && namespace.equals(r.getMetadata().getNamespace()))
          .findFirst().map(type::cast).orElse(null);
    }

    @Override
    public void written(HasMetadata stored) {
      if (stored instanceof StatefulSet sts) {
        written.put(sts.getMetadata().getNamespace() + "/" + sts.getMetadata().getName(), sts);
      }
    }

    /** The cached StatefulSets, each replaced by the one written in this reconcile if any. */
    List<StatefulSet> statefulSets() {
      return overlay(context.getSecondaryResources(StatefulSet.class), written.values());
    }
  }

  /** {@code cached}, each replaced by the object of the same namespace and name in {@code fresh}. */
  static List<StatefulSet> overlay(Collection<StatefulSet> cached,
      Collection<StatefulSet> fresh) {
    Map<String, StatefulSet> byName = new java.util.LinkedHashMap<>();
    for (StatefulSet s : cached) {
      byName.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
    }
    for (StatefulSet s : fresh) {
      byName.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
    }
    return new ArrayList<>(byName.values());
  }

  private static boolean isOf(HasMetadata r, Component c) {
    Map<String, String> labels = r.getMetadata().getLabels();
    return labels != null && c.id().equals(labels.get(Labels.COMPONENT));
  }
}
