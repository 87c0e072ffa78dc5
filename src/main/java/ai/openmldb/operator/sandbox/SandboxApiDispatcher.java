package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.sandbox.ApiResourceCatalog.ApiResource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * The sandbox API server's front: answers what the CRUD mock cannot (discovery, {@code /version},
 * server-side Table printing, the {@code /scale} subresource) and otherwise delegates to the
 * mock's CRUD store, adding the {@code Content-Type} header kubectl needs to decode responses.
 */
final class SandboxApiDispatcher extends Dispatcher {
  private static final String JSON = "application/json";

  private final KubernetesMixedDispatcher store;
  private final ObjectMapper mapper;
  private final ApiResourceCatalog catalog;
  private final TableConverter tables;
  private volatile String serverAddress = "127.0.0.1:0";

  SandboxApiDispatcher(Map<ServerRequest, Queue<ServerResponse>> expectations, ObjectMapper mapper) {
    this.store = new KubernetesMixedDispatcher(expectations);
    this.mapper = mapper;
    this.catalog = new ApiResourceCatalog(mapper);
    this.tables = new TableConverter(mapper);
  }

  void setServerAddress(String serverAddress) {
    this.serverAddress = serverAddress;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      MockResponse answer = answer(request);
      if (answer != null) {
        return answer;
      }
    } catch (RuntimeException | IOException e) {
      return status(500, "InternalError", "sandbox API: " + e);
    }
    return withContentType(store.dispatch(request));
  }

  private MockResponse answer(RecordedRequest request) throws IOException {
    String rawPath = request.getPath();
    String method = request.getMethod();
    if (rawPath.equals("/version") || rawPath.startsWith("/version?")) {
      return json(200, version());
    }
    if (rawPath.startsWith("/openapi")) {
      return status(404, "NotFound", "the sandbox serves no OpenAPI document");
    }
    ResourcePath path = ResourcePath.parse(rawPath);
    if (path == null) {
      return null;
    }
    if (path.isDiscovery()) {
      return method.equals("GET") ? discovery(path) : status(405, "MethodNotAllowed", rawPath);
    }
    if ("scale".equals(path.subresource()) && path.name() != null) {
      return scale(request, path);
    }
    if (!method.equals("GET") || path.isWatch() || path.subresource() != null) {
      return null;
    }
    String accept = request.getHeader("Accept");
    boolean asTable = accept != null && accept.contains("as=Table");
    String fieldSelector = path.name() == null ? path.query().get("fieldSelector") : null;
    if (!asTable && (fieldSelector == null || fieldSelector.isEmpty())) {
      return null;
    }
    MockResponse plain = store.dispatch(fieldSelector == null ? request
        : request(HttpMethod.GET, withoutQueryParameter(request.getPath(), "fieldSelector"),
            null, null));
    if (plain.code() != 200) {
      return withContentType(plain);
    }
    JsonNode body = read(plain);
    ApiResource resource =
        ApiResourceCatalog.find(resources(), path.group(), path.version(), path.plural());
    if (body.path("items").isArray()) {
      ObjectNode list = (ObjectNode) body;
      if (fieldSelector != null) {
        list.set("items", FieldSelector.filter(fieldSelector, body.path("items"), mapper));
      }
      if (resource != null) {
        // the mock says "List"; typed clients (kubectl describe's events) want "EventList"
        list.put("kind", resource.kind() + "List").put("apiVersion", resource.groupVersion());
      }
    }
    if (!asTable || resource == null) {
      return json(200, body);
    }
    boolean full = "Object".equals(path.query().get("includeObject"));
    return json(200, tables.toTable(body, resource, full));
  }

  private static String withoutQueryParameter(String rawPath, String name) {
    int q = rawPath.indexOf('?');
    if (q < 0) {
      return rawPath;
    }
    StringBuilder kept = new StringBuilder();
    for (String pair : rawPath.substring(q + 1).split("&")) {
      if (!pair.isEmpty() && !pair.startsWith(name + "=") && !pair.equals(name)) {
        kept.append(kept.length() == 0 ? "?" : "&").append(pair);
      }
    }
    return rawPath.substring(0, q) + kept;
  }

  private ObjectNode version() {
    return mapper.createObjectNode().put("major", "1").put("minor", "32")
        .put("gitVersion", "v1.32.0-openmldb-sandbox").put("gitCommit", "sandbox")
        .put("gitTreeState", "clean").put("buildDate", "2026-01-01T00:00:00Z")
        .put("goVersion", "go1.23").put("compiler", "gc").put("platform", "linux/amd64");
  }

  private MockResponse discovery(ResourcePath path) throws IOException {
    if (path.group() == null) {
      return json(200, catalog.groupList(resources()));
    }
    if (path.group().isEmpty() && path.version() == null) {
      return json(200, catalog.apiVersions(serverAddress));
    }
    JsonNode doc = path.version() == null
        ? catalog.group(resources(), path.group())
        : catalog.resourceList(resources(), path.group(), path.version());
    return doc == null
        ? status(404, "NotFound", "the server could not find the requested resource")
        : json(200, doc);
  }

  private List<ApiResource> resources() throws IOException {
    MockResponse crds = store.dispatch(request(HttpMethod.GET,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", null, null));
    JsonNode list = crds.code() == 200 ? read(crds) : mapper.createObjectNode();
    return catalog.resources(list);
  }

  /**
   * {@code /scale} of StatefulSets and friends: read or change {@code spec.replicas} of the main
   * object (what {@code kubectl scale} uses).
   */
  private MockResponse scale(RecordedRequest request, ResourcePath path) throws IOException {
    String objectPath = path.objectPath();
    String method = request.getMethod();
    if (method.equals("PUT") || method.equals("PATCH")) {
      Integer replicas = requestedReplicas(request);
      if (replicas == null) {
        return status(400, "BadRequest", "scale: no spec.replicas in the request");
      }
      String patch = "{\"spec\":{\"replicas\":" + replicas + "}}";
      MockResponse patched = store.dispatch(
          request(HttpMethod.PATCH, objectPath, "application/merge-patch+json", patch));
      if (patched.code() >= 300) {
        return withContentType(patched);
      }
    } else if (!method.equals("GET")) {
      return status(405, "MethodNotAllowed", method + " on /scale");
    }
    MockResponse current = store.dispatch(request(HttpMethod.GET, objectPath, null, null));
    if (current.code() != 200) {
      return withContentType(current);
    }
    JsonNode object = read(current);
    ObjectNode scale = mapper.createObjectNode().put("kind", "Scale")
        .put("apiVersion", "autoscaling/v1");
    ObjectNode meta = scale.putObject("metadata");
    JsonNode m = object.path("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (m.has(f)) {
        meta.set(f, m.get(f));
      }
    }
    scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt());
    ObjectNode status = scale.putObject("status")
        .put("replicas", object.path("status").path("replicas").asInt());
    JsonNode labels = object.path("spec").path("selector").path("matchLabels");
    StringBuilder selector = new StringBuilder();
    labels.fields().forEachRemaining(e -> selector.append(selector.length() == 0 ? "" : ",")
        .append(e.getKey()).append('=').append(e.getValue().asText()));
    status.put("selector", selector.toString());
    return json(200, scale);
  }

  private Integer requestedReplicas(RecordedRequest request) throws IOException {
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
    if (body.length == 0) {
      return null;
    }
    JsonNode node = mapper.readTree(body);
    if (node.isArray()) {
      for (JsonNode op : node) {
        if (op.path("path").asText().equals("/spec/replicas") && op.has("value")) {
          return op.path("value").asInt();
        }
      }
      return null;
    }
    JsonNode replicas = node.path("spec").path("replicas");
    return replicas.isNumber() ? replicas.asInt() : null;
  }

  private JsonNode read(MockResponse response) throws IOException {
    Buffer body = response.getBody();
    return body == null ? mapper.createObjectNode() : mapper.readTree(body.getBytes());
  }

  private static RecordedRequest request(HttpMethod method, String path, String contentType,
      String body) {
    Headers.Builder headers = Headers.builder();
    if (contentType != null) {
      headers.add("Content-Type", contentType);
    }
    Buffer buffer = new Buffer();
    if (body != null) {
      buffer.writeUtf8(body);
    }
    return new RecordedRequest("HTTP/1.1", method, path, headers.build(), buffer);
  }

  private MockResponse json(int code, JsonNode body) throws IOException {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", JSON)
        .setBody(mapper.writeValueAsString(body));
  }

  private MockResponse status(int code, String reason, String message) {
    ObjectNode status = mapper.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
        .put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    status.putObject("metadata");
    try {
      return json(code, status);
    } catch (IOException e) {
      return new MockResponse().setResponseCode(code);
    }
  }

  /** kubectl (describe in particular) refuses bodies without a Content-Type. */
  private static MockResponse withContentType(MockResponse response) {
    if (response != null && response.getWebSocketListener() == null
        && response.header("Content-Type") == null && response.getBody() != null) {
      response.setHeader("Content-Type", JSON);
    }
    return response;
  }

  @Override
  public void shutdown() {
    store.shutdown();
  }
}
