package ai.openmldb.operator.sandbox;

/**
 * One nameserver op ({@code OPInfo}): created by an RPC or by auto-failover, queued in FIFO queue
 * {@code pid % name_server_task_concurrency}, run when it reaches the head of its queue, ending
 * kDone, kFailed or kCanceled.
 */
final class SimOp {
  /** The op's work, run under the cluster lock; returns null when done, else why it failed. */
  interface Body {
    String run();
  }

  /** Re-checked while kDoing: false keeps the op waiting (e.g. a replica still catching up). */
  interface Until {
    boolean done();
  }

  final long id;
  final String type;
  final String db;
  final String name;
  final int pid;
  final String taskType;
  final Body body;
  Until until = () -> true;
  Runnable finish = () -> {};
  boolean forcedFailure;
  String status = "kInited";
  long startTime;
  long endTime;
  String failure;
  boolean bodyRan;

  SimOp(long id, String type, String db, String name, int pid, String taskType, Body body) {
    this.id = id;
    this.type = type;
    this.db = db;
    this.name = name;
    this.pid = pid;
    this.taskType = taskType;
    this.body = body;
  }

  boolean finished() {
    return status.equals("kDone") || status.equals("kFailed") || status.equals("kCanceled");
  }
}
