package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.sandbox.ApiResourceCatalog.ApiResource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Server-side printing ({@code meta.k8s.io/v1} Table), which kubectl asks for on every
 * {@code get}: the CRUD mock only returns plain objects, so without this kubectl shows NAME and
 * AGE only. Custom resources get their CRD's additionalPrinterColumns (simple JSONPath), the
 * built-ins the columns a real API server shows.
 */
final class TableConverter {
  private record Column(String name, String type, int priority, Function<JsonNode, Object> cell) {}

  private final ObjectMapper mapper;

  TableConverter(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Converts a single object or a list to a Table. */
  ObjectNode toTable(JsonNode objectOrList, ApiResource resource, boolean includeFullObject) {
    List<JsonNode> items = new ArrayList<>();
    if (objectOrList.has("items") && objectOrList.path("items").isArray()) {
      objectOrList.path("items").forEach(items::add);
    } else {
      items.add(objectOrList);
    }
    List<Column> columns = columns(resource);
    ObjectNode table = mapper.createObjectNode().put("kind", "Table")
        .put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion",
        objectOrList.path("metadata").path("resourceVersion").asText(""));
    ArrayNode defs = table.putArray("columnDefinitions");
    for (Column c : columns) {
      defs.addObject().put("name", c.name()).put("type", c.type())
          .put("format", c.name().equals("Name") ? "name" : "").put("description", "")
          .put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        cells.addPOJO(c.cell().apply(item));
      }
      if (includeFullObject) {
        row.set("object", item);
      } else {
        ObjectNode partial = row.putObject("object").put("kind", "PartialObjectMetadata")
            .put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", item.path("metadata"));
      }
    }
    return table;
  }

  private List<Column> columns(ApiResource resource) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("Name", "string", 0, o -> o.path("metadata").path("name").asText()));
    if (!resource.printerColumns().isEmpty()) {
      for (JsonNode pc : resource.printerColumns()) {
        String type = pc.path("type").asText("string");
        String path = pc.path("jsonPath").asText();
        columns.add(new Column(pc.path("name").asText(), type, pc.path("priority").asInt(0),
            o -> {
              JsonNode v = JsonPaths.evaluate(o, path);
              if (v == null || v.isNull() || v.isMissingNode()) {
                return type.equals("date") ? "<unknown>" : "";
              }
              return type.equals("date") ? age(v.asText()) : v.isTextual() ? v.asText() : v;
            }));
      }
      return columns;
    }
    switch (resource.kind()) {
      case "Pod" -> {
        columns.add(new Column("Ready", "string", 0, TableConverter::podReady));
        columns.add(new Column("Status", "string", 0, TableConverter::podStatus));
        columns.add(new Column("Restarts", "integer", 0, o -> {
          int restarts = 0;
          for (JsonNode cs : o.path("status").path("containerStatuses")) {
            restarts += cs.path("restartCount").asInt();
          }
          return restarts;
        }));
        columns.add(ageColumn());
        columns.add(new Column("IP", "string", 1, o -> o.path("status").path("podIP").asText("<none>")));
        columns.add(new Column("Image", "string", 1,
            o -> o.path("spec").path("containers").path(0).path("image").asText("")));
        columns.add(new Column("Revision", "string", 1, o -> o.path("metadata")
            .path("annotations").path("openmldb.ai/revision").asText("<none>")));
      }
      case "StatefulSet", "Deployment", "ReplicaSet" -> {
        columns.add(new Column("Ready", "string", 0, o -> o.path("status")
            .path("readyReplicas").asInt() + "/" + o.path("spec").path("replicas").asInt()));
        columns.add(ageColumn());
        columns.add(new Column("Images", "string", 1, o -> o.path("spec").path("template")
            .path("spec").path("containers").path(0).path("image").asText("")));
      }
      case "Service" -> {
        columns.add(new Column("Type", "string", 0,
            o -> o.path("spec").path("type").asText("ClusterIP")));
        columns.add(new Column("Cluster-IP", "string", 0,
            o -> o.path("spec").path("clusterIP").asText("<none>")));
        columns.add(new Column("Port(s)", "string", 0, o -> {
          List<String> ports = new ArrayList<>();
          for (JsonNode p : o.path("spec").path("ports")) {
            ports.add(p.path("port").asText() + "/" + p.path("protocol").asText("TCP"));
          }
          return ports.isEmpty() ? "<none>" : String.join(",", ports);
        }));
        columns.add(ageColumn());
      }
      case "ConfigMap", "Secret" -> {
        columns.add(new Column("Data", "integer", 0, o -> o.path("data").size()
            + o.path("binaryData").size() + o.path("stringData").size()));
        columns.add(ageColumn());
      }
      case "Event" -> {
        columns.clear();
        columns.add(new Column("Last Seen", "string", 0, o -> age(firstText(o,
            "lastTimestamp", "eventTime", "deprecatedLastTimestamp"))));
        columns.add(new Column("Type", "string", 0, o -> o.path("type").asText()));
        columns.add(new Column("Reason", "string", 0, o -> o.path("reason").asText()));
        columns.add(new Column("Object", "string", 0, o -> {
          JsonNode ref = o.has("involvedObject") ? o.path("involvedObject") : o.path("regarding");
          return ref.path("kind").asText().toLowerCase() + "/" + ref.path("name").asText();
        }));
        columns.add(new Column("Message", "string", 0,
            o -> o.has("message") ? o.path("message").asText() : o.path("note").asText()));
        columns.add(new Column("Name", "string", 1, o -> o.path("metadata").path("name").asText()));
      }
      case "Lease" -> {
        columns.add(new Column("Holder", "string", 0,
            o -> o.path("spec").path("holderIdentity").asText("")));
        columns.add(ageColumn());
      }
      case "CustomResourceDefinition" -> columns.add(new Column("Created At", "date", 0,
          o -> o.path("metadata").path("creationTimestamp").asText()));
      default -> columns.add(ageColumn());
    }
    return columns;
  }

  private static String firstText(JsonNode o, String... fields) {
    for (String f : fields) {
      if (o.hasNonNull(f) && !o.path(f).asText().isEmpty()) {
        return o.path(f).asText();
      }
    }
    return o.path("metadata").path("creationTimestamp").asText();
  }

  private static Column ageColumn() {
    return new Column("Age", "string", 0,
        o -> age(o.path("metadata").path("creationTimestamp").asText()));
  }

  private static String podReady(JsonNode pod) {
    int total = pod.path("spec").path("containers").size();
    int ready = 0;
    for (JsonNode cs : pod.path("status").path("containerStatuses")) {
      if (cs.path("ready").asBoolean()) {
        ready++;
      }
    }
    return ready + "/" + total;
  }

  private static String podStatus(JsonNode pod) {
    if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
      return "Terminating";
    }
    for (JsonNode cs : pod.path("status").path("containerStatuses")) {
      JsonNode waiting = cs.path("state").path("waiting");
      if (waiting.has("reason")) {
        return waiting.path("reason").asText();
      }
    }
    return pod.path("status").path("phase").asText("Pending");
  }

  /** kubectl's short human duration ("45s", "3m12s", "2h5m", "4d"). */
  static String age(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return "<unknown>";
    }
    Duration d;
    try {
      d = Duration.between(Instant.parse(timestamp), Instant.now());
    } catch (RuntimeException e) {
      return "<unknown>";
    }
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 48) {
      return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
    }
    return (h / 24) + "d";
  }
}
