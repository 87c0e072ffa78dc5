package ai.openmldb.operator.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OpenMLDB gflags file ({@code --endpoint=host:port} a line, {@code --use_name} for a true
 * boolean, {@code #} comments), parsed as the process would read it after the shell expanded
 * {@code ${POD_NAME}}-style variables.
 */
final class FlagsFile {
  private FlagsFile() {}

  /** Flag name (no dashes) to value, later lines winning. */
  static Map<String, String> parse(String text, Map<String, String> variables) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String raw : text.split("\\R")) {
      putFlag(flags, raw, variables);
    }
    return flags;
  }

  /**
   * A Java properties file (the taskmanager's {@code taskmanager.properties}), with its ZooKeeper
   * and address keys also given under the gflags names the other components use ({@code
   * zk_cluster}, {@code zk_root_path}, {@code zk_session_timeout}, {@code endpoint}).
   */
  static Map<String, String> parseProperties(String text, Map<String, String> variables) {
    Map<String, String> props = new LinkedHashMap<>();
    for (String raw : text.split("\\R")) {
      String line = raw.strip();
      int eq = line.indexOf('=');
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!") || eq <= 0) {
        continue;
      }
      props.put(line.substring(0, eq).strip(), substitute(line.substring(eq + 1).strip(), variables));
    }
    Map<String, String> flags = new LinkedHashMap<>(props);
    alias(props, flags, "zookeeper.cluster", "zk_cluster");
    alias(props, flags, "zookeeper.root_path", "zk_root_path");
    alias(props, flags, "zookeeper.session_timeout", "zk_session_timeout");
    if (props.containsKey("server.host") && props.containsKey("server.port")) {
      flags.putIfAbsent("endpoint", props.get("server.host") + ":" + props.get("server.port"));
    }
    return flags;
  }

  private static void alias(Map<String, String> from, Map<String, String> to, String key,
      String flag) {
    if (from.containsKey(key)) {
      to.putIfAbsent(flag, from.get(key));
    }
  }

  /** Adds one {@code --name=value} line of a flags file; anything else is ignored. */
  static void putFlag(Map<String, String> flags, String raw, Map<String, String> variables) {
    String line = raw.strip();
    if (line.isEmpty() || line.startsWith("#") || !line.startsWith("-")) {
      return;
    }
    line = line.replaceFirst("^-+", "");
    int eq = line.indexOf('=');
    String name = eq < 0 ? line : line.substring(0, eq).strip();
    String value = eq < 0 ? "true" : substitute(line.substring(eq + 1).strip(), variables);
    if (!name.isEmpty()) {
      flags.put(name, value);
    }
  }

  /** Expands {@code ${VAR}} and Kubernetes' {@code $(VAR)}. */
  static String substitute(String value, Map<String, String> variables) {
    String out = value;
    for (Map.Entry<String, String> v : variables.entrySet()) {
      out = out.replace("${" + v.getKey() + "}", v.getValue())
          .replace("$(" + v.getKey() + ")", v.getValue());
    }
    return out;
  }
}
