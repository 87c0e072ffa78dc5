package ai.openmldb.operator.sandbox;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * {@code ShowOPStatusResponse} as brpc's JSON: the listed ops' fields copied under the cluster
 * lock when the call arrives (ops change state under it), written after it is released. Up to
 * 10,000 ops are listed.
 */
final class ShowOpStatusReply implements SimReply.Listing {
  private record Op(long id, String type, String name, String db, int pid, String status,
      String taskType, long startTime, long endTime) {}

  private final Op[] ops;

  private ShowOpStatusReply(Op[] ops) {
    this.ops = ops;
  }

  /** Takes the snapshot; the caller holds the cluster lock. */
  static ShowOpStatusReply of(List<SimOp> listed) {
    Op[] ops = new Op[listed.size()];
    for (int i = 0; i < ops.length; i++) {
      SimOp op = listed.get(i);
      ops[i] = new Op(op.id, op.type, op.name, op.db, op.pid, op.status,
          op.status.equals("kInited") ? "-" : op.taskType, op.startTime, op.endTime);
    }
    return new ShowOpStatusReply(ops);
  }

  @Override
  public String field() {
    return "op_status";
  }

  @Override
  public void writeItems(JsonGenerator g) throws IOException {
    for (Op op : ops) {
      g.writeStartObject();
      g.writeNumberField("op_id", op.id());
      g.writeStringField("op_type", op.type());
      g.writeStringField("name", op.name());
      g.writeStringField("db", op.db());
      g.writeNumberField("pid", op.pid());
      g.writeStringField("status", op.status());
      g.writeStringField("task_type", op.taskType());
      g.writeNumberField("start_time", op.startTime());
      g.writeNumberField("end_time", op.endTime());
      g.writeEndObject();
    }
  }
}
