package ai.openmldb.operator.openmldb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.CuratorCacheStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ZooKeeper says about one OpenMLDB cluster (under its {@code zk_root_path}), kept current
 * by Curator caches (ZooKeeper watches) rather than polling: the nameserver leader, the live
 * tablets and the {@code use_name} mapping from server names to real addresses.
 *
 * <p>Paths (openmldb-protocol.md §1): {@code <root>/leader/lock_request<seq>} (first in sorted
 * order holds the lock; value = the nameserver's name), {@code <root>/nodes/<name>} (one
 * ephemeral node per live tablet; value {@code startup_<name>} after a process start, {@code
 * <name>} after a ZooKeeper reconnect), {@code <root>/map/names/<name>} (name → {@code ip:port}).
 *
 * <p>It also watches {@code <root>/op/op_data}: the nameserver creates {@code op_data/<op_id>}
 * when it queues an op, rewrites it as each of the op's tasks finishes and deletes it when the op
 * ends. Only that something changed is used (listeners wake the roll when an op ends instead of
 * it polling); the nodes' protobuf values are neither kept nor parsed, ShowOPStatus stays the
 * source of op statuses.
 *
 * <p>And {@code <root>/table/notify}, which the nameserver increments whenever it writes table
 * metadata ({@code NotifyTableChanged}: alive status, leader changes, replicas added or deleted,
 * tables created or dropped; OpenMLDB's SDKs watch it to refresh their routes). Together with the
 * rest, it moves {@link #generation()}: a number that changes whenever anything watched here
 * changes or the session to ZooKeeper wavers, so that what was read from the nameserver can be
 * kept while it stays the same.
 */
public final class ClusterView implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);
  static final String LOCK_PREFIX = "lock_request";
  static final String STARTUP_PREFIX = "startup_";

  private final CuratorFramework zk;
  private final String root;
  private final CuratorCache leaderCache;
  private final CuratorCache nodesCache;
  private final CuratorCache namesCache;
  private final CuratorCache opsCache;
  private final CuratorCache notifyCache;
  private final List<CuratorCache> caches;
  private final AtomicInteger initialized = new AtomicInteger();
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong opsGeneration = new AtomicLong();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean started;

  public ClusterView(CuratorFramework zk, String rootPath) {
    this.zk = zk;
    this.root = normalize(rootPath);
    this.leaderCache = CuratorCache.build(zk, leaderPath());
    this.nodesCache = CuratorCache.build(zk, nodesPath());
    this.namesCache = CuratorCache.build(zk, namesPath());
    this.opsCache = CuratorCache.builder(zk, opsPath())
        .withStorage(CuratorCacheStorage.dataNotCached())
        .build();
    this.notifyCache = CuratorCache.build(zk, notifyPath());
    this.caches = List.of(leaderCache, nodesCache, namesCache, opsCache, notifyCache);
    for (CuratorCache cache : caches) {
      // a metadata bump wakes nobody by itself (the roll bumps it with every fence); it only
      // says that what was read from the nameserver is out of date
      boolean wakes = cache != notifyCache;
      boolean ops = cache == opsCache;
      cache
          .listenable()
          .addListener(
              CuratorCacheListener.builder()
                  .forAll((type, oldData, data) -> {
                    if (ops) {
                      opsGeneration.incrementAndGet();
                    }
                    changed(wakes);
                  })
                  .forInitialized(
                      () -> {
                        initialized.incrementAndGet();
                        changed(true);
                      })
                  .build());
    }
    zk.getConnectionStateListenable().addListener((c, state) -> {
      opsGeneration.incrementAndGet();
      generation.incrementAndGet();
    });
  }

  private void changed(boolean wakes) {
    generation.incrementAndGet();
    if (wakes) {
      fire();
    }
  }

  /**
   * Changes whenever the leader, the tablets, the names, the ops or the table metadata notify
   * node change, or the ZooKeeper connection changes state: equal values mean nothing watched
   * changed in between (as far as the watches have told; they trail ZooKeeper by a moment).
   */
  public long generation() {
    return generation.get();
  }

  /**
   * Changes whenever an op znode ({@code <root>/op/op_data/<id>}) is created, rewritten (the
   * nameserver rewrites it as the op starts and as each of its tasks ends, and keeps a failed op's
   * there with its new status) or deleted (the op ended), or the ZooKeeper connection changes
   * state.
   */
  public long opsGeneration() {
    return opsGeneration.get();
  }

  /**
   * Whether the watch has seen {@code op_data/<id>}: an op the nameserver lists as unfinished
   * without it cannot be trusted to announce its end (its node is not written yet, or already
   * deleted while the list still said otherwise, or was never written).
   */
  public boolean hasOpNode(long opId) {
    return opsCache.get(opsPath() + "/" + opId).isPresent();
  }

  static String normalize(String rootPath) {
    String r = rootPath == null ? "" : rootPath.trim();
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    if (!r.startsWith("/")) {
      r = "/" + r;
    }
    return r;
  }

  /** Starts the caches; returns at once (the caches fill in the background once connected). */
  public synchronized void start() {
    if (!started) {
      started = true;
      caches.forEach(CuratorCache::start);
    }
  }

  /** True once every cache has loaded its first full picture from ZooKeeper. */
  public boolean initialized() {
    return initialized.get() >= caches.size();
  }

  public String rootPath() {
    return root;
  }

  public String leaderPath() {
    return root + "/leader";
  }

  public String nodesPath() {
    return root + "/nodes";
  }

  public String namesPath() {
    return root + "/map/names";
  }

  public String opsPath() {
    return root + "/op/op_data";
  }

  public String notifyPath() {
    return root + "/table/notify";
  }

  /**
   * Called (on a Curator thread; keep it short) whenever the leader, tablets, names or the
   * nameserver's ops change.
   */
  public void addListener(Runnable onChange) {
    listeners.add(onChange);
  }

  public void removeListener(Runnable onChange) {
    listeners.remove(onChange);
  }

  private void fire() {
    for (Runnable r : listeners) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("cluster view listener failed", e);
      }
    }
  }

  /** Name of the nameserver holding the leader lock (first {@code leader/lock_request*} child). */
  public Optional<String> nameserverLeader() {
    return nameservers().stream().findFirst();
  }

  /** Every nameserver waiting on the lock, in lock order (the first is the leader). */
  public List<String> nameservers() {
    List<String> out = new ArrayList<>();
    children(leaderCache, leaderPath()).entrySet().stream()
        .filter(e -> e.getKey().startsWith(LOCK_PREFIX))
        .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
        .forEach(e -> out.add(e.getValue()));
    return out;
  }

  /**
   * Reads the leader straight from ZooKeeper (not the cache): used after a nameserver answered
   * "not leader", when the cache may not have seen the change yet. Blocks for one ZooKeeper read.
   */
  public Optional<String> readNameserverLeader() {
    try {
      List<String> children = new ArrayList<>(zk.getChildren().forPath(leaderPath()));
      children.removeIf(c -> !c.startsWith(LOCK_PREFIX));
      children.sort(Comparator.naturalOrder());
      for (String c : children) {
        try {
          return Optional.of(
              new String(zk.getData().forPath(leaderPath() + "/" + c), StandardCharsets.UTF_8));
        } catch (org.apache.zookeeper.KeeperException.NoNodeException gone) {
          // the holder just went away; the next child is the new holder
        }
      }
      return Optional.empty();
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (Exception e) {
      throw new ZooKeeperUnavailableException(
          "cannot read " + leaderPath() + ": " + e.getMessage(), e);
    }
  }

  /** Names registered under {@code <root>/nodes}: the live tablets. */
  public Set<String> liveTablets() {
    return new TreeSet<>(children(nodesCache, nodesPath()).keySet());
  }

  /** The registration value of a live tablet ({@code startup_<name>} or {@code <name>}). */
  public Optional<String> tabletRegistration(String name) {
    return Optional.ofNullable(children(nodesCache, nodesPath()).get(name));
  }

  /**
   * True when a live tablet registered as a fresh process start ({@code startup_} value) rather
   * than after a ZooKeeper reconnect: OpenMLDB treats the two differently.
   */
  public boolean registeredAfterStartup(String name) {
    return tabletRegistration(name).map(v -> v.startsWith(STARTUP_PREFIX)).orElse(false);
  }

  /** Czxid-based identity of a tablet's registration: changes on every re-registration. */
  public Optional<Long> registrationId(String name) {
    return nodesCache
        .get(nodesPath() + "/" + name)
        .map(d -> d.getStat() == null ? 0L : d.getStat().getCzxid());
  }

  /** Real {@code host:port} of a server name via {@code <root>/map/names}, else the name. */
  public String resolve(String name) {
    return namesCache
        .get(namesPath() + "/" + name)
        .map(ChildData::getData)
        .filter(d -> d != null && d.length > 0)
        .map(d -> new String(d, StandardCharsets.UTF_8))
        .orElse(name);
  }

  /** Direct children of a cached path with their values. */
  private static Map<String, String> children(CuratorCache cache, String parent) {
    Map<String, String> out = new TreeMap<>();
    String prefix = parent + "/";
    cache.stream()
        .filter(d -> d.getPath().startsWith(prefix))
        .forEach(
            d -> {
              String rest = d.getPath().substring(prefix.length());
              if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                byte[] data = d.getData();
                out.put(rest, data == null ? "" : new String(data, StandardCharsets.UTF_8));
              }
            });
    return out;
  }

  @Override
  public void close() {
    caches.forEach(CuratorCache::close);
  }
}
