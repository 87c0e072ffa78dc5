package ai.openmldb.operator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code spec} without ever throwing: a field Jackson cannot read (e.g. {@code replicas:
 * "abc"}, an unknown enum value) is dropped, so its default applies, and recorded in {@link
 * OpenMLDBClusterSpec#getParseProblems()}.
 *
 * <p>Why: the informer deserializes every custom resource of the kind; one that throws keeps the
 * informer from syncing and so stops the operator for every cluster. Instead the reconciler reports
 * the recorded problems as {@code Degraded} and leaves that cluster's workloads alone.
 */
public final class LenientSpecDeserializer extends JsonDeserializer<OpenMLDBClusterSpec> {
  /** Enough for any real resource; a guard against a pathological one. */
  private static final int MAX_PROBLEMS = 32;

  @Override
  public OpenMLDBClusterSpec deserialize(JsonParser p, DeserializationContext ctxt)
      throws IOException {
    JsonNode tree = ctxt.readTree(p);
    List<SpecProblem> problems = new ArrayList<>();
    if (!tree.isObject()) {
      problems.add(
          new SpecProblem("spec", "must be an object, got " + describe(tree), "write spec as a map"));
      return withProblems(new OpenMLDBClusterSpec(), problems);
    }
    ObjectNode node = ((ObjectNode) tree).deepCopy();
    while (true) {
      try {
        return withProblems(ctxt.readTreeAsValue(node, OpenMLDBClusterSpec.class), problems);
      } catch (JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        if (problems.size() >= MAX_PROBLEMS || path.isEmpty() || !remove(node, path)) {
          problems.add(new SpecProblem("spec", "cannot be read: " + e.getOriginalMessage(),
              "compare the resource with docs/resource-reference.md"));
          return withProblems(new OpenMLDBClusterSpec(), problems);
        }
        problems.add(problemFor(e, path));
      }
    }
  }

  private static OpenMLDBClusterSpec withProblems(
      OpenMLDBClusterSpec spec, List<SpecProblem> problems) {
    spec.setParseProblems(problems);
    return spec;
  }

  private static SpecProblem problemFor(JsonMappingException e, List<JsonMappingException.Reference> path) {
    String field = fieldPath(path);
    if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
      return new SpecProblem(field, "unknown field",
          "remove it or fix its spelling (known here: " + u.getKnownPropertyIds() + ")");
    }
    String expected = e instanceof MismatchedInputException m && m.getTargetType() != null
        ? expectedType(m.getTargetType())
        : "a valid value";
    String got = e instanceof InvalidFormatException f ? " (got '" + f.getValue() + "')" : "";
    if (e instanceof InvalidFormatException f && f.getTargetType() != null
        && f.getTargetType().isEnum()) {
      List<String> allowed = new ArrayList<>();
      for (Object c : f.getTargetType().getEnumConstants()) {
        allowed.add(c.toString());
      }
      return new SpecProblem(field, "unknown value" + got, "use one of " + allowed);
    }
    return new SpecProblem(field, "must be " + expected + got, "set " + field + " to " + expected);
  }

  private static String expectedType(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (java.util.Map.class.isAssignableFrom(type)) {
      return "a map";
    }
    if (java.util.List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

  static String fieldPath(List<JsonMappingException.Reference> path) {
    StringBuilder sb = new StringBuilder("spec");
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        sb.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** Removes the node at the path (so its default applies); false if it is not there. */
  private static boolean remove(JsonNode root, List<JsonMappingException.Reference> path) {
    JsonNode parent = root;
    for (int i = 0; i < path.size() - 1; i++) {
      JsonMappingException.Reference ref = path.get(i);
      parent = ref.getFieldName() != null ? parent.get(ref.getFieldName()) : parent.get(ref.getIndex());
      if (parent == null) {
        return false;
      }
    }
    JsonMappingException.Reference last = path.get(path.size() - 1);
    if (last.getFieldName() != null && parent instanceof ObjectNode o && o.has(last.getFieldName())) {
      o.remove(last.getFieldName());
      return true;
    }
    if (last.getFieldName() == null && parent instanceof ArrayNode a
        && last.getIndex() >= 0 && last.getIndex() < a.size()) {
      a.remove(last.getIndex());
      return true;
    }
    return false;
  }

  private static String describe(JsonNode node) {
    return node.getNodeType().name().toLowerCase();
  }
}
