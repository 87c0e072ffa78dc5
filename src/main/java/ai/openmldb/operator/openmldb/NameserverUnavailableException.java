package ai.openmldb.operator.openmldb;

/** No nameserver leader is registered in ZooKeeper, or the leader cannot be reached. */
public class NameserverUnavailableException extends OpenMLDBException {
  public NameserverUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
