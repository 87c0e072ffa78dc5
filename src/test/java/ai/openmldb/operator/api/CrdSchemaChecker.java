package ai.openmldb.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the API server would do with an {@code OpenMLDBCluster} under the generated CRD, because the
 * Fabric8 mock server validates nothing (stack.md P10).
 *
 * <p>Mirrors the API server's order: unknown fields are reported (kubectl's default
 * {@code --validate=strict}; without it they would be pruned silently), defaults are applied, the
 * {@code openAPIV3Schema} is checked by a JSON Schema validator, and every
 * {@code x-kubernetes-validations} rule is evaluated with CEL ({@code self}, and {@code oldSelf} on
 * updates for transition rules). A rule that fails to evaluate (e.g. a missing key) rejects the
 * object, as it does in Kubernetes.
 */
final class CrdSchemaChecker {
  static final String CRD_RESOURCE = "META-INF/fabric8/openmldbclusters.openmldb.ai-v1.yml";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One reason the API server would refuse the object, at a dotted path such as spec.version. */
  record Violation(String path, String kind, String message) {
    @Override
    public String toString() {
      return path + " [" + kind + "]: " + message;
    }
  }

  private final JsonNode openApiSchema;
  private final Schema jsonSchema;
  private final Cel cel;
  private final Map<String, CelAbstractSyntaxTree> compiled = new HashMap<>();

  private CrdSchemaChecker(JsonNode openApiSchema) {
    this.openApiSchema = openApiSchema;
    this.jsonSchema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
            .getSchema(toJsonSchema(openApiSchema));
    this.cel =
        CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            // Kubernetes' CEL environment includes the strings and lists extension libraries.
            .addCompilerLibraries(CelExtensions.strings(), CelExtensions.lists())
            .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.lists())
            .build();
  }

  /** The checker for the CRD generated into target/classes by the build. */
  static CrdSchemaChecker forGeneratedCrd() {
    try (InputStream in =
        CrdSchemaChecker.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CRD_RESOURCE + " missing: run mvn -B -o -q process-classes");
      }
      JsonNode crd = YAML.readTree(in);
      return new CrdSchemaChecker(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Violations on create. */
  List<Violation> check(JsonNode object) {
    return check(object, null);
  }

  /** Violations on create ({@code old == null}) or on an update of {@code old}. */
  List<Violation> check(JsonNode object, JsonNode old) {
    List<Violation> out = new ArrayList<>();
    ObjectNode obj = object.deepCopy();
    unknownFields(openApiSchema, obj, "", true, out);
    dropNulls(obj);
    applyDefaults(openApiSchema, obj);
    JsonNode oldObj = null;
    if (old != null) {
      ObjectNode o = old.deepCopy();
      dropNulls(o);
      applyDefaults(openApiSchema, o);
      oldObj = o;
    }
    ObjectNode forSchema = obj.deepCopy();
    forSchema.remove(List.of("apiVersion", "kind", "metadata"));
    for (Error e : jsonSchema.validate(forSchema)) {
      out.add(new Violation(pathOf(e), e.getKeyword(), e.getMessage()));
    }
    celRules(openApiSchema, obj, oldObj, "", out);
    return out;
  }

  // ---- unknown fields (strict field validation) ----

  private static void unknownFields(
      JsonNode schema, JsonNode value, String path, boolean root, List<Violation> out) {
    if (schema == null || value == null) {
      return;
    }
    if (value.isObject()) {
      JsonNode props = schema.get("properties");
      JsonNode additional = schema.get("additionalProperties");
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String key = f.getKey();
        String child = path.isEmpty() ? key : path + "." + key;
        if (root && (key.equals("apiVersion") || key.equals("kind") || key.equals("metadata"))) {
          continue;
        }
        if (props != null && props.has(key)) {
          unknownFields(props.get(key), f.getValue(), child, false, out);
        } else if (additional != null && additional.isObject()) {
          unknownFields(additional, f.getValue(), child, false, out);
        } else if (props != null && !preserve) {
          out.add(new Violation(child, "unknown", "unknown field \"" + child + "\""));
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      int i = 0;
      for (JsonNode item : value) {
        unknownFields(schema.get("items"), item, path + "[" + i++ + "]", false, out);
      }
    }
  }

  private static void dropNulls(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      List<String> nulls = new ArrayList<>();
      o.fields().forEachRemaining(e -> {
        if (e.getValue().isNull()) {
          nulls.add(e.getKey());
        } else {
          dropNulls(e.getValue());
        }
      });
      o.remove(nulls);
    } else if (node.isArray()) {
      node.forEach(CrdSchemaChecker::dropNulls);
    }
  }

  // ---- defaulting (as the API server does for every object that is present) ----

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (schema == null || value == null) {
      return;
    }
    if (value.isObject()) {
      ObjectNode o = (ObjectNode) value;
      JsonNode props = schema.get("properties");
      if (props != null) {
        props.fields().forEachRemaining(p -> {
          if (!o.has(p.getKey()) && p.getValue().has("default")) {
            o.set(p.getKey(), p.getValue().get("default").deepCopy());
          }
          applyDefaults(p.getValue(), o.get(p.getKey()));
        });
      }
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isObject()) {
        o.elements().forEachRemaining(v -> applyDefaults(additional, v));
      }
    } else if (value.isArray() && schema.has("items")) {
      value.forEach(v -> applyDefaults(schema.get("items"), v));
    }
  }

  // ---- OpenAPI v3 structural schema -> JSON Schema draft 4 ----

  /** Drops the x-kubernetes-* extensions (and descriptions); the rest of the subset is JSON Schema. */
  private static JsonNode toJsonSchema(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = YAML.createObjectNode();
      node.fields().forEachRemaining(e -> {
        String k = e.getKey();
        if (k.startsWith("x-kubernetes-") || k.equals("description") || k.equals("default")) {
          return;
        }
        if (k.equals("properties")) {
          ObjectNode props = YAML.createObjectNode();
          e.getValue().fields().forEachRemaining(p -> props.set(p.getKey(), toJsonSchema(p.getValue())));
          out.set(k, props);
        } else {
          out.set(k, toJsonSchema(e.getValue()));
        }
      });
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = YAML.createArrayNode();
      node.forEach(n -> out.add(toJsonSchema(n)));
      return out;
    }
    return node;
  }

  private static String pathOf(Error e) {
    // A JSON pointer such as /spec/version, or $.spec.version depending on the path type.
    String loc = e.getInstanceLocation().toString();
    String path = loc.startsWith("$") ? loc.substring(1) : loc.replace('/', '.');
    if (path.startsWith(".")) {
      path = path.substring(1);
    }
    if ("required".equals(e.getKeyword()) && e.getProperty() != null) {
      path = path.isEmpty() ? e.getProperty() : path + "." + e.getProperty();
    }
    return path;
  }

  // ---- x-kubernetes-validations ----

  private void celRules(
      JsonNode schema, JsonNode value, JsonNode old, String path, List<Violation> out) {
    if (schema == null || value == null || value.isMissingNode()) {
      return;
    }
    JsonNode rules = schema.get("x-kubernetes-validations");
    if (rules != null) {
      for (JsonNode rule : rules) {
        String expr = rule.get("rule").asText();
        boolean transition = expr.contains("oldSelf");
        if (transition && old == null) {
          continue; // transition rules only run on updates, when the old value exists
        }
        String at = path + rule.path("fieldPath").asText("");
        if (at.startsWith(".")) {
          at = at.substring(1);
        }
        String message = rule.path("message").asText("failed rule: " + expr);
        try {
          Map<String, Object> vars = new HashMap<>();
          vars.put("self", toCel(value));
          if (transition) {
            vars.put("oldSelf", toCel(old));
          }
          Object result = cel.createProgram(compile(expr)).eval(vars);
          if (!Boolean.TRUE.equals(result)) {
            out.add(new Violation(at, "cel", message));
          }
        } catch (CelEvaluationException e) {
          // The API server refuses an object whose rule cannot be evaluated (e.g. no such key).
          out.add(new Violation(at, "cel-error", message + " (" + e.getMessage() + ")"));
        }
      }
    }
    if (value.isObject()) {
      JsonNode props = schema.get("properties");
      JsonNode additional = schema.get("additionalProperties");
      value.fields().forEachRemaining(f -> {
        String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        JsonNode oldChild = old == null ? null : old.get(f.getKey());
        if (props != null && props.has(f.getKey())) {
          celRules(props.get(f.getKey()), f.getValue(), oldChild, child, out);
        } else if (additional != null && additional.isObject()) {
          celRules(additional, f.getValue(), oldChild, child, out);
        }
      });
    } else if (value.isArray() && schema.has("items")) {
      int i = 0;
      for (JsonNode item : value) {
        // Array items are not correlated with the old object (atomic lists), so no oldSelf.
        celRules(schema.get("items"), item, null, path + "[" + i++ + "]", out);
      }
    }
  }

  private CelAbstractSyntaxTree compile(String expr) {
    return compiled.computeIfAbsent(expr, e -> {
      try {
        return cel.compile(e).getAst();
      } catch (CelValidationException ex) {
        throw new IllegalStateException("CRD rule does not compile: " + e, ex);
      }
    });
  }

  /** JSON to CEL values: objects to maps, integers to long, numbers to double. */
  static Object toCel(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> m.put(e.getKey(), toCel(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(toCel(x)));
      return l;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.asText();
  }
}
