package ai.openmldb.operator.openmldb;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The tablet's own RPCs ({@code POST http://<tablet>/TabletServer/<Method>}), addressed by the
 * tablet's name and resolved through {@code map/names}. Only {@code GetTableStatus} is used: what
 * the tablet itself leads or follows, which the nameserver's metadata may not reflect (a demoted
 * leader keeps acting as leader until {@code RecoverTable}).
 */
public final class TabletClient {
  private final ClusterView view;
  private final HttpClient http;
  private final String authorization;
  private final Duration timeout;

  public TabletClient(ClusterView view, HttpClient http, String authorization, Duration timeout) {
    this.view = view;
    this.http = http;
    this.authorization =
        authorization == null || authorization.isEmpty()
            ? NameserverClient.DEFAULT_AUTHORIZATION
            : authorization;
    this.timeout = timeout;
  }

  /** Every partition the tablet has loaded, with its role and offset. */
  public List<TabletTableStatus> tableStatus(String tablet) {
    String address = view.resolve(tablet);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://" + address + "/TabletServer/GetTableStatus"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Authorization", authorization)
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    String body;
    try {
      HttpResponse<String> resp =
          http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (resp.statusCode() != 200) {
        throw new OpenMLDBException(
            "GetTableStatus on " + tablet + ": HTTP " + resp.statusCode(), null);
      }
      body = resp.body();
    } catch (IOException e) {
      throw new OpenMLDBException(
          "tablet " + tablet + " (" + address + ") unreachable: " + NameserverClient.describe(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpenMLDBException("interrupted", e);
    }
    JsonNode r;
    try {
      r = ProtoJson.read(body);
    } catch (IOException e) {
      throw new OpenMLDBException("unreadable GetTableStatus from " + tablet, e);
    }
    int code = ProtoJson.int32(r, "code");
    if (code != 0) {
      throw new OpenMLDBException(
          "GetTableStatus on " + tablet + " failed with code " + code + ": "
              + ProtoJson.text(r, "msg"),
          null);
    }
    return ProtoJson.repeated(r, "all_table_status").stream()
        .map(
            n ->
                new TabletTableStatus(
                    ProtoJson.int32(n, "tid"),
                    ProtoJson.int32(n, "pid"),
                    ProtoJson.int64(n, "offset"),
                    ProtoJson.text(n, "mode"),
                    ProtoJson.text(n, "state")))
        .toList();
  }
}
