package ai.openmldb.operator.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Kubernetes API request path taken apart: {@code /api/v1/namespaces/ns/pods/name/status} or
 * {@code /apis/group/version/plural/name}. Discovery paths ({@code /api}, {@code /apis/g/v}) have
 * a null plural.
 */
record ResourcePath(
    String group,
    String version,
    String namespace,
    String plural,
    String name,
    String subresource,
    Map<String, String> query) {

  /** Parses a request path with its query string; null when it is not under /api or /apis. */
  static ResourcePath parse(String rawPath) {
    int q = rawPath.indexOf('?');
    String path = q < 0 ? rawPath : rawPath.substring(0, q);
    Map<String, String> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : rawPath.substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        query.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    int i;
    String group;
    if (parts[0].equals("api")) {
      group = "";
      i = 1;
    } else if (parts[0].equals("apis")) {
      if (parts.length < 2) {
        return new ResourcePath(null, null, null, null, null, null, query);
      }
      group = parts[1];
      i = 2;
    } else {
      return null;
    }
    String version = i < parts.length ? parts[i++] : null;
    String namespace = null;
    if (i + 1 < parts.length && parts[i].equals("namespaces") && i + 2 < parts.length) {
      namespace = parts[i + 1];
      i += 2;
    }
    String plural = i < parts.length ? parts[i++] : null;
    String name = i < parts.length ? parts[i++] : null;
    String subresource = i < parts.length ? parts[i] : null;
    return new ResourcePath(group, version, namespace, plural, name, subresource, query);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  boolean isDiscovery() {
    return plural == null;
  }

  boolean isWatch() {
    return "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
  }

  /** The path of the main resource (no subresource, no query). */
  String objectPath() {
    StringBuilder sb = new StringBuilder(group.isEmpty() ? "/api/" : "/apis/" + group + "/");
    sb.append(version);
    if (namespace != null) {
      sb.append("/namespaces/").append(namespace);
    }
    sb.append('/').append(plural);
    if (name != null) {
      sb.append('/').append(name);
    }
    return sb.toString();
  }
}
