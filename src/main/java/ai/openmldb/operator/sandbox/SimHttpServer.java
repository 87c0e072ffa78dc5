package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.openmldb.ProtoJson;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * A simulated OpenMLDB server's brpc HTTP face: {@code POST /<Service>/<Method>} (or the full
 * {@code /<package>.<Service>/<Method>}) with a JSON body, answered with JSON. Like OpenMLDB's
 * brpc authenticator, a request without an {@code Authorization} header gets no HTTP response:
 * the connection is closed. Listens on an ephemeral port of 127.0.0.1.
 */
final class SimHttpServer {
  /** Answers one RPC; returns null for an unknown method (HTTP 404, as brpc does). */
  interface Handler {
    SimReply handle(String method, JsonNode request);
  }

  private final HttpServer server;

  /**
   * @param service the brpc service name ({@code NameServer} or {@code TabletServer})
   * @param unreachable while true, every connection is closed without an answer (chaos switch)
   */
  SimHttpServer(
      String service, String fullService, Handler handler, BooleanSupplier unreachable,
      Executor executor) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a simulated server socket", e);
    }
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          try {
            serve(exchange, service, fullService, handler, unreachable);
          } catch (RuntimeException | IOException e) {
            exchange.close();
          }
        });
    server.start();
  }

  private static void serve(
      HttpExchange exchange,
      String service,
      String fullService,
      Handler handler,
      BooleanSupplier unreachable)
      throws IOException {
    if (unreachable.getAsBoolean() || exchange.getRequestHeaders().getFirst("Authorization") == null) {
      // brpc's authenticator rejects the request: the connection is closed, no HTTP answer
      drain(exchange.getRequestBody());
      exchange.close();
      return;
    }
    String path = exchange.getRequestURI().getPath();
    String method = null;
    for (String prefix : new String[] {"/" + service + "/", "/" + fullService + "/"}) {
      if (path.startsWith(prefix)) {
        method = path.substring(prefix.length());
      }
    }
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (method == null || method.isEmpty() || method.contains("/")) {
      respond(exchange, 404, "Fail to find method on `" + path + "'");
      return;
    }
    JsonNode request;
    try {
      request = ProtoJson.read(new String(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      respond(exchange, 400, "Fail to parse JSON body: " + e.getMessage());
      return;
    }
    SimReply response = handler.handle(method, request);
    if (response == null) {
      respond(exchange, 404, "Fail to find method=" + method);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (response instanceof SimReply.Tree tree) {
      byte[] out = ProtoJson.write(tree.tree()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
      return;
    }
    // a large listing: generated while it is sent (chunked), the client parsing as it arrives
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream os = exchange.getResponseBody();
        JsonGenerator g = ProtoJson.MAPPER.getFactory().createGenerator(os)) {
      response.write(g);
    }
  }

  private static void drain(InputStream in) {
    try {
      in.readAllBytes();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] out = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(status, out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
  }

  /** {@code 127.0.0.1:<port>}: what {@code map/names} maps the server's name to. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  void stop() {
    server.stop(0);
  }
}
