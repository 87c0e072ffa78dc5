package ai.openmldb.operator.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The revision of a desired pod: a hash of its template and its flags file. A pod whose
 * {@code openmldb.ai/revision} differs must be restarted to pick the change up; being a pure
 * function of the spec, it is recomputed on every pass and never remembered.
 *
 * <p>The JSON is canonicalized (object keys sorted) so the hash does not depend on map iteration
 * order, which for {@code Map.of} changes from one JVM to the next: an operator restart must not
 * make every pod look outdated.
 */
public final class PodRevision {
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();

  private PodRevision() {}

  /** 16 hex characters of SHA-256 over the canonical template JSON and the flags file. */
  public static String of(PodTemplateSpec template, String flagsFile) {
    JsonNode tree = canonical(MAPPER.valueToTree(template));
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(tree.toString().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(flagsFile.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static JsonNode canonical(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sorted.put(e.getKey(), canonical(e.getValue()));
      }
      ObjectNode out = MAPPER.createObjectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode out = MAPPER.createArrayNode();
      array.forEach(child -> out.add(canonical(child)));
      return out;
    }
    return node;
  }
}
