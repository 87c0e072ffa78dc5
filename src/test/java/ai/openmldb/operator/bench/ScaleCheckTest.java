package ai.openmldb.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The scale check on small clusters: it observes every partition through the production client
 * (ShowTable read as a stream, kept while nothing changes) and decides; a pass sends the same
 * RPCs whatever the partition count, and a pass with nothing changed since the previous one reads
 * no ShowTable at all. Nothing is timed here; the figures are the bench's.
 */
class ScaleCheckTest {
  @Test
  void aPassSeesEveryPartitionWithTheSameRpcsAndAnUnchangedPassReadsNoMetadata() throws Exception {
    ScaleResult small = ScaleCheck.run(4, 40);
    ScaleResult larger = ScaleCheck.run(4, 400);

    assertThat(small.partitions()).isEqualTo(40);
    assertThat(larger.partitions()).isEqualTo(400);
    assertThat(small.rpcsPerPass()).isEqualTo(3); // ShowOPStatus, ShowTable, ConfGet
    assertThat(larger.rpcsPerPass()).isEqualTo(small.rpcsPerPass());
    assertThat(larger.showTableKiB()).isGreaterThan(small.showTableKiB());
    assertThat(larger.bytesPerPass()).isGreaterThan(larger.showTableKiB() * 1024L);
    // nothing changed since the last pass: the metadata is kept, no ShowTable body is read, and
    // neither the RPCs nor the bytes depend on the partitions
    assertThat(small.unchangedShowTables()).isZero();
    assertThat(larger.unchangedShowTables()).isZero();
    assertThat(larger.unchangedShowOps()).isZero();
    assertThat(small.unchangedRpcs()).isEqualTo(1); // ConfGet
    assertThat(larger.unchangedRpcs()).isEqualTo(small.unchangedRpcs());
    assertThat(larger.unchangedBytes()).isEqualTo(small.unchangedBytes())
        .isLessThan(1024);
    // tablet 0 leads a quarter of the partitions: the roll's first step records them
    assertThat(larger.decision()).startsWith("RecordLedger").contains("recording 100 led");
  }
}
