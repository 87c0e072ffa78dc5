package ai.openmldb.operator.openmldb;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OpenMLDB cluster as the operator reaches it: a Curator client on its ZooKeeper, the {@link
 * ClusterView} under its root path, a {@link NameserverClient}, a {@link TabletClient} and the
 * {@link LeaderMoveLedger}s. Created by {@link OpenMLDBConnections}; the ZooKeeper session is
 * started in the background so that creating one never blocks a reconcile: check {@link
 * #state()} before using it.
 */
public final class ClusterConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterConnection.class);

  /** Where the connection stands. */
  public enum State {
    /** Started, no ZooKeeper session yet (within the connect timeout). */
    CONNECTING,
    /** Session established and the view loaded: safe to use. */
    CONNECTED,
    /** Session lost, suspended, or not established within the connect timeout (still retrying). */
    UNREACHABLE,
    /** Closed by the operator. */
    CLOSED
  }

  private final String connectString;
  private final String rootPath;
  private final Duration connectTimeout;
  private final Clock clock;
  private final CuratorFramework curator;
  private final ClusterView view;
  private final NameserverClient nameserver;
  private final TabletClient tablets;
  private final ClusterTables tables;
  private final ClusterOps ops;
  private final Map<String, LeaderMoveLedger> ledgers = new ConcurrentHashMap<>();
  private final Instant createdAt;
  private volatile ConnectionState lastZkState;
  private volatile boolean everConnected;
  private volatile boolean closed;
  private volatile String startFailure;

  ClusterConnection(
      String connectString,
      String rootPath,
      int sessionTimeoutMs,
      Optional<String> zkDigestAuth,
      Duration connectTimeout,
      Duration requestTimeout,
      String nameserverAuthorization,
      HttpClient http,
      Clock clock) {
    this.connectString = connectString;
    this.rootPath = ClusterView.normalize(rootPath);
    this.connectTimeout = connectTimeout;
    this.clock = clock;
    this.createdAt = clock.instant();
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(sessionTimeoutMs)
            .connectionTimeoutMs((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
            .retryPolicy(new ExponentialBackoffRetry(200, 3, 2000));
    // digest credentials are handed to ZooKeeper only; never logged or put in messages
    zkDigestAuth.ifPresent(
        auth -> builder.authorization("digest", auth.getBytes(StandardCharsets.UTF_8)));
    this.curator = builder.build();
    this.curator.getConnectionStateListenable().addListener((c, s) -> onState(s));
    this.view = new ClusterView(curator, this.rootPath);
    this.nameserver = new NameserverClient(view, http, nameserverAuthorization, requestTimeout);
    this.tablets = new TabletClient(view, http, nameserverAuthorization, requestTimeout);
    this.tables = new ClusterTables(nameserver, tablets, view);
    this.ops = new ClusterOps(nameserver, view);
  }

  /** Starts the session and caches; run on a background thread by {@link OpenMLDBConnections}. */
  void startIn(Executor executor) {
    executor.execute(
        () -> {
          try {
            curator.start();
            view.start();
          } catch (RuntimeException e) {
            startFailure = NameserverClient.describe(e);
            LOG.warn("cannot start ZooKeeper client for {}: {}", connectString, startFailure);
          }
        });
  }

  private void onState(ConnectionState s) {
    lastZkState = s;
    if (s.isConnected()) {
      everConnected = true;
    }
  }

  public State state() {
    if (closed) {
      return State.CLOSED;
    }
    if (startFailure != null) {
      return State.UNREACHABLE;
    }
    ConnectionState s = lastZkState;
    if (s != null && s.isConnected()) {
      return view.initialized() ? State.CONNECTED : State.CONNECTING;
    }
    if (everConnected) {
      return State.UNREACHABLE;
    }
    return Duration.between(createdAt, clock.instant()).compareTo(connectTimeout) > 0
        ? State.UNREACHABLE
        : State.CONNECTING;
  }

  public boolean connected() {
    return state() == State.CONNECTED;
  }

  /** One line for a status condition: where the connection stands and why. */
  public String stateMessage() {
    String where = "ZooKeeper " + connectString + " (root " + rootPath + ")";
    return switch (state()) {
      case CONNECTED -> "connected to " + where;
      case CONNECTING -> "connecting to " + where;
      case CLOSED -> "connection to " + where + " closed";
      case UNREACHABLE -> {
        if (startFailure != null) {
          yield "cannot start a ZooKeeper client for " + where + ": " + startFailure;
        }
        if (everConnected) {
          yield "lost the session with " + where + " (" + lastZkState + "); reconnecting";
        }
        yield "cannot reach " + where + " within " + connectTimeout.toSeconds() + "s; still trying";
      }
    };
  }

  public String connectString() {
    return connectString;
  }

  public String rootPath() {
    return rootPath;
  }

  public ClusterView view() {
    return view;
  }

  public NameserverClient nameserver() {
    return nameserver;
  }

  public TabletClient tablets() {
    return tablets;
  }

  /** The tables as a pass of the roll reads them (metadata, offsets in flight read live). */
  public ClusterTables tables() {
    return tables;
  }

  /** The nameserver's ops as a pass of the roll reads them (kept while no op znode moved). */
  public ClusterOps ops() {
    return ops;
  }

  /** The raw Curator client (tests and the sandbox; the operator goes through the view). */
  public CuratorFramework curator() {
    return curator;
  }

  /** The ledger of one cluster resource, at {@link LeaderMoveLedger#defaultPath}. */
  public LeaderMoveLedger ledger(String namespace, String cluster) {
    return ledgers.computeIfAbsent(
        namespace + "/" + cluster,
        k -> new LeaderMoveLedger(curator, LeaderMoveLedger.defaultPath(namespace, cluster)));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      view.close();
    } catch (RuntimeException e) {
      LOG.debug("closing view", e);
    }
    try {
      curator.close();
    } catch (RuntimeException e) {
      LOG.debug("closing curator", e);
    }
  }
}
