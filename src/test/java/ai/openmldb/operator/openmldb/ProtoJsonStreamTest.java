package ai.openmldb.operator.openmldb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming reader is as lenient as brpc's JSON needs: the cases a tree handled before. */
class ProtoJsonStreamTest {
  private static ProtoJsonStream.Reply<List<TableInfo>> tables(String json) throws IOException {
    try (JsonParser p = ProtoJson.MAPPER.createParser(json)) {
      return ProtoJsonStream.reply(p, "table_info", ProtoJsonStream.tables());
    }
  }

  private static ProtoJsonStream.Reply<List<OpStatus>> ops(String json) throws IOException {
    try (JsonParser p = ProtoJson.MAPPER.createParser(json)) {
      return ProtoJsonStream.reply(p, "op_status", ProtoJsonStream::op);
    }
  }

  @Test
  void fieldsInAnyOrderUnknownFieldsSkippedNumbersAsStringsPartitionsSortedByPid()
      throws IOException {
    String json = """
        {"table_info":[{"table_partition":[
            {"pid":"1","partition_meta":[{"endpoint":"b:1","offset":"7","is_leader":"true",
              "record_byte_size":{"nested":[1,2,{"x":null}]}}]},
            {"term_offset":[{"term":1,"offset":0}],"pid":0,"partition_meta":[
              {"is_alive":false,"endpoint":"a:1","offset":12,"is_leader":1},
              {"endpoint":"b:1","is_alive":"false","offset":12.0}]}],
          "column_desc":[{"name":"c","type":"string"}],"name":"t","db":"d","tid":"5",
          "partition_num":2,"replica_num":2,"ttl":{"abs_ttl":0}}],
         "msg":"ok","code":0}""";
    ProtoJsonStream.Reply<List<TableInfo>> r = tables(json);
    assertThat(r.code()).isZero();
    assertThat(r.msg()).isEqualTo("ok");
    assertThat(r.value()).containsExactly(new TableInfo("d", "t", 5, 2, 2, List.of(
        new PartitionInfo(0, List.of(new ReplicaInfo("a:1", true, false, 12),
            new ReplicaInfo("b:1", false, false, 12))),
        new PartitionInfo(1, List.of(new ReplicaInfo("b:1", true, true, 7))))));
    // equal endpoints are one string
    assertThat(r.value().get(0).partition(0).replicas().get(1).endpoint())
        .isSameAs(r.value().get(0).partition(1).replicas().get(0).endpoint());
  }

  @Test
  void missingAndNullFieldsTakeProtoDefaults() throws IOException {
    ProtoJsonStream.Reply<List<TableInfo>> r = tables("""
        {"code":null,"table_info":[{"name":"t","db":null,"table_partition":[
          {"partition_meta":[{"endpoint":"a:1","is_leader":null,"is_alive":null,"offset":null},
                             {}]}]}]}""");
    assertThat(r.code()).isZero();
    assertThat(r.msg()).isEmpty();
    assertThat(r.value()).containsExactly(new TableInfo("", "t", 0, 0, 0, List.of(
        new PartitionInfo(0, List.of(new ReplicaInfo("a:1", false, true, 0),
            new ReplicaInfo("", false, true, 0))))));
  }

  @Test
  void anErrorAnswerHasItsCodeAndNoElements() throws IOException {
    ProtoJsonStream.Reply<List<TableInfo>> r =
        tables("{\"code\":100,\"msg\":\"table does not exist\"}");
    assertThat(r.code()).isEqualTo(100);
    assertThat(r.msg()).isEqualTo("table does not exist");
    assertThat(r.value()).isEmpty();
  }

  @Test
  void emptyBodyIsAnEmptyAnswerAndAWrongShapeReadsAsNothing() throws IOException {
    assertThat(tables("")).isEqualTo(new ProtoJsonStream.Reply<>(0, "", List.of()));
    assertThat(tables("[1,2]")).isEqualTo(new ProtoJsonStream.Reply<>(0, "", List.of()));
    assertThat(tables("{\"table_info\":{\"name\":\"t\"},\"code\":\"0\"}").value()).isEmpty();
    // a scalar where an object belongs is a message with nothing set
    assertThat(tables("{\"table_info\":[7]}").value())
        .containsExactly(new TableInfo("", "", 0, 0, 0, List.of()));
  }

  @Test
  void opsAreReadWithEveryField() throws IOException {
    ProtoJsonStream.Reply<List<OpStatus>> r = ops("""
        {"code":0,"msg":"ok","op_status":[{"op_id":3,"op_type":"kChangeLeaderOP","name":"t",
          "db":"d","pid":1,"status":"kDoing","task_type":"kChangeLeader",
          "start_time":1700000000000,"end_time":"0","for_replica_cluster":0}]}""");
    assertThat(r.value()).containsExactly(new OpStatus(3, "kChangeLeaderOP", "kDoing", "d", "t",
        1, 1700000000000L, 0, "kChangeLeader"));
  }

  @Test
  void malformedJsonIsAnError() {
    assertThatThrownBy(() -> tables("{\"code\":0,\"table_info\":[{\"name\":"))
        .isInstanceOf(IOException.class);
  }
}
