package ai.openmldb.operator.openmldb;

import ai.openmldb.operator.config.OperatorConfig;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operator's connections to OpenMLDB clusters, one cached {@link ClusterConnection} per
 * (ZooKeeper connect string, root path). {@link #connect} returns at once: the ZooKeeper session is
 * opened in the background and the connection reports connecting / connected / unreachable, so
 * a reconcile never waits on an unreachable ZooKeeper.
 */
public final class OpenMLDBConnections implements AutoCloseable {
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final String nameserverAuthorization;
  private final HttpClient http;
  private final Clock clock;
  private final Map<Key, Entry> connections = new ConcurrentHashMap<>();
  private final ExecutorService starter =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "openmldb-connect");
            t.setDaemon(true);
            return t;
          });

  private record Key(String connectString, String rootPath) {}

  private record Entry(ClusterConnection connection, int sessionTimeoutMs, Optional<String> auth) {}

  /**
   * @param nameserverAuthorization {@code Authorization} header for the servers: {@code sdefault}
   *     or {@code u<user>:<password>}; null means {@code sdefault}
   */
  public OpenMLDBConnections(
      Duration connectTimeout, Duration requestTimeout, String nameserverAuthorization) {
    this(connectTimeout, requestTimeout, nameserverAuthorization, Clock.systemUTC());
  }

  OpenMLDBConnections(
      Duration connectTimeout,
      Duration requestTimeout,
      String nameserverAuthorization,
      Clock clock) {
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.nameserverAuthorization =
        nameserverAuthorization == null
            ? NameserverClient.DEFAULT_AUTHORIZATION
            : nameserverAuthorization;
    this.http = NameserverClient.newHttpClient(connectTimeout.compareTo(requestTimeout) < 0
        ? connectTimeout : requestTimeout);
    this.clock = clock;
  }

  /** Timeouts from the operator configuration, default credential {@code sdefault}. */
  public OpenMLDBConnections(OperatorConfig config) {
    this(config.zookeeperConnectTimeout(), config.nameserverRequestTimeout(), null);
  }

  /** The connection to a cluster; created (and started in the background) on first use. */
  public ClusterConnection connect(String connectString, String rootPath) {
    return connect(connectString, rootPath, 10_000, Optional.empty());
  }

  /**
   * The connection to a cluster; created and started in the background on first use. A
   * different session timeout or ZooKeeper credential than the cached connection's replaces it.
   *
   * @param zkDigestAuth optional ZooKeeper digest credential {@code user:password}
   */
  public ClusterConnection connect(
      String connectString, String rootPath, int sessionTimeoutMs, Optional<String> zkDigestAuth) {
    Objects.requireNonNull(connectString, "connectString");
    Key key = new Key(connectString, ClusterView.normalize(rootPath));
    Entry e =
        connections.compute(
            key,
            (k, old) -> {
              if (old != null
                  && old.connection().state() != ClusterConnection.State.CLOSED
                  && old.sessionTimeoutMs() == sessionTimeoutMs
                  && old.auth().equals(zkDigestAuth)) {
                return old;
              }
              if (old != null) {
                starter.execute(old.connection()::close);
              }
              ClusterConnection c =
                  new ClusterConnection(
                      k.connectString(),
                      k.rootPath(),
                      sessionTimeoutMs,
                      zkDigestAuth,
                      connectTimeout,
                      requestTimeout,
                      nameserverAuthorization,
                      http,
                      clock);
              c.startIn(starter);
              return new Entry(c, sessionTimeoutMs, zkDigestAuth);
            });
    return e.connection();
  }

  /** The connections open now (the sandbox's chaos reaches the operator's sessions through it). */
  public java.util.List<ClusterConnection> open() {
    return connections.values().stream().map(Entry::connection).toList();
  }

  /** Closes and forgets the connection to a cluster (e.g. its resource was deleted). */
  public void disconnect(String connectString, String rootPath) {
    Entry e = connections.remove(new Key(connectString, ClusterView.normalize(rootPath)));
    if (e != null) {
      starter.execute(e.connection()::close);
    }
  }

  @Override
  public void close() {
    for (Entry e : new ArrayList<>(connections.values())) {
      e.connection().close();
    }
    connections.clear();
    starter.shutdown();
  }
}
