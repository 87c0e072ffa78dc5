package ai.openmldb.operator.openmldb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON as brpc maps OpenMLDB's protobuf messages: field names exactly as in the {@code .proto}
 * files (snake_case), enums by name, unset optional fields and empty repeated fields omitted.
 * Parsing is lenient (missing fields take proto defaults; numbers may arrive as strings) because
 * brpc omits whatever is unset. The large listings ({@code ShowTable}, {@code ShowOPStatus}) are
 * read as a stream by {@link ProtoJsonStream}, with the same leniency.
 */
public final class ProtoJson {
  /** Shared, thread-safe mapper. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private ProtoJson() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise JSON", e);
    }
  }

  /** Parses a body; an empty body is an empty object (brpc accepts an empty request). */
  public static JsonNode read(String body) throws JsonProcessingException {
    if (body == null || body.isBlank()) {
      return object();
    }
    return MAPPER.readTree(body);
  }

  static JsonNode field(JsonNode node, String name) {
    JsonNode v = node == null ? null : node.get(name);
    return v == null || v.isNull() ? MissingNode.getInstance() : v;
  }

  public static String text(JsonNode node, String name) {
    JsonNode v = field(node, name);
    return v.isMissingNode() ? "" : v.asText();
  }

  public static long int64(JsonNode node, String name) {
    return field(node, name).asLong(0);
  }

  public static int int32(JsonNode node, String name) {
    return field(node, name).asInt(0);
  }

  public static boolean bool(JsonNode node, String name, boolean dflt) {
    JsonNode v = field(node, name);
    return v.isMissingNode() ? dflt : v.asBoolean(dflt);
  }

  public static boolean has(JsonNode node, String name) {
    return !field(node, name).isMissingNode();
  }

  /** Elements of a repeated field; empty when brpc omitted it. */
  public static List<JsonNode> repeated(JsonNode node, String name) {
    JsonNode v = field(node, name);
    List<JsonNode> out = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(out::add);
    }
    return out;
  }

  // ---- OpenMLDB messages -> the operator's model ----

  /** {@code TabletStatus} of {@code ShowTabletResponse.tablets}. */
  public static TabletInfo tablet(JsonNode n) {
    return new TabletInfo(
        text(n, "endpoint"), text(n, "state"), int64(n, "age"), text(n, "real_endpoint"));
  }
}
