package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.ConditionType;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterStatus;
import ai.openmldb.operator.api.UpgradeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Follows the cluster's status through an informer (every status write the operator makes, not a
 * sample of them): prints phase changes and the roll's position live, and times each step of
 * {@code status.upgrade} for the summary.
 */
final class RollRecorder implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final SandboxPrinter printer;
  private final LongSupplier acknowledgedWrites;
  private final List<RollStep> steps = new ArrayList<>();
  private final Set<String> degraded = new LinkedHashSet<>();
  private volatile StepListener stepListener = (component, pod, step) -> { };
  private SharedIndexInformer<OpenMLDBCluster> informer;
  private volatile OpenMLDBCluster latest;
  private boolean recording;
  private String phase;
  private String openKey;
  private String openComponent;
  private String openPod;
  private String openStep;
  private double openSince;

  RollRecorder(KubernetesClient client, String namespace, String name, SandboxPrinter printer,
      LongSupplier acknowledgedWrites) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.printer = printer;
    this.acknowledgedWrites = acknowledgedWrites;
  }

  /** Told of every step boundary while recording: a new pod or step in {@code status.upgrade}. */
  interface StepListener {
    void stepStarted(String component, String pod, String step);
  }

  /**
   * Called on the informer's thread as soon as a boundary is seen, before later status writes are
   * delivered: what it does (the chaos restarting the operator) happens at that boundary.
   */
  RollRecorder onStep(StepListener listener) {
    this.stepListener = listener;
    return this;
  }

  RollRecorder start() {
    informer = client.resources(OpenMLDBCluster.class).inNamespace(namespace).withName(name)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(OpenMLDBCluster obj) {
            observe(obj);
          }

          @Override
          public void onUpdate(OpenMLDBCluster oldObj, OpenMLDBCluster newObj) {
            observe(newObj);
          }

          @Override
          public void onDelete(OpenMLDBCluster obj, boolean deletedFinalStateUnknown) {
            // the sandbox never deletes its cluster
          }
        }, 0);
    return this;
  }

  /** The newest version of the cluster seen. */
  OpenMLDBCluster latest() {
    OpenMLDBCluster fromApi = client.resources(OpenMLDBCluster.class).inNamespace(namespace)
        .withName(name).get();
    return fromApi != null ? fromApi : latest;
  }

  /** From now on steps of {@code status.upgrade} are timed. */
  synchronized void startRecording() {
    recording = true;
    openKey = null;
    OpenMLDBCluster c = latest;
    if (c != null) {
      observe(c);
    }
  }

  private synchronized void observe(OpenMLDBCluster cluster) {
    latest = cluster;
    OpenMLDBClusterStatus status = cluster.getStatus();
    if (status == null) {
      return;
    }
    if (!Objects.equals(phase, status.getPhase())) {
      printer.line("cluster %s phase %s -> %s (ready %s, version %s)", name,
          phase == null ? "-" : phase, status.getPhase(), status.getReady(),
          status.getCurrentVersion());
      phase = status.getPhase();
    }
    if (!recording) {
      return;
    }
    if (status.getConditions() != null) {
      status.getConditions().stream()
          .filter(c -> ConditionType.DEGRADED.equals(c.getType()) && "True".equals(c.getStatus()))
          .forEach(c -> degraded.add(c.getReason() + ": " + c.getMessage()));
    }
    UpgradeStatus u = status.getUpgrade();
    printer.upgrade(u, acknowledgedWrites.getAsLong());
    String key = u == null || u.getStep() == null || u.getStep().isEmpty() ? null
        : u.getComponent() + "/" + u.getPod() + "/" + u.getStep();
    if (Objects.equals(key, openKey)) {
      return;
    }
    closeOpenStep();
    if (key != null) {
      openKey = key;
      openComponent = u.getComponent();
      openPod = u.getPod();
      openStep = u.getStep();
      openSince = printer.elapsedSeconds();
      stepListener.stepStarted(openComponent, openPod, openStep);
    }
  }

  private void closeOpenStep() {
    if (openKey != null) {
      steps.add(new RollStep(openComponent, openPod, openStep,
          Math.round((printer.elapsedSeconds() - openSince) * 1000) / 1000.0));
      openKey = null;
    }
  }

  /** Ends the step in progress (the roll is over). */
  synchronized void finish() {
    recording = false;
    closeOpenStep();
  }

  /** Every distinct {@code Degraded=True} condition seen while recording, as reason: message. */
  synchronized List<String> degradedConditions() {
    return List.copyOf(degraded);
  }

  synchronized List<RollStep> steps() {
    return List.copyOf(steps);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
