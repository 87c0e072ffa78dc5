package ai.openmldb.operator.openmldb;

/** Base of the errors talking to an OpenMLDB cluster (ZooKeeper or nameserver). */
public class OpenMLDBException extends RuntimeException {
  public OpenMLDBException(String message, Throwable cause) {
    super(message, cause);
  }
}
