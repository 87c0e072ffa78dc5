package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The desired OpenMLDB cluster. Changing {@code version} rolls the cluster to it. */
@ValidationRule(
    value = "!has(self.nameserver.replicas) || self.nameserver.replicas >= 1",
    message = "spec.nameserver.replicas must be at least 1",
    fieldPath = ".nameserver.replicas")
@ValidationRule(
    value = "!has(self.tablet.replicas) || self.tablet.replicas >= 1",
    message = "spec.tablet.replicas must be at least 1",
    fieldPath = ".tablet.replicas")
// A roll to an older minor/major version is not supported by OpenMLDB's storage format in general:
// refuse it at admission unless the user says they know (spec.upgrade.allowDowngrade). Only the
// major and minor numbers are compared; patch downgrades are allowed.
@ValidationRule(
    value = "(has(self.upgrade) && has(self.upgrade.allowDowngrade) && self.upgrade.allowDowngrade)"
        + " || int(self.version.split('.')[0]) > int(oldSelf.version.split('.')[0])"
        + " || (int(self.version.split('.')[0]) == int(oldSelf.version.split('.')[0])"
        + " && int(self.version.split('.')[1]) >= int(oldSelf.version.split('.')[1]))",
    message = "spec.version: downgrading to an older minor or major version is refused;"
        + " set it back, or set spec.upgrade.allowDowngrade: true if you really mean it",
    fieldPath = ".version",
    reason = "FieldValueForbidden")
public class OpenMLDBClusterSpec {
  /** Semantic version like 0.8.5 or 0.9.3-rc1; also the image tag. */
  public static final String VERSION_PATTERN = "^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$";

  @JsonPropertyDescription("OpenMLDB version (also the image tag). Changing it rolls the cluster.")
  @Required
  @Pattern(VERSION_PATTERN)
  @Size(max = 64)
  private String version;

  @JsonPropertyDescription("Image repository and pull settings.")
  private ImageSpec image = new ImageSpec();

  @JsonPropertyDescription("ZooKeeper connection.")
  @Required
  private ZooKeeperSpec zookeeper;

  @JsonPropertyDescription("Nameservers (one leader elected in ZooKeeper, the others stand by).")
  @Required
  private ComponentSpec nameserver = new ComponentSpec(2);

  @JsonPropertyDescription("Tablets (hold the partition replicas).")
  @Required
  private TabletSpec tablet = new TabletSpec(3);

  @JsonPropertyDescription("API servers (HTTP front end); 0 for none.")
  private ComponentSpec apiserver = new ComponentSpec(1);

  @JsonPropertyDescription("Task managers (offline jobs); 0 for none.")
  private ComponentSpec taskmanager = new ComponentSpec(0);

  @JsonPropertyDescription("How version changes are rolled.")
  private UpgradeSpec upgrade = new UpgradeSpec();

  /** Fields the deserializer could not read (see {@link LenientSpecDeserializer}); never sent. */
  @JsonIgnore private List<SpecProblem> parseProblems = List.of();

  @JsonIgnore
  public List<SpecProblem> getParseProblems() {
    return parseProblems;
  }

  @JsonIgnore
  public void setParseProblems(List<SpecProblem> parseProblems) {
    this.parseProblems = List.copyOf(parseProblems);
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public ImageSpec getImage() {
    return image;
  }

  public void setImage(ImageSpec image) {
    this.image = image;
  }

  public ZooKeeperSpec getZookeeper() {
    return zookeeper;
  }

  public void setZookeeper(ZooKeeperSpec zookeeper) {
    this.zookeeper = zookeeper;
  }

  public ComponentSpec getNameserver() {
    return nameserver;
  }

  public void setNameserver(ComponentSpec nameserver) {
    this.nameserver = nameserver;
  }

  public TabletSpec getTablet() {
    return tablet;
  }

  public void setTablet(TabletSpec tablet) {
    this.tablet = tablet;
  }

  public ComponentSpec getApiserver() {
    return apiserver;
  }

  public void setApiserver(ComponentSpec apiserver) {
    this.apiserver = apiserver;
  }

  public ComponentSpec getTaskmanager() {
    return taskmanager;
  }

  public void setTaskmanager(ComponentSpec taskmanager) {
    this.taskmanager = taskmanager;
  }

  public UpgradeSpec getUpgrade() {
    return upgrade;
  }

  public void setUpgrade(UpgradeSpec upgrade) {
    this.upgrade = upgrade;
  }

  /** The block of one component (never null once defaults are applied). */
  public ComponentSpec component(Component component) {
    return switch (component) {
      case NAMESERVER -> nameserver;
      case TABLET -> tablet;
      case APISERVER -> apiserver;
      case TASKMANAGER -> taskmanager;
    };
  }

  /** Replicas of a component, its default when the block or the field is left out. */
  public int replicas(Component component) {
    ComponentSpec spec = component(component);
    if (spec != null && spec.getReplicas() != null) {
      return spec.getReplicas();
    }
    return switch (component) {
      case NAMESERVER -> 2;
      case TABLET -> 3;
      case APISERVER -> 1;
      case TASKMANAGER -> 0;
    };
  }
}
