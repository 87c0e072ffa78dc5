package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The tablets: a component with persistent storage for its binlogs and snapshots. */
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
