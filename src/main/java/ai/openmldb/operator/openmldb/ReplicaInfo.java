package ai.openmldb.operator.openmldb;

/**
 * One replica of a partition as the nameserver reports it ({@code PartitionMeta}).
 *
 * @param endpoint the tablet's endpoint (its name with {@code use_name})
 * @param leader {@code is_leader}; stays true on a demoted leader until RecoverTable
 * @param alive {@code is_alive}; false once fenced or offline
 * @param offset the replica's log offset
 */
public record ReplicaInfo(String endpoint, boolean leader, boolean alive, long offset) {}
