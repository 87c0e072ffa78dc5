package ai.openmldb.operator.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** An OpenMLDB cluster: its version, ZooKeeper connection and four components. */
@Group(OpenMLDBCluster.GROUP)
@Version(OpenMLDBCluster.VERSION)
@Kind("OpenMLDBCluster")
@Plural("openmldbclusters")
@Singular("openmldbcluster")
@ShortNames("omc")
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Current", jsonPath = ".status.currentVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.upgrade.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
// Workload names are <cluster>-taskmanager (StatefulSet, Service): a StatefulSet's pods carry the
// label controller-revision-hash=<statefulset>-<10 chars>, which must fit in 63 characters.
@ValidationRule(
    value = "self.metadata.name.size() <= " + OpenMLDBCluster.MAX_NAME_LENGTH,
    message = "metadata.name: at most 40 characters (the StatefulSet and Service names derive from it)")
public class OpenMLDBCluster extends CustomResource<OpenMLDBClusterSpec, OpenMLDBClusterStatus>
    implements Namespaced {
  public static final String GROUP = "openmldb.ai";
  public static final String VERSION = "v1alpha1";
  /** 63 - len("-taskmanager") - len("-") - 10 (revision hash). */
  public static final int MAX_NAME_LENGTH = 40;

  // No initStatus() override: status stays null until the operator writes it. JOSDK's status
  // patch is a JSON Patch diff against the cached object, and a non-null initial status breaks it.

  /** Reads the spec leniently so one malformed resource never stops the informer. */
  @Override
  @JsonDeserialize(using = LenientSpecDeserializer.class)
  public void setSpec(OpenMLDBClusterSpec spec) {
    super.setSpec(spec);
  }

  /** namespace/name, for logs and messages. */
  public String key() {
    return getMetadata().getNamespace() + "/" + getMetadata().getName();
  }
}
