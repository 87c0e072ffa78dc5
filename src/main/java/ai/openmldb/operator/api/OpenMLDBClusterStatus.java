package ai.openmldb.operator.api;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of an OpenMLDB cluster, written only by the operator. */
public class OpenMLDBClusterStatus {
  /** The metadata.generation this status describes. */
  private Long observedGeneration;

  /** Pending, Running, Upgrading, Paused, Halted or Invalid. */
  private String phase;

  /** Version every pod runs, once none is left on another one. */
  private String currentVersion;

  /** Version the operator is rolling to (spec.version). */
  private String targetVersion;

  /** Ready pods of all components, e.g. '9/9'. */
  private String ready;

  /** Endpoint of the nameserver that holds the ZooKeeper lock. */
  private String nameserverLeader;

  /** Ready, Progressing, Degraded and Paused. */
  private List<Condition> conditions = new ArrayList<>();

  /** Nameserver pods. */
  private ComponentStatus nameserver;

  /** Tablet pods. */
  private ComponentStatus tablet;

  /** API server pods. */
  private ComponentStatus apiserver;

  /** Task manager pods. */
  private ComponentStatus taskmanager;

  /** The roll in progress or the last one. */
  private UpgradeStatus upgrade;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public String getCurrentVersion() {
    return currentVersion;
  }

  public void setCurrentVersion(String currentVersion) {
    this.currentVersion = currentVersion;
  }

  public String getTargetVersion() {
    return targetVersion;
  }

  public void setTargetVersion(String targetVersion) {
    this.targetVersion = targetVersion;
  }

  public String getReady() {
    return ready;
  }

  public void setReady(String ready) {
    this.ready = ready;
  }

  public String getNameserverLeader() {
    return nameserverLeader;
  }

  public void setNameserverLeader(String nameserverLeader) {
    this.nameserverLeader = nameserverLeader;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ComponentStatus getNameserver() {
    return nameserver;
  }

  public void setNameserver(ComponentStatus nameserver) {
    this.nameserver = nameserver;
  }

  public ComponentStatus getTablet() {
    return tablet;
  }

  public void setTablet(ComponentStatus tablet) {
    this.tablet = tablet;
  }

  public ComponentStatus getApiserver() {
    return apiserver;
  }

  public void setApiserver(ComponentStatus apiserver) {
    this.apiserver = apiserver;
  }

  public ComponentStatus getTaskmanager() {
    return taskmanager;
  }

  public void setTaskmanager(ComponentStatus taskmanager) {
    this.taskmanager = taskmanager;
  }

  public UpgradeStatus getUpgrade() {
    return upgrade;
  }

  public void setUpgrade(UpgradeStatus upgrade) {
    this.upgrade = upgrade;
  }

  /** The counts of one component. */
  public ComponentStatus component(Component component) {
    return switch (component) {
      case NAMESERVER -> nameserver;
      case TABLET -> tablet;
      case APISERVER -> apiserver;
      case TASKMANAGER -> taskmanager;
    };
  }

  /** Sets the counts of one component. */
  public void setComponent(Component component, ComponentStatus status) {
    switch (component) {
      case NAMESERVER -> nameserver = status;
      case TABLET -> tablet = status;
      case APISERVER -> apiserver = status;
      case TASKMANAGER -> taskmanager = status;
    }
  }
}
