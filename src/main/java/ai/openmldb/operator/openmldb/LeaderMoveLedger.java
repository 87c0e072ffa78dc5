package ai.openmldb.operator.openmldb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The operator's own record, in a znode outside OpenMLDB's paths (by default {@code
 * /openmldb-operator/<namespace>/<cluster>/ledger}), of the leaders it moved and the
 * auto-failover setting it found, so a restarted operator (or a halted roll) can put them back.
 *
 * <p>The znode holds one JSON document. Every change is a read-modify-write guarded by the znode
 * version (compare-and-set): two operator replicas, or a stale one, cannot overwrite each other's
 * entries. The read is skipped when the document was read or written by this client less than a
 * second ago (the roll's pass reads it just before deciding); a change by anyone else since then
 * fails the write, which is then repeated on a fresh read. Calls are synchronous ZooKeeper
 * operations; they fail fast with {@link ZooKeeperUnavailableException} when the session is not
 * connected instead of blocking.
 */
public final class LeaderMoveLedger {
  private static final int MAX_ATTEMPTS = 10;

  private final CuratorFramework zk;
  private final String path;

  private final LongSupplier nanoTime;

  public LeaderMoveLedger(CuratorFramework zk, String path) {
    this(zk, path, System::nanoTime);
  }

  /** @param nanoTime the clock a known document's age is measured with (tests set it) */
  LeaderMoveLedger(CuratorFramework zk, String path, LongSupplier nanoTime) {
    this.zk = zk;
    this.path = ClusterView.normalize(path);
    this.nanoTime = nanoTime;
  }

  /** The default path of a cluster's ledger. */
  public static String defaultPath(String namespace, String cluster) {
    return "/openmldb-operator/" + namespace + "/" + cluster + "/ledger";
  }

  public String path() {
    return path;
  }

  /** The document stored in the znode. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Document(Boolean originalAutoFailover, Map<String, List<LedgerEntry>> tablets) {
    public Document {
      // immutable: a document read is kept and handed out again while the znode is unchanged
      TreeMap<String, List<LedgerEntry>> copy = new TreeMap<>();
      if (tablets != null) {
        tablets.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      }
      tablets = java.util.Collections.unmodifiableSortedMap(copy);
    }

    static Document empty() {
      return new Document(null, Map.of());
    }
  }

  /**
   * The whole document as stored now (empty if the znode does not exist). Every pass of a roll
   * reads it, and at 10,000 entries it is ~1.5 MB of JSON (gzipped in the znode): the document is
   * kept with the znode's {@code mzxid} (the transaction that last wrote it) and read again only
   * when a {@code checkExists} shows another write.
   */
  public Document read() {
    requireConnected();
    long asked = nanoTime.getAsLong();
    Stat now;
    try {
      now = zk.checkExists().forPath(path);
    } catch (Exception e) {
      throw unavailable("read", e);
    }
    if (now == null) {
      last = Known.absent(asked);
      return Document.empty();
    }
    Known kept = last;
    if (kept != null && kept.exists() && kept.mzxid() == now.getMzxid()) {
      last = kept.confirmedAt(asked);
      return kept.document();
    }
    Stat stat = new Stat();
    Document d = load(stat);
    last = stat.getVersion() >= 0 ? new Known(stat.getMzxid(), stat.getVersion(), d, asked)
        : Known.absent(asked);
    return d;
  }

  /**
   * The document as ZooKeeper last showed it to this client: read, or written by it, with the
   * znode's {@code mzxid} and version ({@code version < 0}: the znode did not exist), and when
   * that was so at the latest (the ledger's clock before the request).
   */
  private record Known(long mzxid, int version, Document document, long confirmedNanos) {
    static Known absent(long at) {
      return new Known(0, -1, Document.empty(), at);
    }

    boolean exists() {
      return version >= 0;
    }

    Known confirmedAt(long at) {
      return new Known(mzxid, version, document, at);
    }
  }

  private volatile Known last;

  /**
   * How long a known version is written against without reading the znode first. A write
   * against it is still a compare-and-set (another writer's change since makes it fail, and the
   * update falls back to a fresh read); the bound only limits the window for the one change a
   * version cannot tell: the znode deleted and created again, then written as often, meanwhile
   * (a roll's end deletes it; the read-then-write had the same window, one round trip long).
   */
  static final long KNOWN_FOR_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The auto-failover setting found before the roll turned it off; empty if not recorded. */
  public Optional<Boolean> originalAutoFailover() {
    return Optional.ofNullable(read().originalAutoFailover());
  }

  /** Records the original auto-failover setting (only the first call of a roll writes it). */
  public void recordOriginalAutoFailover(boolean on) {
    update(d -> d.originalAutoFailover() != null ? d : new Document(on, d.tablets()));
  }

  /** Entries recorded for one tablet. */
  public List<LedgerEntry> entries(String tablet) {
    return List.copyOf(read().tablets().getOrDefault(tablet, List.of()));
  }

  /** Every tablet with entries. */
  public Map<String, List<LedgerEntry>> allEntries() {
    return read().tablets();
  }

  /** Replaces the entries of one tablet (compare-and-set on the znode version). */
  public void putEntries(String tablet, List<LedgerEntry> entries) {
    update(
        d -> {
          Map<String, List<LedgerEntry>> t = new TreeMap<>(d.tablets());
          t.put(tablet, List.copyOf(entries));
          return new Document(d.originalAutoFailover(), t);
        });
  }

  /** Drops the entries of one tablet once its leaders are back. */
  public void clearTablet(String tablet) {
    update(
        d -> {
          Map<String, List<LedgerEntry>> t = new TreeMap<>(d.tablets());
          t.remove(tablet);
          return new Document(d.originalAutoFailover(), t);
        });
  }

  /** Deletes the whole ledger at the end of a roll. */
  public void clear() {
    requireConnected();
    long asked = nanoTime.getAsLong();
    try {
      zk.delete().forPath(path);
    } catch (KeeperException.NoNodeException gone) {
      // already clear
    } catch (Exception e) {
      last = null;
      throw unavailable("delete", e);
    }
    last = Known.absent(asked);
  }

  /**
   * Applies {@code change} with compare-and-set: writes the result only if the znode is still
   * at the version the document was read at, and retries on a concurrent change.
   *
   * <p>The document this client last read or wrote, when ZooKeeper showed it less than {@link
   * #KNOWN_FOR_NANOS} ago (the roll's pass has just read it), is changed and written at its known
   * version without reading it again: one round trip instead of two. If another writer changed
   * the znode since, the write fails (bad version, the znode exists or is gone) and the change
   * is applied again to a fresh read, as before; nothing another writer stored is overwritten.
   */
  public Document update(UnaryOperator<Document> change) {
    requireConnected();
    Known known = last;
    if (known != null && nanoTime.getAsLong() - known.confirmedNanos() < KNOWN_FOR_NANOS) {
      Optional<Document> written = write(known.version(), change.apply(known.document()));
      if (written.isPresent()) {
        return written.get();
      }
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Stat stat = new Stat();
      Document current = load(stat);
      Optional<Document> written = write(stat.getVersion(), change.apply(current));
      if (written.isPresent()) {
        return written.get();
      }
    }
    throw new OpenMLDBException(
        "ledger " + path + " changed concurrently " + MAX_ATTEMPTS + " times; giving up", null);
  }

  /**
   * Writes {@code next} if the znode is at {@code version} ({@code < 0}: does not exist) and
   * keeps it as the known document; empty when another writer got there first.
   */
  private Optional<Document> write(int version, Document next) {
    byte[] bytes = serialize(next);
    long asked = nanoTime.getAsLong();
    Stat stored = new Stat();
    try {
      if (version < 0) {
        zk.create().creatingParentsIfNeeded().storingStatIn(stored).forPath(path, bytes);
      } else {
        stored = zk.setData().withVersion(version).forPath(path, bytes);
      }
    } catch (KeeperException.BadVersionException
        | KeeperException.NodeExistsException
        | KeeperException.NoNodeException raced) {
      // someone else changed the ledger since it was read: read again
      last = null;
      return Optional.empty();
    } catch (Exception e) {
      last = null; // whether it was written is unknown
      throw unavailable("write", e);
    }
    last = new Known(stored.getMzxid(), stored.getVersion(), next, asked);
    return Optional.of(next);
  }

  private Document load(Stat stat) {
    requireConnected();
    byte[] bytes;
    try {
      bytes = stat == null ? zk.getData().forPath(path) : zk.getData().storingStatIn(stat).forPath(path);
    } catch (KeeperException.NoNodeException e) {
      if (stat != null) {
        stat.setVersion(-1);
      }
      return Document.empty();
    } catch (Exception e) {
      throw unavailable("read", e);
    }
    if (bytes == null || bytes.length == 0) {
      return Document.empty();
    }
    try {
      return ProtoJson.MAPPER.readValue(gunzipIfCompressed(bytes),
          new TypeReference<Document>() {});
    } catch (IOException e) {
      throw new OpenMLDBException("ledger " + path + " holds unreadable JSON: " + e.getMessage(), e);
    }
  }

  /**
   * JSON, gzipped once it is larger than {@link #PLAIN_LIMIT}: a tablet leading 10,000
   * partitions needs about 1.5 MB of JSON, more than a znode holds (ZooKeeper's {@code
   * jute.maxbuffer}, 1 MB by default, answers a larger write by dropping the connection). Small
   * ledgers stay plain JSON, readable with {@code zkCli get}.
   */
  private byte[] serialize(Document d) {
    byte[] json;
    try {
      json = ProtoJson.MAPPER.writeValueAsBytes(d);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    if (json.length <= PLAIN_LIMIT) {
      return json;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(json.length / 8);
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    if (out.size() > MAX_ZNODE_BYTES) {
      throw new OpenMLDBException("ledger " + path + " would need " + out.size()
          + " bytes compressed, more than a znode holds (" + MAX_ZNODE_BYTES + ")", null);
    }
    return out.toByteArray();
  }

  /** Larger documents are stored gzipped. */
  static final int PLAIN_LIMIT = 256 * 1024;
  /** ZooKeeper's default {@code jute.maxbuffer} less room for the request's own fields. */
  static final int MAX_ZNODE_BYTES = 1_000_000;

  private static byte[] gunzipIfCompressed(byte[] bytes) throws IOException {
    if (bytes.length < 2 || (bytes[0] & 0xff) != 0x1f || (bytes[1] & 0xff) != 0x8b) {
      return bytes; // plain JSON starts with '{'
    }
    try (java.util.zip.GZIPInputStream in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }

  private void requireConnected() {
    if (!zk.getZookeeperClient().isConnected()) {
      throw new ZooKeeperUnavailableException(
          "ZooKeeper not connected; ledger " + path + " unavailable", null);
    }
  }

  private ZooKeeperUnavailableException unavailable(String what, Exception e) {
    return new ZooKeeperUnavailableException(
        "cannot " + what + " ledger " + path + ": " + NameserverClient.describe(e), e);
  }

  /** Entries of all tablets as one list (for status and logs). */
  public List<LedgerEntry> flatten() {
    List<LedgerEntry> out = new ArrayList<>();
    read().tablets().values().forEach(out::addAll);
    return out;
  }
}
