package ai.openmldb.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One stalled observation does not space the next wake; slow observations all along do. */
class ObservationPaceTest {
  private static final long MS = 1_000_000L;

  @Test
  void theShorterOfTheLastTwoObservationsPerCluster() {
    ObservationPace pace = new ObservationPace();
    assertThat(pace.after("ns/a", 8 * MS)).isEqualTo(Duration.ofMillis(8));
    // a pass stalled once: the next wake is spaced as after the one before it
    assertThat(pace.after("ns/a", 90 * MS)).isEqualTo(Duration.ofMillis(8));
    assertThat(pace.after("ns/a", 9 * MS)).isEqualTo(Duration.ofMillis(9));
    // a cluster whose observations stay slow (a large one) is still read as seldom
    assertThat(pace.after("ns/big", 60 * MS)).isEqualTo(Duration.ofMillis(60));
    assertThat(pace.after("ns/big", 70 * MS)).isEqualTo(Duration.ofMillis(60));
    assertThat(pace.after("ns/big", 65 * MS)).isEqualTo(Duration.ofMillis(65));
    // clusters are paced apart, and a roll's end forgets its cluster's
    assertThat(pace.after("ns/a", 12 * MS)).isEqualTo(Duration.ofMillis(9));
    pace.forget("ns/a");
    assertThat(pace.after("ns/a", 40 * MS)).isEqualTo(Duration.ofMillis(40));
  }
}
