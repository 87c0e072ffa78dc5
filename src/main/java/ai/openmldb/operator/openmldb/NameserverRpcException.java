package ai.openmldb.operator.openmldb;

/** The nameserver answered an RPC with a non-zero code. */
public class NameserverRpcException extends OpenMLDBException {
  private final String method;
  private final int code;

  public NameserverRpcException(String method, int code, String msg) {
    super(method + " failed with code " + code + ": " + msg, null);
    this.method = method;
    this.code = code;
  }

  public String method() {
    return method;
  }

  public int code() {
    return code;
  }
}
