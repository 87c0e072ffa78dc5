package ai.openmldb.operator.openmldb;

/** The cluster's ZooKeeper cannot be reached within the connect timeout. */
public class ZooKeeperUnavailableException extends OpenMLDBException {
  public ZooKeeperUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
