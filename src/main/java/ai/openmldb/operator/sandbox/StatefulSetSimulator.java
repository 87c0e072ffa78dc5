package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.sandbox.PodLifecycleEvent.Type;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StatefulSet controller of the sandbox, with its {@link KubeletSimulator}. For each
 * StatefulSet in the mock API it keeps pods {@code <sts>-0..n-1}, created from the <em>current</em>
 * template (labels, annotations such as {@code openmldb.ai/revision}, an owner reference), honours
 * scale up and down and {@code podManagementPolicy}, and writes the StatefulSet's status. Like
 * {@code updateStrategy: OnDelete} it never replaces a running pod: only a deleted pod comes back,
 * from the template as it is then.
 *
 * <p>All work happens on one thread: informer events only schedule a pass, and a pass also runs
 * every {@link SimulatorSettings#pollInterval()} for start delays and readiness.
 */
public final class StatefulSetSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatefulSetSimulator.class);
  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  static final String REVISION_HASH_LABEL = "controller-revision-hash";
  static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final KubernetesClient client;
  private final KubeletSimulator kubelet;
  private final Consumer<PodLifecycleEvent> listener;
  private final ScheduledExecutorService worker;
  private final AtomicBoolean passQueued = new AtomicBoolean();
  private final Map<String, String> currentRevisions = new HashMap<>();
  /**
   * Each StatefulSet's template hash, by uid, with the resourceVersion it was computed at: a pass
   * runs every poll interval (10 ms in the bench), and serialising every template on each one was
   * most of the simulator's CPU, in the JVM the benchmarked operator runs in.
   */
  private final Map<String, Map.Entry<String, String>> templateHashes = new ConcurrentHashMap<>();
  private volatile SimulatorSettings settings;
  private SharedIndexInformer<StatefulSet> statefulSets;
  private SharedIndexInformer<Pod> pods;

  public StatefulSetSimulator(KubernetesClient client, PodProcessRuntime runtime,
      SimulatorSettings settings) {
    this(client, runtime, settings, null);
  }

  /** With a listener told of every pod creation, start, readiness change and deletion. */
  public StatefulSetSimulator(KubernetesClient client, PodProcessRuntime runtime,
      SimulatorSettings settings, Consumer<PodLifecycleEvent> listener) {
    this.client = client;
    this.settings = settings;
    this.listener = listener;
    this.kubelet = new KubeletSimulator(client, runtime, settings, Clock.systemUTC(), listener);
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "statefulset-simulator");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts watching all namespaces; returns once the informers have synced. */
  public StatefulSetSimulator start() {
    ResourceEventHandler<HasMetadata> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(HasMetadata obj) {
        queuePass();
      }

      @Override
      public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
        queuePass();
      }

      @Override
      public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
        queuePass();
      }
    };
    statefulSets = client.apps().statefulSets().inAnyNamespace().inform(new Forward<>(handler), 0);
    pods = client.pods().inAnyNamespace().inform(new Forward<>(handler), 0);
    long pollMillis = Math.max(1, settings.pollInterval().toMillis());
    worker.scheduleWithFixedDelay(this::passSafely, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Adapts the generic handler to a typed informer. */
  private record Forward<T extends HasMetadata>(ResourceEventHandler<HasMetadata> target)
      implements ResourceEventHandler<T> {
    @Override
    public void onAdd(T obj) {
      target.onAdd(obj);
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      target.onUpdate(oldObj, newObj);
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
      target.onDelete(obj, deletedFinalStateUnknown);
    }
  }

  public void setSettings(SimulatorSettings settings) {
    this.settings = settings;
    kubelet.setSettings(settings);
  }

  /** Chaos: matching pods never start (ImagePullBackOff), so they never become ready. */
  public void addNeverReady(NeverReadyRule rule) {
    kubelet.addNeverReady(rule);
    queuePass();
  }

  /** Lifts every never-ready rule (pods already stuck stay stuck until deleted). */
  public void clearNeverReady() {
    kubelet.clearNeverReady();
  }

  private void queuePass() {
    if (passQueued.compareAndSet(false, true)) {
      try {
        worker.execute(this::passSafely);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        passQueued.set(false);
      }
    }
  }

  private void passSafely() {
    passQueued.set(false);
    try {
      pass();
    } catch (RuntimeException e) {
      LOG.warn("statefulset simulator pass failed: {}", e.toString(), e);
    }
  }

  private void pass() {
    if (statefulSets == null || pods == null) {
      return;
    }
    // The kubelet first: it reports deletions (and stops processes) before a pod of the same
    // name is re-created below.
    kubelet.sync(pods.getStore().list());
    List<Pod> allPods = pods.getStore().list();
    List<StatefulSet> sets = statefulSets.getStore().list();
    for (StatefulSet sts : sets) {
      reconcile(sts, allPods);
    }
    templateHashes.keySet().retainAll(
        sets.stream().map(sts -> sts.getMetadata().getUid()).toList());
    deleteOrphans(allPods);
    kubelet.sync(pods.getStore().list());
  }

  private void reconcile(StatefulSet sts, List<Pod> allPods) {
    String ns = sts.getMetadata().getNamespace();
    String name = sts.getMetadata().getName();
    int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    boolean parallel = "Parallel".equals(sts.getSpec().getPodManagementPolicy());
    String revision = name + "-" + cachedTemplateHash(sts);

    Map<Integer, Pod> byOrdinal = new TreeMap<>();
    for (Pod pod : allPods) {
      Integer ordinal = ordinalOf(sts, pod);
      if (ordinal != null) {
        byOrdinal.put(ordinal, pod);
      }
    }
    // Scale down: highest ordinal first; OrderedReady removes one at a time.
    List<Integer> surplus = new ArrayList<>();
    byOrdinal.keySet().stream().filter(o -> o >= replicas).forEach(surplus::add);
    surplus.sort((a, b) -> b - a);
    for (int ordinal : surplus) {
      deletePod(byOrdinal.get(ordinal));
      if (!parallel) {
        break;
      }
    }
    // Scale up / re-create deleted pods from the current template.
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      Pod pod = byOrdinal.get(ordinal);
      if (pod == null) {
        createPod(sts, ordinal, revision);
        if (!parallel) {
          break;
        }
      } else if (!parallel && !isReady(pod)) {
        break; // OrderedReady: wait for this one before creating later ordinals
      }
    }
    writeStatus(sts, byOrdinal, replicas, revision);
  }

  private static Integer ordinalOf(StatefulSet sts, Pod pod) {
    if (!Objects.equals(pod.getMetadata().getNamespace(), sts.getMetadata().getNamespace())) {
      return null;
    }
    String prefix = sts.getMetadata().getName() + "-";
    String podName = pod.getMetadata().getName();
    if (!podName.startsWith(prefix) || !podName.substring(prefix.length()).matches("\\d+")) {
      return null;
    }
    OwnerReference owner = controllerOf(pod);
    if (owner == null || !owner.getUid().equals(sts.getMetadata().getUid())) {
      return null;
    }
    return Integer.parseInt(podName.substring(prefix.length()));
  }

  private static OwnerReference controllerOf(HasMetadata obj) {
    if (obj.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference ref : obj.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(ref.getController())) {
        return ref;
      }
    }
    return null;
  }

  /** Pods whose StatefulSet is gone (the mock has no garbage collector). */
  private void deleteOrphans(List<Pod> allPods) {
    for (Pod pod : allPods) {
      OwnerReference owner = controllerOf(pod);
      if (owner == null || !"StatefulSet".equals(owner.getKind())) {
        continue;
      }
      boolean ownerExists = statefulSets.getStore().list().stream()
          .anyMatch(s -> s.getMetadata().getUid().equals(owner.getUid()));
      if (!ownerExists) {
        deletePod(pod);
      }
    }
  }

  private void deletePod(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName()).delete();
    } catch (KubernetesClientException e) {
      LOG.debug("deleting pod {} failed: {}", pod.getMetadata().getName(), e.getMessage());
    }
  }

  private void createPod(StatefulSet sts, int ordinal, String revision) {
    String ns = sts.getMetadata().getNamespace();
    String podName = sts.getMetadata().getName() + "-" + ordinal;
    var template = sts.getSpec().getTemplate();
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(POD_NAME_LABEL, podName);
    labels.put(REVISION_HASH_LABEL, revision);
    labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
      annotations.putAll(template.getMetadata().getAnnotations());
    }
    PodSpec spec = SERIALIZATION.clone(template.getSpec());
    spec.setHostname(podName);
    spec.setSubdomain(sts.getSpec().getServiceName());
    spec.setNodeName("sandbox-node");
    attachClaims(sts, podName, spec);
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(podName).withNamespace(ns).withLabels(labels)
        .withAnnotations(annotations).withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion("apps/v1").withKind("StatefulSet")
            .withName(sts.getMetadata().getName()).withUid(sts.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withSpec(spec)
        .build();
    try {
      client.pods().inNamespace(ns).resource(pod).create();
      if (listener != null) {
        listener.accept(new PodLifecycleEvent(Type.CREATED, ns, podName, revision));
      }
    } catch (KubernetesClientException e) {
      // 409: the informer has not seen our previous create yet; the next pass settles it.
      LOG.debug("creating pod {} failed: {}", podName, e.getMessage());
    }
  }

  /** Creates the volumeClaimTemplates' PVCs ({@code <claim>-<pod>}) and mounts them. */
  private void attachClaims(StatefulSet sts, String podName, PodSpec spec) {
    if (sts.getSpec().getVolumeClaimTemplates() == null) {
      return;
    }
    String ns = sts.getMetadata().getNamespace();
    List<Volume> volumes = spec.getVolumes() == null ? new ArrayList<>()
        : new ArrayList<>(spec.getVolumes());
    for (PersistentVolumeClaim claim : sts.getSpec().getVolumeClaimTemplates()) {
      String claimName = claim.getMetadata().getName() + "-" + podName;
      if (client.persistentVolumeClaims().inNamespace(ns).withName(claimName).get() == null) {
        try {
          client.persistentVolumeClaims().inNamespace(ns).resource(
              new PersistentVolumeClaimBuilder(claim).editMetadata().withName(claimName)
                  .withNamespace(ns).withResourceVersion(null).endMetadata()
                  .withNewStatus().withPhase("Bound").endStatus().build()).create();
        } catch (KubernetesClientException e) {
          LOG.debug("creating claim {} failed: {}", claimName, e.getMessage());
        }
      }
      volumes.removeIf(v -> v.getName().equals(claim.getMetadata().getName()));
      volumes.add(new VolumeBuilder().withName(claim.getMetadata().getName())
          .withNewPersistentVolumeClaim().withClaimName(claimName).endPersistentVolumeClaim()
          .build());
    }
    spec.setVolumes(volumes);
  }

  private void writeStatus(StatefulSet sts, Map<Integer, Pod> byOrdinal, int replicas,
      String revision) {
    int current = 0;
    int ready = 0;
    int updated = 0;
    for (Pod pod : byOrdinal.values()) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      current++;
      if (isReady(pod)) {
        ready++;
      }
      if (revision.equals(pod.getMetadata().getLabels().get(REVISION_HASH_LABEL))) {
        updated++;
      }
    }
    String key = sts.getMetadata().getNamespace() + "/" + sts.getMetadata().getName();
    String currentRevision = currentRevisions.getOrDefault(key, revision);
    if (updated == current && current == replicas) {
      currentRevision = revision;
    }
    currentRevisions.put(key, currentRevision);
    StatefulSetStatus old = sts.getStatus() == null ? new StatefulSetStatus() : sts.getStatus();
    Long generation = sts.getMetadata().getGeneration();
    if (Objects.equals(old.getReplicas(), current) && Objects.equals(old.getReadyReplicas(), ready)
        && Objects.equals(old.getUpdatedReplicas(), updated)
        && Objects.equals(old.getUpdateRevision(), revision)
        && Objects.equals(old.getCurrentRevision(), currentRevision)
        && Objects.equals(old.getObservedGeneration(), generation)) {
      return;
    }
    final int fCurrent = current;
    final int fReady = ready;
    final int fUpdated = updated;
    final String fCurrentRevision = currentRevision;
    try {
      client.apps().statefulSets().inNamespace(sts.getMetadata().getNamespace())
          .withName(sts.getMetadata().getName()).editStatus(s -> {
            StatefulSetStatus status = new StatefulSetStatus();
            status.setReplicas(fCurrent);
            status.setReadyReplicas(fReady);
            status.setAvailableReplicas(fReady);
            status.setCurrentReplicas(
                fCurrentRevision.equals(revision) ? fUpdated : fCurrent - fUpdated);
            status.setUpdatedReplicas(fUpdated);
            status.setUpdateRevision(revision);
            status.setCurrentRevision(fCurrentRevision);
            status.setObservedGeneration(generation);
            status.setCollisionCount(0);
            s.setStatus(status);
            return s;
          });
    } catch (KubernetesClientException e) {
      LOG.debug("statefulset {} status not written: {}", key, e.getMessage());
    }
  }

  static boolean isReady(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  /** {@link #templateHash}, computed again only when the StatefulSet's resourceVersion moves. */
  private String cachedTemplateHash(StatefulSet sts) {
    String uid = sts.getMetadata().getUid();
    String version = sts.getMetadata().getResourceVersion();
    if (uid == null || version == null) {
      return templateHash(sts);
    }
    Map.Entry<String, String> known = templateHashes.get(uid);
    if (known != null && version.equals(known.getKey())) {
      return known.getValue();
    }
    String hash = templateHash(sts);
    templateHashes.put(uid, Map.entry(version, hash));
    return hash;
  }

  /** A short stable hash of the pod template, like the StatefulSet controller's revision. */
  static String templateHash(StatefulSet sts) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          SERIALIZATION.asJson(sts.getSpec().getTemplate())
              .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (statefulSets != null) {
      statefulSets.close();
    }
    if (pods != null) {
      pods.close();
    }
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kubelet.stopAll();
  }
}
