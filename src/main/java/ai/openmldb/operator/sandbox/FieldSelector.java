package ai.openmldb.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Field selectors ({@code involvedObject.name=x,type!=Normal}) applied to a list, which the CRUD
 * mock ignores: {@code kubectl describe} finds an object's events with one.
 */
final class FieldSelector {
  private FieldSelector() {}

  static ArrayNode filter(String selector, JsonNode items, ObjectMapper mapper) {
    ArrayNode kept = mapper.createArrayNode();
    for (JsonNode item : items) {
      if (matches(selector, item)) {
        kept.add(item);
      }
    }
    return kept;
  }

  static boolean matches(String selector, JsonNode item) {
    for (String term : selector.split(",")) {
      String t = term.strip();
      if (t.isEmpty()) {
        continue;
      }
      boolean negate = t.contains("!=");
      String[] kv = t.split(negate ? "!=" : "==?", 2);
      if (kv.length != 2) {
        continue;
      }
      JsonNode v = JsonPaths.evaluate(item, "." + kv[0].strip());
      String actual = v == null || v.isNull() ? "" : v.asText();
      if (actual.equals(kv[1].strip()) == negate) {
        return false;
      }
    }
    return true;
  }
}
