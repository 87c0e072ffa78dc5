package ai.openmldb.operator.api;

/** What to do with a partition that has no second replica when its tablet restarts. */
public enum SingleReplicaPolicy {
  /** Add a temporary replica elsewhere, wait for it to catch up, move the leader, delete it after. */
  AddTemporaryReplica,
  /** Accept that the partition is unavailable while its tablet restarts (--allow_single_replica). */
  AcceptUnavailability
}
