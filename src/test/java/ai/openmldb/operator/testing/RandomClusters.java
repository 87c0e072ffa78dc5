package ai.openmldb.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random {@code OpenMLDBCluster} resources for robustness tests: a valid cluster mutated a few times
 * with garbage values, wrong types, missing blocks, unknown fields and extreme numbers. Plain
 * {@link Random} with a seed, so every failure names a reproducible seed.
 */
public final class RandomClusters {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every field of the spec, so mutations hit known fields more often than random ones. */
  private static final List<String> KNOWN = List.of(
      "version", "image", "image.repository", "image.pullPolicy", "image.pullSecrets",
      "zookeeper", "zookeeper.cluster", "zookeeper.rootPath", "zookeeper.sessionTimeoutMs",
      "zookeeper.authSecretName",
      "nameserver", "nameserver.replicas", "nameserver.flags", "nameserver.resources",
      "tablet", "tablet.replicas", "tablet.flags", "tablet.resources", "tablet.storage",
      "tablet.storage.size", "tablet.storage.storageClassName",
      "apiserver", "apiserver.replicas", "apiserver.flags",
      "taskmanager", "taskmanager.replicas", "taskmanager.flags",
      "tablet.resources.requests", "tablet.resources.limits", "tablet.resources.limits.cpu",
      "tablet.resources.requests.memory",
      "upgrade", "upgrade.paused", "upgrade.singleReplicaPolicy", "upgrade.maxConcurrentLeaderMoves",
      "upgrade.podReadyTimeoutSeconds", "upgrade.leaderMoveTimeoutSeconds",
      "upgrade.catchUpTimeoutSeconds", "upgrade.allowDowngrade");

  private static final List<String> STRINGS = List.of(
      "", " ", "0.9.2", "latest", "v1", "-1", "1e309", "NaN", "null", "true", "0x10", "20Gi", "1.5",
      "zk:2181", "/openmldb", "/", "..", "a\nb", "--endpoint=evil:1", "\u0000", "\uD83D\uDE00",
      "AcceptUnavailability", "Always", "${POD_NAME}", "'; DROP TABLE t; --", "%s%s%s%n",
      "x".repeat(300), "é", "9".repeat(40), "0.9.2-" + "a".repeat(80), "endpoint", "4pdosc/openmldb");

  private static final List<Long> NUMBERS = List.of(
      0L, 1L, -1L, 2L, 3L, 1000L, 1001L, 1024L, 999_999L, (long) Integer.MAX_VALUE,
      (long) Integer.MAX_VALUE + 1, (long) Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE);

  private final Random random;

  public RandomClusters(long seed) {
    this.random = new Random(seed);
  }

  /** A resource named {@code name}: the base spec mutated 1..6 times. */
  public ObjectNode next(ObjectNode base, String name, String namespace) {
    ObjectNode o = base.deepCopy();
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace);
    int mutations = 1 + random.nextInt(6);
    for (int i = 0; i < mutations; i++) {
      mutate(o);
    }
    return o;
  }

  /** The resource as JSON text. */
  public static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void mutate(ObjectNode resource) {
    int kind = random.nextInt(10);
    if (kind == 0) {
      // the whole spec of the wrong shape, or absent
      switch (random.nextInt(4)) {
        case 0 -> resource.remove("spec");
        case 1 -> resource.set("spec", randomValue(0));
        case 2 -> resource.putObject("spec");
        default -> resource.set("spec", F.arrayNode().add(1));
      }
      return;
    }
    if (!(resource.get("spec") instanceof ObjectNode spec)) {
      resource.set("spec", F.objectNode());
      return;
    }
    String path = kind <= 6 ? KNOWN.get(random.nextInt(KNOWN.size())) : randomExistingPath(spec);
    if (path == null) {
      return;
    }
    ObjectNode parent = parentOf(spec, path);
    String field = path.substring(path.lastIndexOf('.') + 1);
    if (parent == null) {
      return;
    }
    switch (random.nextInt(5)) {
      case 0 -> parent.remove(field);
      case 1 -> parent.putNull(field);
      case 2 -> parent.put("unknown" + random.nextInt(100), randomScalarText());
      default -> parent.set(field, randomValue(0));
    }
  }

  /** The object holding the last segment of the path, created along the way when missing. */
  private ObjectNode parentOf(ObjectNode spec, String path) {
    String[] parts = path.split("\\.");
    ObjectNode cur = spec;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode next = cur.get(parts[i]);
      if (next == null) {
        next = cur.putObject(parts[i]);
      }
      if (!(next instanceof ObjectNode n)) {
        return null; // a parent was already replaced by a scalar: leave it so
      }
      cur = n;
    }
    return cur;
  }

  private String randomExistingPath(ObjectNode spec) {
    List<String> paths = new ArrayList<>();
    collect(spec, "", paths);
    return paths.isEmpty() ? null : paths.get(random.nextInt(paths.size()));
  }

  private static void collect(JsonNode node, String prefix, List<String> out) {
    if (node instanceof ObjectNode o) {
      o.fieldNames().forEachRemaining(f -> {
        String p = prefix.isEmpty() ? f : prefix + "." + f;
        out.add(p);
        collect(o.get(f), p, out);
      });
    }
  }

  private String randomScalarText() {
    return STRINGS.get(random.nextInt(STRINGS.size()));
  }

  private JsonNode randomValue(int depth) {
    int k = random.nextInt(depth > 1 ? 6 : 9);
    return switch (k) {
      case 0, 1 -> F.textNode(randomScalarText());
      case 2, 3 -> F.numberNode(NUMBERS.get(random.nextInt(NUMBERS.size())));
      case 4 -> F.numberNode(random.nextBoolean() ? -0.5 : 1e300);
      case 5 -> F.booleanNode(random.nextBoolean());
      case 6 -> {
        ObjectNode o = F.objectNode();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          o.set(random.nextBoolean() ? "replicas" : randomScalarText(), randomValue(depth + 1));
        }
        yield o;
      }
      case 7 -> {
        ArrayNode a = F.arrayNode();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
          a.add(randomValue(depth + 1));
        }
        yield a;
      }
      default -> F.nullNode();
    };
  }
}
