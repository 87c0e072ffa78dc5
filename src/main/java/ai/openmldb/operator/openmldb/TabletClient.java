package ai.openmldb.operator.openmldb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The tablet's own RPCs ({@code POST http://<tablet>/TabletServer/<Method>}), addressed by the
 * tablet's name and resolved through {@code map/names}. Only {@code GetTableStatus} is used: what
 * the tablet itself leads or follows, which the nameserver's metadata may not reflect (a demoted
 * leader keeps acting as leader until {@code RecoverTable}), and each partition's live offset
 * (the nameserver's {@code ShowTable} shows the offsets of its last refresh, every {@code
 * get_table_status_interval}: seconds old).
 */
public final class TabletClient {
  private final ClusterView view;
  private final HttpClient http;
  private final String authorization;
  private final Duration timeout;
  private final LongAdder calls = new LongAdder();
  private final LongAdder bytes = new LongAdder();

  public TabletClient(ClusterView view, HttpClient http, String authorization, Duration timeout) {
    this.view = view;
    this.http = http;
    this.authorization =
        authorization == null || authorization.isEmpty()
            ? NameserverClient.DEFAULT_AUTHORIZATION
            : authorization;
    this.timeout = timeout;
  }

  /** RPCs sent so far. */
  public long callsMade() {
    return calls.sum();
  }

  /** Bytes of response bodies received so far. */
  public long bytesReceived() {
    return bytes.sum();
  }

  /** Every partition the tablet has loaded, with its role and offset. */
  public List<TabletTableStatus> tableStatus(String tablet) {
    try {
      return tableStatusAsync(tablet, ProtoJson.object()).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * One partition as the tablet holds it now ({@code GetTableStatus {tid, pid}}, which
   * {@code TabletImpl::GetTableStatus} filters on): empty when the tablet has not loaded it.
   * Completes with an {@link OpenMLDBException} when the tablet cannot be read.
   */
  public CompletableFuture<List<TabletTableStatus>> tableStatusAsync(
      String tablet, int tid, int pid) {
    return tableStatusAsync(tablet, ProtoJson.object().put("tid", tid).put("pid", pid));
  }

  private CompletableFuture<List<TabletTableStatus>> tableStatusAsync(
      String tablet, ObjectNode request) {
    String address = view.resolve(tablet);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://" + address + "/TabletServer/GetTableStatus"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Authorization", authorization)
            .POST(HttpRequest.BodyPublishers.ofString(ProtoJson.write(request)))
            .build();
    calls.increment();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .handle((resp, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            throw new OpenMLDBException("tablet " + tablet + " (" + address + ") unreachable: "
                + NameserverClient.describe(cause), cause);
          }
          bytes.add(resp.body().length());
          if (resp.statusCode() != 200) {
            throw new OpenMLDBException(
                "GetTableStatus on " + tablet + ": HTTP " + resp.statusCode(), null);
          }
          return parse(tablet, resp.body());
        });
  }

  private static List<TabletTableStatus> parse(String tablet, String body) {
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
