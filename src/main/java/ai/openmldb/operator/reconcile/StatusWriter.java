package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Writes a reconcile's status (as JOSDK's {@code UpdateControl.patchStatus} would) and remembers
 * the API server's answer to it and to the roll's own status patches ({@link IntentWriter}), so
 * that the next reconcile of the cluster never starts from a copy older than its last write.
 *
 * <p>Why: a reconcile queued while the previous one ran (a pod changed, ZooKeeper woke the roll)
 * starts as soon as that one ends, from the informer's copy, which can still predate the status
 * it wrote. JOSDK 5.2 does not cache the answer of its own status patch, and its temporary cache
 * of the primary drops a cached copy on any informer event, an older one included (the roll's
 * intent write in flight). Such a start undid what the previous reconcile recorded: switch
 * counts went down, a halt read as a roll under way. The answer is used until the informer has
 * a copy at least as new (resource versions compared as numbers, as etcd issues them; a version
 * that is not a number leaves the informer's copy in use).
 */
final class StatusWriter {
  /**
   * How long an answer is kept at most: the informer delivers a write within seconds, so an older
   * answer is that of a cluster deleted right after the write (no informer copy ever replaces it).
   */
  static final Duration MAX_AGE = Duration.ofMinutes(10);

  private record Answer(OpenMLDBCluster cluster, long keptAtNanos) {}

  private final boolean serverSideApply;
  private final LongSupplier nanoTime;
  /** The last answer to a status write, per cluster uid, until the informer catches up. */
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  StatusWriter(boolean serverSideApply) {
    this(serverSideApply, System::nanoTime);
  }

  StatusWriter(boolean serverSideApply, LongSupplier nanoTime) {
    this.serverSideApply = serverSideApply;
    this.nanoTime = nanoTime;
  }

  /**
   * The copy to reconcile: the informer's, or the answer to this operator's last status write if
   * that is newer (a deep copy: the reconcile may change it).
   */
  OpenMLDBCluster newest(OpenMLDBCluster fromInformer, Context<OpenMLDBCluster> context) {
    OpenMLDBCluster newer = newer(fromInformer);
    String uid = fromInformer.getMetadata().getUid();
    if (newer == fromInformer) {
      if (uid != null) {
        // the informer has caught up with the last answer: it is no longer needed
        answers.computeIfPresent(uid,
            (u, kept) -> isNewer(kept.cluster(), fromInformer) ? kept : null);
      }
      return fromInformer;
    }
    return context.getControllerConfiguration().getConfigurationService().getResourceCloner()
        .clone(newer);
  }

  /**
   * Whether {@code status} differs from the status as last stored: the copy reconciled, or the
   * answer to a patch the roll sent since.
   */
  boolean differsFromStored(OpenMLDBCluster cluster, OpenMLDBClusterStatus status) {
    OpenMLDBClusterStatus stored = newer(cluster).getStatus();
    return stored == null
        || !Serialization.asJson(stored).equals(Serialization.asJson(status));
  }

  /** Writes {@code status} over the status of {@code cluster} (the copy reconciled). */
  void write(OpenMLDBCluster cluster, OpenMLDBClusterStatus status,
      Context<OpenMLDBCluster> context) {
    KubernetesClient client = context.getClient();
    OpenMLDBCluster answer;
    if (serverSideApply) {
      OpenMLDBCluster patch = reference(cluster);
      patch.setStatus(status);
      answer = client.resource(patch).subresource("status").patch(new PatchContext.Builder()
          .withFieldManager(context.getControllerConfiguration().fieldManager())
          .withForce(true)
          .withPatchType(PatchType.SERVER_SIDE_APPLY)
          .build());
    } else {
      // a JSON patch of the status' difference from the status as last stored: the copy
      // reconciled, or the answer to a patch the roll sent since (its intent); with no resource
      // version (no optimistic lock: the operator is the status' only writer)
      OpenMLDBCluster base = context.getControllerConfiguration().getConfigurationService()
          .getResourceCloner().clone(newer(cluster));
      base.getMetadata().setResourceVersion(null);
      base.getMetadata().setManagedFields(null);
      answer = client.resource(base).editStatus(current -> {
        current.setStatus(status);
        return current;
      });
    }
    remember(answer);
  }

  /** {@code cluster}, or the answer to this operator's last status write if that is newer. */
  OpenMLDBCluster newer(OpenMLDBCluster cluster) {
    String uid = cluster.getMetadata().getUid();
    Answer answer = uid == null ? null : answers.get(uid);
    return answer != null && isNewer(answer.cluster(), cluster) ? answer.cluster() : cluster;
  }

  /**
   * Keeps the API server's answer to a status write, unless a newer one is kept already, and
   * forgets answers older than {@link #MAX_AGE} (those of deleted clusters).
   */
  void remember(OpenMLDBCluster answer) {
    if (answer == null || answer.getMetadata().getUid() == null) {
      return;
    }
    long now = nanoTime.getAsLong();
    answers.merge(answer.getMetadata().getUid(), new Answer(answer, now),
        (kept, latest) -> isNewer(kept.cluster(), latest.cluster()) ? kept : latest);
    answers.values().removeIf(a -> now - a.keptAtNanos() > MAX_AGE.toNanos());
  }

  /** Answers kept (for tests). */
  int kept() {
    return answers.size();
  }

  /**
   * The cluster by name and namespace only, without a spec: what a status patch is sent through
   * (it must not carry or clobber the spec, and, given only a name, Fabric8 would first GET the
   * resource to learn it).
   */
  static OpenMLDBCluster reference(OpenMLDBCluster cluster) {
    OpenMLDBCluster ref = new OpenMLDBCluster();
    ref.setMetadata(new ObjectMetaBuilder().withName(cluster.getMetadata().getName())
        .withNamespace(cluster.getMetadata().getNamespace()).build());
    ref.setSpec(null);
    return ref;
  }

  /**
   * Whether {@code a} is a later version of the resource than {@code b}: resource versions
   * compared as numbers, as etcd issues them; one that is not a number is never newer.
   */
  private static boolean isNewer(OpenMLDBCluster a, OpenMLDBCluster b) {
    OptionalLong va = version(a);
    OptionalLong vb = version(b);
    return va.isPresent() && vb.isPresent() && va.getAsLong() > vb.getAsLong();
  }

  private static OptionalLong version(OpenMLDBCluster c) {
    String v = c.getMetadata().getResourceVersion();
    try {
      return v == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
