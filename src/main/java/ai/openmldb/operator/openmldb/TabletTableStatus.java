package ai.openmldb.operator.openmldb;

/**
 * One partition as the tablet itself reports it ({@code TableStatus} of {@code GetTableStatus}).
 *
 * @param mode {@code kTableLeader} or {@code kTableFollower}
 * @param state {@code kTableNormal}, {@code kTableLoading}, {@code kTableUndefined}...
 */
public record TabletTableStatus(int tid, int pid, long offset, String mode, String state) {
  public static final String LEADER = "kTableLeader";
  public static final String FOLLOWER = "kTableFollower";

  public boolean leader() {
    return LEADER.equals(mode);
  }
}
