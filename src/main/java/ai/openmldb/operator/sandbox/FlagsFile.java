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

  /** Adds one {@code --name=value} token; anything else is ignored. */
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
