package ai.openmldb.operator.openmldb;

import java.util.List;

/**
 * The nameserver's RPCs the operator uses, over brpc's HTTP/JSON interface
 * ({@code POST http://<leader>/NameServer/<Method>}). Calls go to the current leader found in
 * ZooKeeper; a non-leader answer (code 300) re-resolves the leader and retries once.
 *
 * <p>Errors: {@link NameserverUnavailableException} when no leader is known or it cannot be
 * reached, {@link NameserverRpcException} when it answers with a non-zero code.
 */
public final class NameserverClient {
  // API skeleton agreed between the parts; the implementation lands with the simulated world.

  public List<TabletInfo> showTablets() {
    throw new UnsupportedOperationException("not implemented");
  }

  /** Every table of every database, internal ones included ({@code ShowTable show_all}). */
  public List<TableInfo> showTables() {
    throw new UnsupportedOperationException("not implemented");
  }

  /** {@code ChangeLeader}; candidate is an endpoint (name) or {@code "auto"}. */
  public void changeLeader(String db, String table, int pid, String candidate) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** {@code AddReplicaNS}: creates an op. */
  public void addReplica(String db, String table, int pid, String endpoint) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** {@code DelReplicaNS}: creates an op. */
  public void deleteReplica(String db, String table, int pid, String endpoint) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** {@code RecoverTable}: creates an op that reloads and re-attaches one replica. */
  public void recoverTable(String db, String table, int pid, String endpoint) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** {@code RecoverEndpoint}: recover every replica of a restarted tablet. */
  public void recoverEndpoint(String endpoint, boolean needRestore, int concurrency) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** {@code UpdateTableAliveStatus}: mark one replica (not) alive; fences a leader from clients. */
  public void updateTableAliveStatus(String db, String table, int pid, String endpoint, boolean alive) {
    throw new UnsupportedOperationException("not implemented");
  }

  /** {@code ShowOPStatus} for every op the nameserver still lists. */
  public List<OpStatus> showOpStatus() {
    throw new UnsupportedOperationException("not implemented");
  }

  /** {@code ConfGet auto_failover}. */
  public boolean autoFailover() {
    throw new UnsupportedOperationException("not implemented");
  }

  /** {@code ConfSet auto_failover}. */
  public void setAutoFailover(boolean on) {
    throw new UnsupportedOperationException("not implemented");
  }
}
