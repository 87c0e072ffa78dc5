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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's connections to OpenMLDB clusters, one cached {@link ClusterConnection} per
 * (ZooKeeper connect string, root path). {@link #connect} returns at once: the ZooKeeper session is
 * opened in the background and the connection reports connecting / connected / unreachable, so
 * a reconcile never waits on an unreachable ZooKeeper.
 *
 * <p>A connection no reconcile has asked for within the idle limit is closed: that of a cluster
 * whose resource was deleted (no reconcile runs for it again, and without a finalizer the
 * operator is not told), or whose spec now names another ZooKeeper. A live cluster is reconciled
 * at least every reconcile interval, well within the limit; were its connection closed anyway,
 * its next reconcile would open a new one.
 */
public final class OpenMLDBConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenMLDBConnections.class);
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

  private record Entry(ClusterConnection connection, int sessionTimeoutMs, Optional<String> auth,
      AtomicLong lastUsedNanos) {}

  /** How often connections are checked for idleness (a look at timestamps: no I/O). */
  static final Duration SWEEP_PERIOD = Duration.ofMinutes(1);

  private final LongSupplier nanoTime;
  private final ScheduledExecutorService sweeper;

  /**
   * @param nameserverAuthorization {@code Authorization} header for the servers: {@code sdefault}
   *     or {@code u<user>:<password>}; null means {@code sdefault}
   */
  public OpenMLDBConnections(
      Duration connectTimeout, Duration requestTimeout, String nameserverAuthorization) {
    this(connectTimeout, requestTimeout, nameserverAuthorization, Clock.systemUTC(), null,
        System::nanoTime);
  }

  /**
   * @param idleLimit connections unused for longer are closed (checked every {@link
   *     #SWEEP_PERIOD}); null keeps them until {@link #close}
   */
  OpenMLDBConnections(
      Duration connectTimeout,
      Duration requestTimeout,
      String nameserverAuthorization,
      Clock clock,
      Duration idleLimit,
      LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.nameserverAuthorization =
        nameserverAuthorization == null
            ? NameserverClient.DEFAULT_AUTHORIZATION
            : nameserverAuthorization;
    this.http = NameserverClient.newHttpClient(connectTimeout.compareTo(requestTimeout) < 0
        ? connectTimeout : requestTimeout);
    this.clock = clock;
    if (idleLimit == null) {
      this.sweeper = null;
    } else {
      this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "openmldb-idle-connections");
        t.setDaemon(true);
        return t;
      });
      sweeper.scheduleWithFixedDelay(() -> closeIdle(idleLimit), SWEEP_PERIOD.toMillis(),
          SWEEP_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Timeouts from the operator configuration, default credential {@code sdefault}; a connection
   * is closed when no reconcile asked for it within {@link #idleLimit(OperatorConfig)}.
   */
  public OpenMLDBConnections(OperatorConfig config) {
    this(config.zookeeperConnectTimeout(), config.nameserverRequestTimeout(), null,
        Clock.systemUTC(), idleLimit(config), System::nanoTime);
  }

  /** Five reconcile intervals, at least 10 minutes: a live cluster is reconciled far more often. */
  static Duration idleLimit(OperatorConfig config) {
    Duration five = config.reconcileInterval().multipliedBy(5);
    Duration floor = Duration.ofMinutes(10);
    return five.compareTo(floor) < 0 ? floor : five;
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
    long now = nanoTime.getAsLong();
    Entry e =
        connections.compute(
            key,
            (k, old) -> {
              if (old != null
                  && old.connection().state() != ClusterConnection.State.CLOSED
                  && old.sessionTimeoutMs() == sessionTimeoutMs
                  && old.auth().equals(zkDigestAuth)) {
                // marked used under the key's lock, which closeIdle decides under too
                old.lastUsedNanos().set(now);
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
              return new Entry(c, sessionTimeoutMs, zkDigestAuth, new AtomicLong(now));
            });
    return e.connection();
  }

  /**
   * Closes the connections no {@link #connect} asked for within {@code limit}. Decided under the
   * map's lock for the key, as {@code connect} is: a connection just handed out is not idle.
   */
  void closeIdle(Duration limit) {
    long now = nanoTime.getAsLong();
    for (Key key : new ArrayList<>(connections.keySet())) {
      Entry[] closed = new Entry[1];
      connections.computeIfPresent(key, (k, e) -> {
        if (now - e.lastUsedNanos().get() > limit.toNanos()) {
          closed[0] = e;
          return null;
        }
        return e;
      });
      if (closed[0] != null) {
        LOG.info("closing the connection to {} {}: no reconcile asked for it in {}",
            key.connectString(), key.rootPath(), limit);
        starter.execute(closed[0].connection()::close);
      }
    }
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
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    for (Entry e : new ArrayList<>(connections.values())) {
      e.connection().close();
    }
    connections.clear();
    starter.shutdown();
  }
}
