package ai.openmldb.operator.openmldb;

import java.util.List;
import java.util.Optional;

/**
 * The operator's own record, in a znode outside OpenMLDB's paths, of the leaders it moved and the
 * auto-failover setting it found, so a restarted operator (or a halted roll) can put them back.
 */
public final class LeaderMoveLedger {
  // API skeleton agreed between the parts; the implementation lands with the simulated world.

  /** The auto-failover setting found before the roll turned it off; empty if not recorded. */
  public Optional<Boolean> originalAutoFailover() {
    throw new UnsupportedOperationException("not implemented");
  }

  /** Records the original auto-failover setting (only the first call of a roll writes it). */
  public void recordOriginalAutoFailover(boolean on) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** Entries recorded for one tablet. */
  public List<LedgerEntry> entries(String tablet) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** Replaces the entries of one tablet (compare-and-set on the znode version). */
  public void putEntries(String tablet, List<LedgerEntry> entries) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** Drops the entries of one tablet once its leaders are back. */
  public void clearTablet(String tablet) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** Deletes the whole ledger at the end of a roll. */
  public void clear() {
    throw new UnsupportedOperationException("not implemented");
  }
}
