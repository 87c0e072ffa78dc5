package ai.openmldb.operator.openmldb;

/**
 * The nameserver asked answered code 300 ("nameserver is not leader") even after the client
 * re-read the leader from ZooKeeper and retried once: leadership is moving; try again later.
 */
public class NameserverNotLeaderException extends NameserverUnavailableException {
  public NameserverNotLeaderException(String message) {
    super(message, null);
  }
}
