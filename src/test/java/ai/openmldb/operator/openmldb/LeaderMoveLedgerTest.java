package ai.openmldb.operator.openmldb;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LeaderMoveLedgerTest {
  private static EmbeddedZooKeeper zk;
  private static CuratorFramework a;
  private static CuratorFramework b;

  @BeforeAll
  static void start() throws Exception {
    zk = EmbeddedZooKeeper.start();
    a = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100));
    b = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100));
    a.start();
    b.start();
    a.blockUntilConnected();
    b.blockUntilConnected();
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    zk.close();
  }

  private static LedgerEntry entry(String tablet, int pid) {
    return new LedgerEntry(tablet, "db", "t", 3, pid, "tablet-1", "");
  }

  @Test
  void holdsTenThousandLeadersOfOneTabletThoughTheirJsonIsLargerThanAZnode() throws Exception {
    String path = LeaderMoveLedger.defaultPath("ns-big", "demo");
    String tablet = "demo-tablet-0.demo-tablet.ns-big.svc.cluster.local:10921";
    List<LedgerEntry> many = new java.util.ArrayList<>();
    for (int pid = 0; pid < 10_000; pid++) {
      many.add(new LedgerEntry(tablet, "db", "table_" + (pid % 10), 100 + pid % 10, pid, "", ""));
    }
    LeaderMoveLedger ledger = new LeaderMoveLedger(a, path);
    ledger.recordOriginalAutoFailover(true);
    ledger.putEntries(tablet, many);
    byte[] stored = a.getData().forPath(path);
    assertThat(stored.length).isLessThan(1_000_000);
    assertThat(new LeaderMoveLedger(b, path).entries(tablet)).isEqualTo(many);
    // back under the plain-JSON size: stored as readable JSON again
    ledger.putEntries(tablet, many.subList(0, 10));
    assertThat(new String(a.getData().forPath(path), StandardCharsets.UTF_8)).startsWith("{");
    assertThat(new LeaderMoveLedger(b, path).entries(tablet)).isEqualTo(many.subList(0, 10));
  }

  @Test
  void recordsEntriesPerTabletAndTheFirstAutoFailoverSetting() throws Exception {
    String path = LeaderMoveLedger.defaultPath("ns1", "demo");
    assertThat(path).isEqualTo("/openmldb-operator/ns1/demo/ledger");
    LeaderMoveLedger ledger = new LeaderMoveLedger(a, path);
    assertThat(ledger.entries("tablet-0")).isEmpty();
    assertThat(ledger.originalAutoFailover()).isEmpty();

    ledger.recordOriginalAutoFailover(true);
    ledger.recordOriginalAutoFailover(false); // a later pass must not overwrite what was found
    ledger.putEntries("tablet-0", List.of(entry("tablet-0", 0), entry("tablet-0", 1)));
    ledger.putEntries("tablet-2", List.of(entry("tablet-2", 4)));

    // a restarted operator (another client) reads the same document
    LeaderMoveLedger again = new LeaderMoveLedger(b, path);
    assertThat(again.originalAutoFailover()).contains(true);
    assertThat(again.entries("tablet-0")).containsExactly(entry("tablet-0", 0), entry("tablet-0", 1));
    assertThat(again.allEntries()).containsOnlyKeys("tablet-0", "tablet-2");
    assertThat(new String(a.getData().forPath(path), StandardCharsets.UTF_8))
        .contains("\"originalAutoFailover\":true").contains("\"tablet-2\"");

    again.clearTablet("tablet-0");
    assertThat(ledger.entries("tablet-0")).isEmpty();
    assertThat(ledger.entries("tablet-2")).hasSize(1);
    ledger.clear();
    ledger.clear();
    assertThat(a.checkExists().forPath(path)).isNull();
    assertThat(again.read().tablets()).isEmpty();
  }

  @Test
  void compareAndSetRereadsAfterAConcurrentWriteAndKeepsBoth() {
    String path = LeaderMoveLedger.defaultPath("ns2", "demo");
    LeaderMoveLedger mine = new LeaderMoveLedger(a, path);
    LeaderMoveLedger theirs = new LeaderMoveLedger(b, path);
    mine.putEntries("tablet-0", List.of(entry("tablet-0", 0)));
    AtomicInteger attempts = new AtomicInteger();
    mine.update(doc -> {
      if (attempts.incrementAndGet() == 1) {
        // another writer changes the znode between this read and the write below
        theirs.putEntries("tablet-1", List.of(entry("tablet-1", 7)));
      }
      var tablets = new java.util.TreeMap<>(doc.tablets());
      tablets.put("tablet-2", List.of(entry("tablet-2", 9)));
      return new LeaderMoveLedger.Document(doc.originalAutoFailover(), tablets);
    });
    assertThat(attempts.get()).isEqualTo(2);
    assertThat(theirs.allEntries()).containsOnlyKeys("tablet-0", "tablet-1", "tablet-2");
  }
  /** A clock that moves only when the test moves it. */
  private static final class Clock implements java.util.function.LongSupplier {
    long now = 1_000_000_000L;

    @Override
    public long getAsLong() {
      return now;
    }
  }

  private static LeaderMoveLedger.Document with(LeaderMoveLedger.Document d, String tablet,
      int pid) {
    var tablets = new java.util.TreeMap<>(d.tablets());
    tablets.put(tablet, List.of(entry(tablet, pid)));
    return new LeaderMoveLedger.Document(d.originalAutoFailover(), tablets);
  }

  @Test
  void aWriteRightAfterAReadOrAWriteChangesTheKnownDocumentWithoutReadingItAgain() {
    String path = LeaderMoveLedger.defaultPath("ns3", "demo");
    Clock clock = new Clock();
    LeaderMoveLedger mine = new LeaderMoveLedger(a, path, clock);
    mine.putEntries("tablet-0", List.of(entry("tablet-0", 0)));
    LeaderMoveLedger.Document seen = mine.read();
    List<LeaderMoveLedger.Document> given = new java.util.ArrayList<>();
    LeaderMoveLedger.Document written = mine.update(d -> {
      given.add(d);
      return with(d, "tablet-1", 1);
    });
    // the very document the pass read: changed and written at its version, not read again
    assertThat(given).hasSize(1);
    assertThat(given.get(0)).isSameAs(seen);
    mine.update(d -> {
      given.add(d);
      return with(d, "tablet-2", 2);
    });
    assertThat(given.get(1)).isSameAs(written);
    assertThat(new LeaderMoveLedger(b, path).allEntries())
        .containsOnlyKeys("tablet-0", "tablet-1", "tablet-2");

    // known for longer than the bound: read again first (a fresh copy, equal to the known one)
    LeaderMoveLedger.Document known = mine.read();
    clock.now += LeaderMoveLedger.KNOWN_FOR_NANOS;
    mine.update(d -> {
      given.add(d);
      return d;
    });
    assertThat(given.get(2)).isNotSameAs(known).isEqualTo(known);
  }

  @Test
  void aKnownVersionAnotherWriterMovedOnFallsBackToAFreshReadAndKeepsTheirEntries() {
    String path = LeaderMoveLedger.defaultPath("ns4", "demo");
    LeaderMoveLedger mine = new LeaderMoveLedger(a, path, new Clock());
    LeaderMoveLedger theirs = new LeaderMoveLedger(b, path);
    mine.putEntries("tablet-0", List.of(entry("tablet-0", 0)));
    mine.read();
    // another operator instance writes after this one read and before it writes
    theirs.putEntries("tablet-1", List.of(entry("tablet-1", 7)));
    List<LeaderMoveLedger.Document> given = new java.util.ArrayList<>();
    mine.update(d -> {
      given.add(d);
      return with(d, "tablet-2", 9);
    });
    // first against the known (now stale) version, refused; then against a fresh read
    assertThat(given).hasSize(2);
    assertThat(given.get(0).tablets()).containsOnlyKeys("tablet-0");
    assertThat(given.get(1).tablets()).containsOnlyKeys("tablet-0", "tablet-1");
    assertThat(theirs.allEntries()).containsOnlyKeys("tablet-0", "tablet-1", "tablet-2");
    assertThat(theirs.entries("tablet-1")).containsExactly(entry("tablet-1", 7));
  }

  @Test
  void aKnownAbsentOrPresentLedgerAnotherWriterCreatedOrDeletedIsReadAgain() {
    String path = LeaderMoveLedger.defaultPath("ns5", "demo");
    LeaderMoveLedger mine = new LeaderMoveLedger(a, path, new Clock());
    LeaderMoveLedger theirs = new LeaderMoveLedger(b, path);
    // known absent, created by the other writer meanwhile: the create fails, their entry stays
    assertThat(mine.read().tablets()).isEmpty();
    theirs.putEntries("tablet-5", List.of(entry("tablet-5", 5)));
    mine.putEntries("tablet-6", List.of(entry("tablet-6", 6)));
    assertThat(theirs.allEntries()).containsOnlyKeys("tablet-5", "tablet-6");

    // known present, deleted by the other writer (a roll's end): what they cleared stays cleared
    mine.read();
    theirs.clear();
    mine.putEntries("tablet-7", List.of(entry("tablet-7", 7)));
    assertThat(theirs.allEntries()).containsOnlyKeys("tablet-7");

    // known cleared by this writer, written by the other since: kept too
    mine.clear();
    theirs.recordOriginalAutoFailover(true);
    mine.putEntries("tablet-8", List.of(entry("tablet-8", 8)));
    assertThat(theirs.originalAutoFailover()).contains(true);
    assertThat(theirs.allEntries()).containsOnlyKeys("tablet-8");
  }
}
