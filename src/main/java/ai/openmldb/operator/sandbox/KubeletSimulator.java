package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.sandbox.PodLifecycleEvent.Type;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet of the sandbox: after the start delay it "starts the container" of each pod (for
 * OpenMLDB pods: {@link PodProcessRuntime#start} with the flags from the pod's flags ConfigMap),
 * keeps the pod's Ready condition equal to {@link PodProcessRuntime#ready}, and stops the
 * process when the pod is deleted. It never restarts a container by itself.
 *
 * <p>Not thread-safe: the {@link StatefulSetSimulator} calls it from its single worker thread.
 */
final class KubeletSimulator {
  private static final Logger LOG = LoggerFactory.getLogger(KubeletSimulator.class);

  /** What the kubelet knows about one pod incarnation (keyed by uid). */
  private static final class PodLife {
    final String uid;
    final String namespace;
    final String name;
    final Instant created;
    boolean containerStarted;
    boolean processStarted;
    boolean stuck;
    Boolean lastReady;
    String waitingReason;

    PodLife(String uid, String namespace, String name, Instant created) {
      this.uid = uid;
      this.namespace = namespace;
      this.name = name;
      this.created = created;
    }
  }

  private final KubernetesClient client;
  private final PodProcessRuntime runtime;
  private final Clock clock;
  private final Map<String, PodLife> pods = new HashMap<>();
  private final List<NeverReadyRule> neverReady = new CopyOnWriteArrayList<>();
  private final Consumer<PodLifecycleEvent> listener;
  private final AtomicInteger nextIp = new AtomicInteger(10);
  private final Map<String, String> processOwner = new ConcurrentHashMap<>();
  private volatile SimulatorSettings settings;

  KubeletSimulator(KubernetesClient client, PodProcessRuntime runtime, SimulatorSettings settings,
      Clock clock, Consumer<PodLifecycleEvent> listener) {
    this.client = client;
    this.runtime = runtime;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
  }

  void setSettings(SimulatorSettings settings) {
    this.settings = settings;
  }

  void addNeverReady(NeverReadyRule rule) {
    neverReady.add(rule);
  }

  void clearNeverReady() {
    neverReady.clear();
  }

  /** One pass over every pod the informer knows: stops first, then starts, then readiness. */
  void sync(Collection<Pod> current) {
    Set<String> live = new HashSet<>();
    for (Pod pod : current) {
      if (pod.getMetadata().getDeletionTimestamp() == null) {
        live.add(pod.getMetadata().getUid());
      }
    }
    // Deleted pods first: a pod re-created under the same name must find its predecessor stopped.
    for (PodLife life : new ArrayList<>(pods.values())) {
      if (!live.contains(life.uid)) {
        pods.remove(life.uid);
        stopProcess(life);
        emit(Type.DELETED, life, "");
      }
    }
    for (Pod pod : current) {
      if (pod.getMetadata().getDeletionTimestamp() == null) {
        syncPod(pod);
      }
    }
  }

  /** Stops every process (the sandbox is shutting down). */
  void stopAll() {
    for (PodLife life : pods.values()) {
      stopProcess(life);
    }
    pods.clear();
  }

  private void stopProcess(PodLife life) {
    String key = life.namespace + "/" + life.name;
    if (life.processStarted && life.uid.equals(processOwner.get(key))) {
      processOwner.remove(key);
      try {
        runtime.stop(life.namespace, life.name);
      } catch (RuntimeException e) {
        LOG.warn("stopping the process of pod {} failed: {}", key, e.toString());
      }
    }
    life.processStarted = false;
  }

  private void syncPod(Pod pod) {
    String uid = pod.getMetadata().getUid();
    PodLife life = pods.get(uid);
    Instant now = clock.instant();
    if (life == null) {
      life = new PodLife(uid, pod.getMetadata().getNamespace(), pod.getMetadata().getName(), now);
      pods.put(uid, life);
      writeStatus(life, false, "ContainerCreating", "");
      return;
    }
    if (!life.containerStarted) {
      if (now.isBefore(life.created.plus(settings.podStartDelay()))) {
        return;
      }
      startContainer(pod, life);
      return;
    }
    if (life.stuck) {
      return;
    }
    boolean ready = !life.processStarted || runtime.ready(life.namespace, life.name);
    if (!Boolean.valueOf(ready).equals(life.lastReady)) {
      writeStatus(life, ready, null, "");
      emit(ready ? Type.READY : Type.NOT_READY, life, "");
    }
  }

  private void startContainer(Pod pod, PodLife life) {
    Container container = pod.getSpec().getContainers().isEmpty()
        ? new Container() : pod.getSpec().getContainers().get(0);
    String image = container.getImage();
    for (NeverReadyRule rule : neverReady) {
      if (rule.matches(life.name, image)) {
        life.containerStarted = true;
        life.stuck = true;
        writeStatus(life, false, "ImagePullBackOff",
            "Back-off pulling image \"" + image + "\" (sandbox chaos: this pod never starts)");
        emit(Type.STUCK, life, image);
        return;
      }
    }
    Component component = componentOf(pod);
    if (component != null) {
      Map<String, String> flags;
      try {
        flags = flags(pod, container, component);
      } catch (MissingConfigMapException e) {
        if (!"ContainerCreating".equals(life.waitingReason)) {
          writeStatus(life, false, "ContainerCreating", e.getMessage());
        }
        return;
      }
      String key = life.namespace + "/" + life.name;
      String previous = processOwner.get(key);
      if (previous != null && !previous.equals(life.uid)) {
        PodLife old = pods.get(previous);
        if (old != null) {
          stopProcess(old);
        } else {
          runtime.stop(life.namespace, life.name);
          processOwner.remove(key);
        }
      }
      try {
        runtime.start(new PodProcessSpec(life.namespace, life.name, component, image, flags));
      } catch (RuntimeException e) {
        LOG.warn("starting the process of pod {} failed: {}", key, e.toString());
        writeStatus(life, false, "CrashLoopBackOff", e.getMessage());
        return;
      }
      processOwner.put(key, life.uid);
      life.processStarted = true;
    }
    life.containerStarted = true;
    writeStatus(life, false, null, "");
    emit(Type.STARTED, life, image == null ? "" : image);
  }

  private static Component componentOf(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String id = labels == null ? null : labels.get(Labels.COMPONENT);
    if (id == null) {
      return null;
    }
    try {
      return Component.fromId(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Flags as the process would see them: the ConfigMap's flags file(s), then container args. */
  private Map<String, String> flags(Pod pod, Container container, Component component) {
    Map<String, String> variables = variables(pod, container);
    String cmName = flagsConfigMapName(pod, component);
    ConfigMap cm = client.configMaps().inNamespace(pod.getMetadata().getNamespace())
        .withName(cmName).get();
    if (cm == null) {
      throw new MissingConfigMapException(
          "MountVolume.SetUp failed: configmap \"" + cmName + "\" not found");
    }
    Map<String, String> flags = new LinkedHashMap<>();
    Map<String, String> data = cm.getData() == null ? Map.of() : new TreeMap<>(cm.getData());
    data.forEach((key, text) -> flags.putAll(key.endsWith(".properties")
        ? FlagsFile.parseProperties(text, variables) : FlagsFile.parse(text, variables)));
    List<String> tokens = new ArrayList<>();
    if (container.getCommand() != null) {
      tokens.addAll(container.getCommand());
    }
    if (container.getArgs() != null) {
      tokens.addAll(container.getArgs());
    }
    // Only "--name=value" tokens: "-c" of "bash -c <script>" is not an OpenMLDB flag.
    tokens.stream().filter(t -> t.startsWith("--"))
        .forEach(t -> FlagsFile.putFlag(flags, t, variables));
    return flags;
  }

  private static String flagsConfigMapName(Pod pod, Component component) {
    if (pod.getSpec().getVolumes() != null) {
      for (Volume v : pod.getSpec().getVolumes()) {
        if (v.getConfigMap() != null && v.getConfigMap().getName() != null
            && v.getConfigMap().getName().endsWith("-flags")) {
          return v.getConfigMap().getName();
        }
      }
    }
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels.getOrDefault(Labels.INSTANCE, "openmldb") + "-" + component.id() + "-flags";
  }

  private static Map<String, String> variables(Pod pod, Container container) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("POD_NAME", pod.getMetadata().getName());
    vars.put("POD_NAMESPACE", pod.getMetadata().getNamespace());
    vars.put("HOSTNAME", pod.getMetadata().getName());
    if (container.getEnv() != null) {
      for (EnvVar env : container.getEnv()) {
        if (env.getValue() != null) {
          vars.put(env.getName(), env.getValue());
        } else if (env.getValueFrom() != null && env.getValueFrom().getFieldRef() != null) {
          String field = env.getValueFrom().getFieldRef().getFieldPath();
          if ("metadata.name".equals(field)) {
            vars.put(env.getName(), pod.getMetadata().getName());
          } else if ("metadata.namespace".equals(field)) {
            vars.put(env.getName(), pod.getMetadata().getNamespace());
          }
        }
      }
    }
    return vars;
  }

  /** Writes the pod's status: phase, container state and the Ready/ContainersReady conditions. */
  private void writeStatus(PodLife life, boolean ready, String waitingReason, String message) {
    life.waitingReason = waitingReason;
    String ip = "10.244.0." + (nextIp.getAndIncrement() % 250 + 2);
    try {
      client.pods().inNamespace(life.namespace).withName(life.name).editStatus(p -> {
        if (!life.uid.equals(p.getMetadata().getUid())) {
          return p; // a newer pod took the name; its own pass will write its status
        }
        PodStatus status = p.getStatus() == null ? new PodStatus() : p.getStatus();
        String now = clock.instant().toString();
        boolean running = waitingReason == null;
        status.setPhase(running ? "Running" : "Pending");
        if (status.getStartTime() == null) {
          status.setStartTime(now);
        }
        status.setHostIP("10.0.0.1");
        if (running && status.getPodIP() == null) {
          status.setPodIP(ip);
        }
        String name = p.getSpec().getContainers().isEmpty()
            ? "main" : p.getSpec().getContainers().get(0).getName();
        String image = p.getSpec().getContainers().isEmpty()
            ? "" : p.getSpec().getContainers().get(0).getImage();
        ContainerStatusBuilder cs = new ContainerStatusBuilder().withName(name).withImage(image)
            .withReady(ready).withStarted(running).withRestartCount(0);
        if (running) {
          String startedAt = startedAt(status, now);
          cs.withNewState().withNewRunning().withStartedAt(startedAt).endRunning().endState();
        } else {
          cs.withNewState().withNewWaiting().withReason(waitingReason)
              .withMessage(message == null || message.isEmpty() ? null : message)
              .endWaiting().endState();
        }
        status.setContainerStatuses(List.of(cs.build()));
        String readyText = ready ? "True" : "False";
        status.setConditions(List.of(
            condition("Initialized", "True", status, now),
            condition("Ready", readyText, status, now),
            condition("ContainersReady", readyText, status, now),
            condition("PodScheduled", "True", status, now)));
        p.setStatus(status);
        return p;
      });
      life.lastReady = ready;
    } catch (KubernetesClientException e) {
      // Pod deleted meanwhile (404) or a conflict: the next pass sees the new state.
      life.lastReady = null;
      LOG.debug("pod {} status not written: {}", life.name, e.getMessage());
    }
  }

  private static String startedAt(PodStatus status, String now) {
    if (status.getContainerStatuses() != null) {
      for (ContainerStatus cs : status.getContainerStatuses()) {
        if (cs.getState() != null && cs.getState().getRunning() != null) {
          return cs.getState().getRunning().getStartedAt();
        }
      }
    }
    return now;
  }

  private static PodCondition condition(String type, String value, PodStatus status, String now) {
    String since = now;
    if (status.getConditions() != null) {
      for (PodCondition c : status.getConditions()) {
        if (c.getType().equals(type) && value.equals(c.getStatus())) {
          since = c.getLastTransitionTime();
        }
      }
    }
    return new PodConditionBuilder().withType(type).withStatus(value)
        .withLastTransitionTime(since).build();
  }

  private void emit(Type type, PodLife life, String detail) {
    if (listener != null) {
      try {
        listener.accept(new PodLifecycleEvent(type, life.namespace, life.name, detail));
      } catch (RuntimeException e) {
        LOG.warn("pod event listener failed: {}", e.toString());
      }
    }
  }

  private static final class MissingConfigMapException extends RuntimeException {
    MissingConfigMapException(String message) {
      super(message);
    }
  }
}
