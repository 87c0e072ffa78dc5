package ai.openmldb.operator.api;

import java.util.List;

/** The four OpenMLDB components, in the order the official upgrade procedure rolls them. */
public enum Component {
  NAMESERVER("nameserver", 7527),
  TABLET("tablet", 10921),
  APISERVER("apiserver", 9080),
  TASKMANAGER("taskmanager", 9902);

  /** Official upgrade order: nameservers, tablets, apiservers, taskmanagers. */
  public static final List<Component> UPGRADE_ORDER = List.of(values());

  private final String id;
  private final int port;

  Component(String id, int port) {
    this.id = id;
    this.port = port;
  }

  /** Lower-case name used in resource names, labels and flags files. */
  public String id() {
    return id;
  }

  /** OpenMLDB's default port for this component. */
  public int port() {
    return port;
  }

  public static Component fromId(String id) {
    for (Component c : values()) {
      if (c.id.equals(id)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown component: " + id);
  }
}
