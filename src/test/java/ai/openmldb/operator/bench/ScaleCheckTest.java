package ai.openmldb.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The scale check on small clusters: it observes every partition through the production client
 * (ShowTable read as a stream) and decides; a pass sends the same RPCs whatever the partition
 * count. Nothing is timed here; the figures are the bench's.
 */
class ScaleCheckTest {
  @Test
  void aPassSeesEveryPartitionWithTheSameRpcsWhateverThePartitionCount() throws Exception {
    ScaleResult small = ScaleCheck.run(4, 40);
    ScaleResult larger = ScaleCheck.run(4, 400);

    assertThat(small.partitions()).isEqualTo(40);
    assertThat(larger.partitions()).isEqualTo(400);
    assertThat(small.rpcsPerPass()).isEqualTo(3); // ShowOPStatus, ShowTable, ConfGet
    assertThat(larger.rpcsPerPass()).isEqualTo(small.rpcsPerPass());
    assertThat(larger.showTableKiB()).isGreaterThan(small.showTableKiB());
    // tablet 0 leads a quarter of the partitions: the roll's first step records them
    assertThat(larger.decision()).startsWith("RecordLedger").contains("recording 100 led");
  }
}
