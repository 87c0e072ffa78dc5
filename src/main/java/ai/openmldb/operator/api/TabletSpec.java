package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** The tablets: a component with persistent storage for its binlogs and snapshots. */
// A StatefulSet's volumeClaimTemplates cannot be changed: adding, removing or resizing the storage
// of an existing cluster would leave the operator unable to update the tablet StatefulSet.
@ValidationRule(
    value = "has(self.storage) == has(oldSelf.storage) && (!has(self.storage) || self.storage == oldSelf.storage)",
    message = "spec.tablet.storage cannot be added, removed or changed on an existing cluster; set it back",
    fieldPath = ".storage",
    reason = "FieldValueForbidden")
public class TabletSpec extends ComponentSpec {
  @JsonPropertyDescription("Persistent volume for the tablet's data; none means an emptyDir.")
  private StorageSpec storage;

  public TabletSpec() {}

  public TabletSpec(int replicas) {
    super(replicas);
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }
}
