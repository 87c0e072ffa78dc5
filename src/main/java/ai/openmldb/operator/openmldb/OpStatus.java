package ai.openmldb.operator.openmldb;

/** One nameserver op as {@code ShowOPStatus} reports it. */
public record OpStatus(
    long opId,
    String opType,
    String status,
    String db,
    String name,
    int pid,
    long startTime,
    long endTime,
    String taskType) {
  public static final String INITED = "kInited";
  public static final String DOING = "kDoing";
  public static final String DONE = "kDone";
  public static final String FAILED = "kFailed";
  public static final String CANCELED = "kCanceled";

  public boolean finished() {
    return DONE.equals(status) || FAILED.equals(status) || CANCELED.equals(status);
  }

  public boolean failed() {
    return FAILED.equals(status);
  }
}
