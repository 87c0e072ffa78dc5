package ai.openmldb.operator.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's small HTTP endpoint: {@code /metrics} (Prometheus text), {@code /healthz}
 * (liveness) and {@code /readyz} (readiness). Built on the JDK's HTTP server so the image needs no
 * web framework. Only GET and HEAD are answered.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final String PLAIN = "text/plain; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * Binds {@code port} on all interfaces (0 picks a free port) and starts serving.
   *
   * @param metrics the scrape text, with its content type
   * @param live whether the process is healthy (false makes the kubelet restart it)
   * @param ready whether the operator has started and should receive traffic
   */
  public HealthServer(int port, Supplier<String> metrics, String metricsContentType,
      BooleanSupplier live, BooleanSupplier ready) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 16);
    // Two threads: a slow scrape must not delay a probe past its timeout.
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "health-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", ex -> answer(ex, 200, metricsContentType, metrics.get()));
    server.createContext("/healthz", ex -> probe(ex, live, "ok\n", "not healthy\n"));
    server.createContext("/readyz", ex -> probe(ex, ready, "ready\n", "not ready\n"));
    server.createContext("/", ex -> answer(ex, 404, PLAIN, "not found; try /metrics, /healthz, /readyz\n"));
    server.start();
  }

  /** The bound port (useful when constructed with 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange ex, BooleanSupplier check, String ok, String notOk)
      throws IOException {
    boolean good;
    try {
      good = check.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.warn("probe {} failed: {}", ex.getRequestURI().getPath(), e.toString());
      good = false;
    }
    answer(ex, good ? 200 : 503, PLAIN, good ? ok : notOk);
  }

  private static void answer(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      if (method.equals("HEAD")) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("answering {} failed", ex.getRequestURI(), e);
      throw e;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
