package ai.openmldb.operator.openmldb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The nameserver's RPCs the operator uses, over brpc's HTTP/JSON interface
 * ({@code POST http://<leader>/NameServer/<Method>}, field names as in {@code name_server.proto}).
 * Calls go to the current leader found in ZooKeeper (its name resolved through {@code
 * map/names}); a non-leader answer (code 300) re-reads the leader from ZooKeeper and retries once.
 *
 * <p>Every request carries an {@code Authorization} header: OpenMLDB's brpc authenticator closes
 * the connection of a request without one. Its value is a credential and is never logged.
 *
 * <p>Errors: {@link NameserverUnavailableException} when no leader is known or it cannot be
 * reached ({@link NameserverNotLeaderException} when leadership is moving), {@link
 * NameserverRpcException} (with OpenMLDB's code) when it answers with a non-zero code.
 */
public final class NameserverClient {
  /** OpenMLDB's {@code kNameserverIsNotLeader}. */
  public static final int CODE_NOT_LEADER = 300;

  /** The default credential: accepted by every OpenMLDB server, with or without grant tables. */
  public static final String DEFAULT_AUTHORIZATION = "sdefault";

  /** RPCs that change nothing: every other method may change what ShowTable answers. */
  private static final Set<String> READS = Set.of("ShowTable", "ShowTablet", "ShowOPStatus",
      "ShowDatabase", "ConfGet", "GetTablePartition");

  private final ClusterView view;
  private final HttpClient http;
  private final String authorization;
  private final Duration timeout;
  private final LongAdder calls = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final List<Runnable> mutationListeners = new CopyOnWriteArrayList<>();

  /**
   * @param authorization the {@code Authorization} header value: {@code sdefault} or {@code
   *     u<user>:<password>}
   */
  public NameserverClient(
      ClusterView view, HttpClient http, String authorization, Duration timeout) {
    this.view = Objects.requireNonNull(view);
    this.http = Objects.requireNonNull(http);
    this.authorization =
        authorization == null || authorization.isEmpty() ? DEFAULT_AUTHORIZATION : authorization;
    this.timeout = Objects.requireNonNull(timeout);
  }

  /** An HTTP client suited to brpc: HTTP/1.1 (no h2c upgrade), bounded connect time. */
  public static HttpClient newHttpClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .build();
  }

  /** RPCs sent so far (a retry after "not leader" counts twice). */
  public long callsMade() {
    return calls.sum();
  }

  /** Bytes of response bodies received so far. */
  public long bytesReceived() {
    return bytes.sum();
  }

  /**
   * Called before and after every RPC that may change the nameserver's metadata (anything but
   * Show* and ConfGet), whether it succeeds or not: what this client reads afterwards must not
   * come from before it.
   */
  public void addMutationListener(Runnable listener) {
    mutationListeners.add(listener);
  }

  private void mutating(String method) {
    if (!READS.contains(method)) {
      mutationListeners.forEach(Runnable::run);
    }
  }

  /** The nameserver leader's name as ZooKeeper shows it now, if any. */
  public Optional<String> leader() {
    return view.nameserverLeader();
  }

  // ---- RPCs ----

  public List<TabletInfo> showTablets() {
    JsonNode r = call("ShowTablet", ProtoJson.object());
    return ProtoJson.repeated(r, "tablets").stream().map(ProtoJson::tablet).toList();
  }

  /**
   * Every table of every database, internal ones included ({@code ShowTable show_all}), read
   * straight from the response stream into records: no JSON tree of the ~5 MB a cluster of
   * 10,000 partitions answers.
   */
  public List<TableInfo> showTables() {
    ObjectNode req = ProtoJson.object().put("show_all", true);
    return list("ShowTable", req, "table_info", ProtoJsonStream.tables());
  }

  /** One table; empty when the nameserver does not know it. */
  public Optional<TableInfo> showTable(String db, String table) {
    ObjectNode req = ProtoJson.object().put("db", db).put("name", table);
    try {
      return list("ShowTable", req, "table_info", ProtoJsonStream.tables()).stream()
          .filter(t -> t.name().equals(table))
          .findFirst();
    } catch (NameserverRpcException e) {
      if (e.code() == 100) { // kTableIsNotExist
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Database names ({@code ShowDatabase}). */
  public List<String> showDatabases() {
    JsonNode r = call("ShowDatabase", ProtoJson.object());
    List<String> out = new ArrayList<>();
    ProtoJson.repeated(r, "db").forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * {@code ChangeLeader}: asynchronous, creates an op. {@code candidate} is a replica's endpoint
   * (taken however far behind it is), {@code "auto"} (the alive follower with the highest offset),
   * or null (no candidate: refused with 309 while the leader is alive).
   */
  public void changeLeader(String db, String table, int pid, String candidate) {
    ObjectNode req = ProtoJson.object().put("name", table).put("pid", pid).put("db", db);
    if (candidate != null) {
      req.put("candidate_leader", candidate);
    }
    call("ChangeLeader", req);
  }

  /** {@code AddReplicaNS}: creates an op. */
  public void addReplica(String db, String table, int pid, String endpoint) {
    call(
        "AddReplicaNS",
        ProtoJson.object().put("name", table).put("pid", pid).put("endpoint", endpoint).put("db", db));
  }

  /** {@code DelReplicaNS}: creates an op. */
  public void deleteReplica(String db, String table, int pid, String endpoint) {
    call(
        "DelReplicaNS",
        ProtoJson.object().put("name", table).put("pid", pid).put("endpoint", endpoint).put("db", db));
  }

  /** {@code RecoverTable}: creates an op that reloads and re-attaches one replica. */
  public void recoverTable(String db, String table, int pid, String endpoint) {
    call(
        "RecoverTable",
        ProtoJson.object().put("name", table).put("pid", pid).put("endpoint", endpoint).put("db", db));
  }

  /** {@code RecoverEndpoint}: recover every replica of a restarted tablet (creates ops). */
  public void recoverEndpoint(String endpoint, boolean needRestore, int concurrency) {
    ObjectNode req =
        ProtoJson.object().put("endpoint", endpoint).put("need_restore", needRestore);
    if (concurrency > 0) {
      req.put("concurrency", concurrency);
    }
    call("RecoverEndpoint", req);
  }

  /** {@code OfflineEndpoint}: take a tablet's replicas offline, moving its leaders (ops). */
  public void offlineEndpoint(String endpoint, int concurrency) {
    ObjectNode req = ProtoJson.object().put("endpoint", endpoint);
    if (concurrency > 0) {
      req.put("concurrency", concurrency);
    }
    call("OfflineEndpoint", req);
  }

  /** {@code Migrate}: move follower replicas of some partitions to another tablet (ops). */
  public void migrate(String db, String table, List<Integer> pids, String from, String to) {
    ObjectNode req =
        ProtoJson.object()
            .put("src_endpoint", from)
            .put("name", table)
            .put("des_endpoint", to)
            .put("db", db);
    pids.forEach(req.putArray("pid")::add);
    call("Migrate", req);
  }

  /** {@code UpdateTableAliveStatus}: mark one replica (not) alive; fences a leader from clients. */
  public void updateTableAliveStatus(
      String db, String table, int pid, String endpoint, boolean alive) {
    call(
        "UpdateTableAliveStatus",
        ProtoJson.object()
            .put("name", table)
            .put("endpoint", endpoint)
            .put("pid", pid)
            .put("is_alive", alive)
            .put("db", db));
  }

  /** {@code ShowOPStatus} for every op the nameserver still lists (request {@code {}}). */
  public List<OpStatus> showOpStatus() {
    return ops(ProtoJson.object());
  }

  /** {@code ShowOPStatus} of one partition's ops. */
  public List<OpStatus> showOpStatus(String db, String table, int pid) {
    return ops(ProtoJson.object().put("db", db).put("name", table).put("pid", pid));
  }

  private List<OpStatus> ops(ObjectNode req) {
    // the listing keeps up to 10,000 ops (a drain of thousands of leaders): a stream as well
    return list("ShowOPStatus", req, "op_status", ProtoJsonStream::op);
  }

  /** {@code CancelOP}: cancel an op that is kInited or kDoing. */
  public void cancelOp(long opId) {
    call("CancelOP", ProtoJson.object().put("op_id", opId));
  }

  /** {@code ConfGet}: every runtime setting the nameserver reports. */
  public Map<String, String> conf() {
    JsonNode r = call("ConfGet", ProtoJson.object());
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode c : ProtoJson.repeated(r, "conf")) {
      out.put(ProtoJson.text(c, "key"), ProtoJson.text(c, "value"));
    }
    return out;
  }

  /** {@code ConfGet auto_failover}. */
  public boolean autoFailover() {
    return Boolean.parseBoolean(conf().getOrDefault("auto_failover", "false"));
  }

  /** {@code ConfSet auto_failover}. */
  public void setAutoFailover(boolean on) {
    ObjectNode req = ProtoJson.object();
    req.putObject("conf").put("key", "auto_failover").put("value", Boolean.toString(on));
    call("ConfSet", req);
  }

  // ---- transport ----

  /** Reads a whole response body from a streaming parser. */
  @FunctionalInterface
  private interface BodyReader<T> {
    ProtoJsonStream.Reply<T> read(JsonParser p) throws IOException;
  }

  /**
   * POSTs one RPC to the leader and returns the response body; throws on a transport error or a
   * non-zero code. On code 300 the leader is re-read from ZooKeeper and the call retried once.
   */
  public JsonNode call(String method, ObjectNode request) {
    return call(method, request, NameserverClient::tree);
  }

  /** As {@link #call(String, ObjectNode)}, keeping only one repeated field, read as a stream. */
  private <T> List<T> list(
      String method, ObjectNode request, String field, ProtoJsonStream.ElementReader<T> element) {
    return call(method, request, p -> ProtoJsonStream.reply(p, field, element));
  }

  private static ProtoJsonStream.Reply<JsonNode> tree(JsonParser p) throws IOException {
    // an empty body is an empty object (code 0), as brpc's JSON of a message with nothing set
    JsonNode r = p.nextToken() == null ? ProtoJson.object() : ProtoJson.MAPPER.readTree(p);
    return new ProtoJsonStream.Reply<>(ProtoJson.int32(r, "code"), ProtoJson.text(r, "msg"), r);
  }

  private <T> T call(String method, ObjectNode request, BodyReader<T> reader) {
    mutating(method);
    try {
      return callLeader(method, request, reader);
    } finally {
      mutating(method);
    }
  }

  private <T> T callLeader(String method, ObjectNode request, BodyReader<T> reader) {
    String leader =
        view.nameserverLeader()
            .orElseThrow(
                () ->
                    new NameserverUnavailableException(
                        "no nameserver leader registered under " + view.leaderPath(), null));
    ProtoJsonStream.Reply<T> r = post(leader, method, request, reader);
    if (r.code() == CODE_NOT_LEADER) {
      Optional<String> fresh = view.readNameserverLeader();
      if (fresh.isEmpty()) {
        throw new NameserverNotLeaderException(
            method + ": " + leader + " is not the nameserver leader and none is registered now");
      }
      r = post(fresh.get(), method, request, reader);
      if (r.code() == CODE_NOT_LEADER) {
        throw new NameserverNotLeaderException(
            method + ": " + fresh.get() + " answered 'not leader' after a retry (leadership moving)");
      }
    }
    if (r.code() != 0) {
      throw new NameserverRpcException(method, r.code(), r.msg());
    }
    return r.value();
  }

  /** One POST; the body is parsed as it arrives (no copy of it as a string first). */
  private <T> ProtoJsonStream.Reply<T> post(
      String name, String method, ObjectNode request, BodyReader<T> reader) {
    String address = view.resolve(name);
    URI uri = URI.create("http://" + address + "/NameServer/" + method);
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Authorization", authorization)
            .POST(HttpRequest.BodyPublishers.ofString(ProtoJson.write(request)))
            .build();
    calls.increment();
    try {
      HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = new CountingInputStream(resp.body(), bytes)) {
        if (resp.statusCode() != 200) {
          // brpc answers HTTP errors for unknown methods or malformed JSON; no OpenMLDB code then
          String text = new String(body.readNBytes(301), StandardCharsets.UTF_8);
          throw new NameserverRpcException(
              method, -1, "HTTP " + resp.statusCode() + " from " + name + ": " + abbreviate(text));
        }
        try (JsonParser parser = ProtoJson.MAPPER.createParser(body)) {
          ProtoJsonStream.Reply<T> reply = reader.read(parser);
          body.transferTo(OutputStream.nullOutputStream()); // to its end: the connection is reused
          return reply;
        } catch (JsonProcessingException e) {
          throw new NameserverRpcException(
              method, -1, "unreadable response from " + name + ": " + e.getOriginalMessage());
        }
      }
    } catch (IOException e) {
      // no answer, or the connection broke while the body arrived
      throw new NameserverUnavailableException(
          method + ": nameserver " + name + " (" + address + ") unreachable: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NameserverUnavailableException(method + ": interrupted", e);
    }
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : " " + msg);
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
