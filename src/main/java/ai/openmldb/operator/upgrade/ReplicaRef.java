package ai.openmldb.operator.upgrade;

/** One replica of one partition: the unit of every nameserver call the roll makes. */
public record ReplicaRef(String db, String table, int tid, int pid, String endpoint) {
  /** Same partition, other endpoint. */
  public ReplicaRef on(String otherEndpoint) {
    return new ReplicaRef(db, table, tid, pid, otherEndpoint);
  }

  /** {@code db.table/pid}, for messages. */
  public String partitionName() {
    return db + "." + table + "/" + pid;
  }

  @Override
  public String toString() {
    return partitionName() + "@" + endpoint;
  }
}
