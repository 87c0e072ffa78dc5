package ai.openmldb.operator.k8s;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.ImageSpec;
import ai.openmldb.operator.api.Labels;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterSpec;
import ai.openmldb.operator.api.StorageSpec;
import ai.openmldb.operator.api.TabletSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the desired workloads of a cluster from its (validated) spec. Pure: no API calls.
 *
 * <p>Each pod runs a small shell prelude that copies its flags file from the ConfigMap mount,
 * replacing {@code ${POD_NAME}} with its own name, then execs OpenMLDB in the foreground.
 */
public final class WorkloadFactory {
  /** Where the flags ConfigMap is mounted. */
  public static final String FLAGS_DIR = "/etc/openmldb";
  /** OpenMLDB's install directory in the official images. */
  public static final String OPENMLDB_HOME = "/work/openmldb";
  /** The container's name in every pod (the first and only container). */
  public static final String CONTAINER = "openmldb";

  private WorkloadFactory() {}

  /** The four components' workloads, in upgrade order. */
  public static Map<Component, DesiredWorkload> desired(OpenMLDBCluster cluster) {
    Map<Component, DesiredWorkload> all = new EnumMap<>(Component.class);
    for (Component c : Component.UPGRADE_ORDER) {
      all.put(c, desired(cluster, c));
    }
    return all;
  }

  /** One component's workload. */
  public static DesiredWorkload desired(OpenMLDBCluster cluster, Component component) {
    String name = cluster.getMetadata().getName();
    String ns = cluster.getMetadata().getNamespace();
    OpenMLDBClusterSpec spec = cluster.getSpec();
    String flagsFile = FlagsFile.render(name, ns, component, spec);
    ConfigMap flags = new ConfigMapBuilder()
        .withMetadata(meta(cluster, WorkloadNames.flagsConfigMap(name, component), component))
        .withData(new TreeMap<>(Map.of(FlagsFile.fileName(component), flagsFile)))
        .build();
    Service service = new ServiceBuilder()
        .withMetadata(meta(cluster, WorkloadNames.service(name, component), component))
        .withNewSpec()
        .withClusterIP("None")
        // OpenMLDB processes resolve each other before they are ready (registration, replication)
        .withPublishNotReadyAddresses(true)
        .withSelector(new TreeMap<>(Labels.selector(name, component)))
        .addNewPort().withName("rpc").withPort(component.port()).withProtocol("TCP")
        .withNewTargetPort(component.port()).endPort()
        .endSpec()
        .build();
    PodTemplateSpec template = podTemplate(cluster, component, null);
    String revision = PodRevision.of(template, flagsFile);
    template = podTemplate(cluster, component, revision);
    StatefulSetBuilder sts = new StatefulSetBuilder()
        .withMetadata(meta(cluster, WorkloadNames.statefulSet(name, component), component))
        .withNewSpec()
        .withReplicas(spec.replicas(component))
        .withServiceName(WorkloadNames.service(name, component))
        .withNewSelector().withMatchLabels(new TreeMap<>(Labels.selector(name, component)))
        .endSelector()
        .withPodManagementPolicy("Parallel")
        // Kubernetes never restarts a pod by itself: the operator decides when (and moves the
        // tablet's partition leaders away first)
        .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
        .withTemplate(template)
        .endSpec();
    StorageSpec storage = storage(spec, component);
    if (storage != null) {
      sts.editSpec().withVolumeClaimTemplates(claim(storage)).endSpec();
    }
    return new DesiredWorkload(component, flags, service, sts.build(), revision);
  }

  private static StorageSpec storage(OpenMLDBClusterSpec spec, Component component) {
    TabletSpec tablet = spec.getTablet();
    return component == Component.TABLET && tablet != null ? tablet.getStorage() : null;
  }

  private static PersistentVolumeClaim claim(StorageSpec storage) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("data").endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(blankToNull(storage.getStorageClassName()))
        .withNewResources().addToRequests("storage", new Quantity(storage.getSize())).endResources()
        .endSpec()
        .build();
  }

  private static PodTemplateSpec podTemplate(OpenMLDBCluster cluster, Component component,
      String revision) {
    String name = cluster.getMetadata().getName();
    OpenMLDBClusterSpec spec = cluster.getSpec();
    ImageSpec image = spec.getImage() == null ? new ImageSpec() : spec.getImage();
    Map<String, String> labels = new TreeMap<>(Labels.forComponent(name, component));
    labels.put(Labels.VERSION, spec.getVersion());
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("flags").withNewConfigMap()
        .withName(WorkloadNames.flagsConfigMap(name, component)).endConfigMap().build());
    mounts.add(new VolumeMountBuilder().withName("flags").withMountPath(FLAGS_DIR)
        .withReadOnly(true).build());
    if (component == Component.TABLET) {
      if (storage(spec, component) == null) {
        volumes.add(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build());
      }
      mounts.add(new VolumeMountBuilder().withName("data")
          .withMountPath(FlagsFile.TABLET_DATA_DIR).build());
    }
    Container container = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image.getRepository() + ":" + spec.getVersion())
        .withImagePullPolicy(image.getPullPolicy())
        .withCommand("/bin/bash", "-c", startScript(component))
        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
        .withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
        .addNewPort().withName("rpc").withContainerPort(component.port()).withProtocol("TCP")
        .endPort()
        .withNewReadinessProbe().withNewTcpSocket().withNewPort(component.port()).endTcpSocket()
        .withPeriodSeconds(5).endReadinessProbe()
        .withResources(spec.component(component) == null ? null
            : spec.component(component).getResources())
        .withVolumeMounts(mounts)
        .build();
    ObjectMetaBuilder meta = new ObjectMetaBuilder().withLabels(labels);
    if (revision != null) {
      meta.withAnnotations(new TreeMap<>(Map.of(Labels.REVISION_ANNOTATION, revision)));
    }
    List<LocalObjectReference> pullSecrets = image.getPullSecrets() == null ? List.of()
        : image.getPullSecrets().stream().map(LocalObjectReference::new).toList();
    return new PodTemplateSpecBuilder()
        .withMetadata(meta.build())
        .withNewSpec()
        .withContainers(container)
        .withVolumes(volumes)
        .withImagePullSecrets(pullSecrets)
        .endSpec()
        .build();
  }

  /** Copies the flags file with the pod name filled in, then runs the component in the foreground. */
  static String startScript(Component component) {
    String file = FlagsFile.fileName(component);
    if (component == Component.TASKMANAGER) {
      String conf = OPENMLDB_HOME + "/taskmanager/conf/" + file;
      return "sed \"s/\\${POD_NAME}/${POD_NAME}/g\" " + FLAGS_DIR + "/" + file + " > " + conf
          + " && cd " + OPENMLDB_HOME + "/taskmanager/bin && exec ./taskmanager.sh";
    }
    String conf = OPENMLDB_HOME + "/conf/" + file;
    return "sed \"s/\\${POD_NAME}/${POD_NAME}/g\" " + FLAGS_DIR + "/" + file + " > " + conf
        + " && cd " + OPENMLDB_HOME + " && exec ./bin/openmldb --flagfile=" + conf + " --role="
        + component.id();
  }

  private static ObjectMeta meta(OpenMLDBCluster cluster, String name, Component component) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(new TreeMap<>(Labels.forComponent(cluster.getMetadata().getName(), component)))
        .withOwnerReferences(ownerReference(cluster))
        .build();
  }

  /** Controller reference to the cluster: Kubernetes garbage-collects the workloads with it. */
  public static OwnerReference ownerReference(OpenMLDBCluster cluster) {
    return new OwnerReferenceBuilder()
        .withApiVersion(cluster.getApiVersion())
        .withKind(cluster.getKind())
        .withName(cluster.getMetadata().getName())
        .withUid(cluster.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
