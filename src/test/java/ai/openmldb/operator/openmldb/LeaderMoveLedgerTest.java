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
}
