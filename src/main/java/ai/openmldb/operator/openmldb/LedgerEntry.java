package ai.openmldb.operator.openmldb;

/**
 * One partition leader moved off a tablet before its restart, to be moved back after.
 *
 * @param tablet the tablet (name) that led the partition and is being restarted
 * @param movedTo where the leader went, empty until the move is decided
 * @param temporaryReplica endpoint of a replica added for a single-replica partition, or empty
 */
public record LedgerEntry(
    String tablet, String db, String table, int tid, int pid, String movedTo, String temporaryReplica) {}
