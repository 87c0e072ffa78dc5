package ai.openmldb.operator.upgrade;

/**
 * A ChangeLeader of one fenced partition to a replica that has every write the fenced leader
 * acknowledged.
 *
 * @param from the fenced leader's endpoint
 * @param to the new leader's endpoint (explicit candidate, never {@code auto})
 * @param fencedOffset the fenced leader's final offset, which {@code to} has reached
 */
public record LeaderSwitch(ReplicaRef from, String to, long fencedOffset) {}
