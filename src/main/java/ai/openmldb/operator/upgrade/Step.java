package ai.openmldb.operator.upgrade;

/** The steps of a roll, as written to {@code status.upgrade.step} (see docs/upgrades.md). */
public enum Step {
  /** Recording the roll, the original auto-failover setting, and turning auto-failover off. */
  Prepare,
  /** Waiting until every other pod is ready and every table healthy before taking a pod down. */
  WaitHealthy,
  /** Writing the tablet's led partitions (and temporary replica placements) to the ledger. */
  PlanLeaders,
  /** Temporary replicas, fenced leader moves, fencing the tablet's followers. */
  MoveLeaders,
  /** The pod is deleted; waiting for the new one to be ready (and the tablet registered). */
  Restart,
  /** The restarted tablet's replicas are recovered and catch up. */
  Recover,
  /** Leaders move back to the restarted tablet; temporary replicas are deleted. */
  RestoreLeaders,
  /** Every pod is on the target revision: restoring auto-failover, clearing the ledger. */
  Finish,
  /** The roll stopped in a safe state and waits for the user. */
  Halted
}
