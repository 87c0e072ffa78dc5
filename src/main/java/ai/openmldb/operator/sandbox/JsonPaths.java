package ai.openmldb.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSONPath subset CRD printer columns use: {@code .a.b}, {@code .a[0].b} and a filter
 * {@code .a[?(@.type=="Ready")].status}.
 */
final class JsonPaths {
  private static final Pattern SEGMENT =
      Pattern.compile("\\.([^.\\[]+)|\\[(\\d+)]|\\[\\?\\(@\\.([^=!]+)==[\"']([^\"']*)[\"']\\)]");

  private JsonPaths() {}

  /** The node at the path, or null when some step is missing. */
  static JsonNode evaluate(JsonNode root, String path) {
    String p = path.trim();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1);
    }
    if (p.startsWith("$")) {
      p = p.substring(1);
    }
    JsonNode node = root;
    Matcher m = SEGMENT.matcher(p);
    int pos = 0;
    while (pos < p.length()) {
      if (!m.find(pos) || m.start() != pos) {
        return null;
      }
      if (m.group(1) != null) {
        node = node.path(m.group(1));
      } else if (m.group(2) != null) {
        node = node.path(Integer.parseInt(m.group(2)));
      } else {
        JsonNode match = null;
        for (JsonNode element : node) {
          if (element.path(m.group(3)).asText().equals(m.group(4))) {
            match = element;
            break;
          }
        }
        if (match == null) {
          return null;
        }
        node = match;
      }
      if (node.isMissingNode()) {
        return null;
      }
      pos = m.end();
    }
    return node;
  }
}
