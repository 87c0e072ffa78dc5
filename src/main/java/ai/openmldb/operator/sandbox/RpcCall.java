package ai.openmldb.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One RPC a simulated server received, in arrival order: which server, which method, the request
 * body, and the code it answered (300 from a non-leader nameserver).
 */
public record RpcCall(Instant at, String server, String method, JsonNode request, int code) {
  /** {@code Method(name/pid -> endpoint)}-style one-liner for assertions and logs. */
  public String summary() {
    StringBuilder sb = new StringBuilder(method);
    if (request.has("name")) {
      sb.append(' ').append(request.get("db") == null ? "" : request.get("db").asText() + ".")
          .append(request.get("name").asText());
    }
    if (request.has("pid")) {
      sb.append('/').append(request.get("pid").asText());
    }
    for (String f : new String[] {"endpoint", "candidate_leader", "is_alive"}) {
      if (request.has(f)) {
        sb.append(' ').append(f).append('=').append(request.get(f).asText());
      }
    }
    return sb.toString();
  }
}
