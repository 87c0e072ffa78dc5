package ai.openmldb.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void answersProbesFromTheirChecksAndServesMetrics() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server = new HealthServer(0, () -> "demo_total 1.0\n",
        "text/plain; version=0.0.4; charset=utf-8", () -> true, ready::get)) {
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);

      HttpResponse<String> metrics = get(server, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).isEqualTo("demo_total 1.0\n");
      assertThat(metrics.headers().firstValue("Content-Type")).contains(
          "text/plain; version=0.0.4; charset=utf-8");
      assertThat(get(server, "/nothing").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void reportsAFailingCheckAsUnhealthyInsteadOfFailingTheRequest() throws Exception {
    try (HealthServer server = new HealthServer(0, () -> "", "text/plain", () -> {
      throw new IllegalStateException("boom");
    }, () -> true)) {
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void refusesWritesToTheEndpoint() throws Exception {
    try (HealthServer server = new HealthServer(0, () -> "", "text/plain", () -> true,
        () -> true)) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(server, "/readyz"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(405);
    }
  }

  private HttpResponse<String> get(HealthServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(server, path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(HealthServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
