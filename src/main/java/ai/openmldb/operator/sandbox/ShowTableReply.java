package ai.openmldb.operator.sandbox;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * {@code ShowTableResponse} as brpc's JSON: a snapshot of the tables' metadata with the replicas'
 * offsets as the nameserver last refreshed them from the tablets (every {@code
 * get_table_status_interval}; live when that is zero), taken under the cluster lock when the call
 * arrives, written after the lock is released.
 */
final class ShowTableReply implements SimReply.Listing {
  private record Replica(String endpoint, boolean leader, boolean alive, long offset,
      boolean loaded) {}

  private record Partition(int pid, Replica[] replicas, long[][] termOffsets, long recordCnt) {}

  private record Table(String name, String db, int tid, int replicaNum, Partition[] partitions) {}

  private final Table[] tables;

  private ShowTableReply(Table[] tables) {
    this.tables = tables;
  }

  /** Takes the snapshot; the caller holds the cluster lock. */
  static ShowTableReply of(SimulatedCluster c, List<SimTable> shown) {
    Table[] tables = new Table[shown.size()];
    for (int t = 0; t < tables.length; t++) {
      SimTable table = shown.get(t);
      Partition[] partitions = new Partition[table.partitions.size()];
      for (int i = 0; i < partitions.length; i++) {
        SimTable.Partition p = table.partitions.get(i);
        Replica[] replicas = new Replica[p.replicas.size()];
        long records = 0;
        for (int r = 0; r < replicas.length; r++) {
          SimTable.Meta m = p.replicas.get(r);
          long offset = c.shownOffset(m, table.tid, p.pid);
          if (m.leader && m.alive) {
            records = offset;
          }
          replicas[r] = new Replica(m.endpoint, m.leader, m.alive, offset,
              c.shownLoaded(m, table.tid, p.pid));
        }
        // term entries are never changed once appended: the arrays can be shared
        partitions[i] = new Partition(p.pid, replicas, p.termOffsets.toArray(new long[0][]),
            records);
      }
      tables[t] = new Table(table.name, table.db, table.tid, table.replicaNum, partitions);
    }
    return new ShowTableReply(tables);
  }

  @Override
  public String field() {
    return "table_info";
  }

  @Override
  public void writeItems(JsonGenerator g) throws IOException {
    for (Table t : tables) {
      g.writeStartObject();
      g.writeStringField("name", t.name());
      g.writeStringField("db", t.db());
      g.writeNumberField("tid", t.tid());
      g.writeNumberField("partition_num", t.partitions().length);
      g.writeNumberField("replica_num", t.replicaNum());
      g.writeArrayFieldStart("table_partition");
      for (Partition p : t.partitions()) {
        g.writeStartObject();
        g.writeNumberField("pid", p.pid());
        g.writeArrayFieldStart("partition_meta");
        for (Replica r : p.replicas()) {
          g.writeStartObject();
          g.writeStringField("endpoint", r.endpoint());
          g.writeBooleanField("is_leader", r.leader());
          g.writeBooleanField("is_alive", r.alive());
          g.writeNumberField("offset", r.offset());
          g.writeNumberField("record_cnt", r.offset());
          g.writeBooleanField("tablet_has_partition", r.loaded());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("term_offset");
        for (long[] to : p.termOffsets()) {
          g.writeStartObject();
          g.writeNumberField("term", to[0]);
          g.writeNumberField("offset", to[1]);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("record_cnt", p.recordCnt());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
