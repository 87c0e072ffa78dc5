package ai.openmldb.operator.config;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds an {@link OperatorConfig} from, in increasing priority: the record's defaults, a
 * properties file, and {@code OPENMLDB_OPERATOR_<KEY>} environment variables.
 *
 * <p>Every record component is a key: {@code reconcileInterval} is {@code reconcile-interval} in
 * the file and {@code OPENMLDB_OPERATOR_RECONCILE_INTERVAL} in the environment. Keys are derived
 * from the record, so a component added to {@link OperatorConfig} is configurable at once (and
 * {@code OperatorPropertiesFileTest} asks for its line in {@code config/operator.properties}).
 * Everything is read once at startup.
 */
public final class OperatorConfigLoader {
  /** Prefix of the environment variables that override file values. */
  public static final String ENV_PREFIX = "OPENMLDB_OPERATOR_";
  /** Environment variable naming the properties file when {@code --config} is not given. */
  public static final String CONFIG_FILE_ENV = "OPENMLDB_OPERATOR_CONFIG";

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private OperatorConfigLoader() {}

  /** The process's configuration: the file from {@code configFile} or the environment, then env. */
  public static OperatorConfig load(Optional<Path> configFile) {
    return load(configFile, System.getenv());
  }

  /**
   * Loads with an explicit environment (tests pass a map). {@code configFile}, when empty, falls
   * back to {@value #CONFIG_FILE_ENV} in {@code env}; with neither, only defaults and env apply.
   */
  public static OperatorConfig load(Optional<Path> configFile, Map<String, String> env) {
    Map<String, Source> values = new LinkedHashMap<>();
    Optional<Path> file =
        configFile.or(() -> Optional.ofNullable(env.get(CONFIG_FILE_ENV))
            .filter(s -> !s.isBlank()).map(Path::of));
    file.ifPresent(f -> readFile(f, values));
    for (String key : keys()) {
      String value = env.get(envName(key));
      if (value != null) {
        // Unknown OPENMLDB_OPERATOR_* variables are ignored on purpose: Kubernetes injects
        // service links such as OPENMLDB_OPERATOR_PORT for a Service named openmldb-operator.
        values.put(key, new Source(value, "environment variable " + envName(key)));
      }
    }
    return build(values);
  }

  /** Keys in record order, e.g. {@code watch-namespaces}. */
  public static List<String> keys() {
    return Arrays.stream(OperatorConfig.class.getRecordComponents())
        .map(c -> key(c.getName()))
        .toList();
  }

  /** {@code reconcileInterval} → {@code reconcile-interval}. */
  public static String key(String componentName) {
    StringBuilder sb = new StringBuilder();
    for (char ch : componentName.toCharArray()) {
      if (Character.isUpperCase(ch)) {
        sb.append('-').append(Character.toLowerCase(ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  /** {@code reconcile-interval} → {@code OPENMLDB_OPERATOR_RECONCILE_INTERVAL}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /** The configuration as file values (durations as {@code 30s}, sets comma-separated). */
  public static Map<String, String> toProperties(OperatorConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    for (RecordComponent c : OperatorConfig.class.getRecordComponents()) {
      out.put(key(c.getName()), format(get(c, config)));
    }
    return out;
  }

  private static void readFile(Path file, Map<String, Source> values) {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    Set<String> known = Set.copyOf(keys());
    for (String name : new TreeSet<>(props.stringPropertyNames())) {
      if (!known.contains(name)) {
        throw new ConfigException("unknown key '" + name + "' in " + file + "; known keys: "
            + String.join(", ", keys()));
      }
      values.put(name, new Source(props.getProperty(name), file.toString()));
    }
  }

  private static OperatorConfig build(Map<String, Source> values) {
    OperatorConfig defaults = OperatorConfig.defaults();
    RecordComponent[] components = OperatorConfig.class.getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      String key = key(c.getName());
      Source s = values.get(key);
      args[i] = s == null ? get(c, defaults) : parse(c, key, s);
    }
    OperatorConfig config;
    try {
      config = OperatorConfig.class.getDeclaredConstructor(types).newInstance(args);
    } catch (InvocationTargetException e) {
      throw new ConfigException("invalid configuration: " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    validate(config, values);
    return config;
  }

  private static Object parse(RecordComponent c, String key, Source s) {
    String text = s.value().trim();
    Class<?> type = c.getType();
    try {
      if (type == Duration.class) {
        return DurationParser.parse(text);
      }
      if (type == boolean.class || type == Boolean.class) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException("'" + text + "' is not a boolean; use true or false");
      }
      if (type == int.class || type == Integer.class) {
        try {
          return Integer.parseInt(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' is not an integer");
        }
      }
      if (type == long.class || type == Long.class) {
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' is not an integer");
        }
      }
      if (type == String.class) {
        return text;
      }
      if (type == Set.class && isSetOfString(c.getGenericType())) {
        Set<String> set = new LinkedHashSet<>();
        for (String part : text.split(",")) {
          if (!part.isBlank()) {
            set.add(part.trim());
          }
        }
        return Set.copyOf(set);
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "invalid value for key '" + key + "' (from " + s.origin() + "): " + e.getMessage(), e);
    }
    throw new IllegalStateException("no parser for " + c.getGenericType() + " (key " + key + ")");
  }

  private static boolean isSetOfString(Type t) {
    return t instanceof ParameterizedType p
        && p.getActualTypeArguments().length == 1
        && p.getActualTypeArguments()[0] == String.class;
  }

  /** Rules that hold for every key of a type, plus the few key-specific ones. */
  private static void validate(OperatorConfig config, Map<String, Source> values) {
    List<String> problems = new ArrayList<>();
    for (RecordComponent c : OperatorConfig.class.getRecordComponents()) {
      String key = key(c.getName());
      Object v = get(c, config);
      String origin = Optional.ofNullable(values.get(key)).map(s -> " (from " + s.origin() + ")")
          .orElse("");
      if (v instanceof Duration d && (d.isNegative() || d.isZero())) {
        problems.add("key '" + key + "'" + origin + " must be a positive duration, got " + d);
      }
    }
    if (config.httpPort() < 0 || config.httpPort() > 65535) {
      problems.add("key 'http-port'" + originOf(values, "http-port")
          + " must be 0..65535 (0 disables the endpoint), got " + config.httpPort());
    }
    for (String ns : config.watchNamespaces()) {
      if (!DNS_LABEL.matcher(ns).matches()) {
        problems.add("key 'watch-namespaces'" + originOf(values, "watch-namespaces")
            + ": '" + ns + "' is not a namespace name (lower-case DNS label)");
      }
    }
    if (config.leaderElection() && config.leaseName().isBlank()) {
      problems.add("key 'lease-name'" + originOf(values, "lease-name")
          + " must be set when leader-election is true");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
  }

  private static String originOf(Map<String, Source> values, String key) {
    Source s = values.get(key);
    return s == null ? "" : " (from " + s.origin() + ")";
  }

  private static Object get(RecordComponent c, OperatorConfig config) {
    try {
      return c.getAccessor().invoke(config);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String format(Object value) {
    if (value instanceof Duration d) {
      return DurationParser.format(d);
    }
    if (value instanceof Set<?> set) {
      return set.stream().map(String::valueOf).sorted().collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }

  private record Source(String value, String origin) {}
}
