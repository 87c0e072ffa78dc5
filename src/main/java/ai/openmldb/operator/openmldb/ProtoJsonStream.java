package ai.openmldb.operator.openmldb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.io.NumberInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads brpc's JSON of OpenMLDB's large listings ({@code ShowTable}, {@code ShowOPStatus}) token
 * by token, straight from the HTTP body into the operator's records: a {@code ShowTable} of
 * 10,000 partitions is ~5 MB, and building a tree of it first cost more than the records. As
 * lenient as {@link ProtoJson}: fields in any order, unknown fields skipped, missing or null
 * fields take proto defaults, numbers may arrive as strings.
 */
public final class ProtoJsonStream {
  private ProtoJsonStream() {}

  /** A response's {@code code} and {@code msg}, and what was read of the rest. */
  public record Reply<T>(int code, String msg, T value) {}

  /** Reads one element of a repeated field; the parser is on the element's first token. */
  @FunctionalInterface
  public interface ElementReader<T> {
    T read(JsonParser p) throws IOException;
  }

  /**
   * Reads a whole response object: {@code code}, {@code msg}, and {@code field}'s elements
   * (empty when omitted or not an array). An empty body is an empty response (code 0).
   */
  public static <T> Reply<List<T>> reply(JsonParser p, String field, ElementReader<T> element)
      throws IOException {
    int code = 0;
    String msg = "";
    List<T> elements = new ArrayList<>();
    JsonToken start = p.nextToken();
    if (start == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("code")) {
          code = int32(p);
        } else if (name.equals("msg")) {
          msg = text(p);
        } else if (name.equals(field)) {
          elements = repeated(p, element); // the last occurrence wins, as in a tree
        } else {
          p.skipChildren();
        }
      }
    } else if (start != null) {
      p.skipChildren();
    }
    return new Reply<>(code, msg, elements);
  }

  /** A reader of {@code ShowTableResponse.table_info} that shares equal endpoint strings. */
  public static ElementReader<TableInfo> tables() {
    Map<String, String> endpoints = new HashMap<>();
    return p -> table(p, endpoints);
  }

  /** {@code TableInfo}: the fields {@link TableInfo} keeps; partitions sorted by pid. */
  static TableInfo table(JsonParser p, Map<String, String> endpoints) throws IOException {
    String db = "";
    String name = "";
    int tid = 0;
    int partitionNum = 0;
    int replicaNum = 0;
    List<PartitionInfo> partitions = new ArrayList<>();
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "db" -> db = text(p);
          case "name" -> name = text(p);
          case "tid" -> tid = int32(p);
          case "partition_num" -> partitionNum = int32(p);
          case "replica_num" -> replicaNum = int32(p);
          case "table_partition" -> partitions = repeated(p, e -> partition(e, endpoints));
          default -> p.skipChildren();
        }
      }
    } else {
      p.skipChildren();
    }
    partitions.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
    return new TableInfo(db, name, tid, partitionNum, replicaNum, partitions);
  }

  private static PartitionInfo partition(JsonParser p, Map<String, String> endpoints)
      throws IOException {
    int pid = 0;
    List<ReplicaInfo> replicas = List.of();
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "pid" -> pid = int32(p);
          case "partition_meta" -> replicas = repeated(p, e -> replica(e, endpoints));
          default -> p.skipChildren();
        }
      }
    } else {
      p.skipChildren();
    }
    return new PartitionInfo(pid, replicas);
  }

  private static ReplicaInfo replica(JsonParser p, Map<String, String> endpoints)
      throws IOException {
    String endpoint = "";
    boolean leader = false;
    boolean alive = true;
    long offset = 0;
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "endpoint" -> endpoint = endpoints.computeIfAbsent(text(p), e -> e);
          case "is_leader" -> leader = bool(p, false);
          case "is_alive" -> alive = bool(p, true);
          case "offset" -> offset = int64(p);
          default -> p.skipChildren();
        }
      }
    } else {
      p.skipChildren();
    }
    return new ReplicaInfo(endpoint, leader, alive, offset);
  }

  /** {@code OPStatus} of {@code ShowOPStatusResponse.op_status}. */
  public static OpStatus op(JsonParser p) throws IOException {
    long opId = 0;
    String opType = "";
    String status = "";
    String db = "";
    String name = "";
    int pid = 0;
    long startTime = 0;
    long endTime = 0;
    String taskType = "";
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "op_id" -> opId = int64(p);
          case "op_type" -> opType = text(p);
          case "status" -> status = text(p);
          case "db" -> db = text(p);
          case "name" -> name = text(p);
          case "pid" -> pid = int32(p);
          case "start_time" -> startTime = int64(p);
          case "end_time" -> endTime = int64(p);
          case "task_type" -> taskType = text(p);
          default -> p.skipChildren();
        }
      }
    } else {
      p.skipChildren();
    }
    return new OpStatus(opId, opType, status, db, name, pid, startTime, endTime, taskType);
  }

  // ---- one value, the parser on its first token; containers where a scalar belongs are skipped

  private static <T> List<T> repeated(JsonParser p, ElementReader<T> element) throws IOException {
    List<T> out = new ArrayList<>();
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return out;
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      out.add(element.read(p));
    }
    return out;
  }

  /** A scalar's text; "" for null or a container (as {@code JsonNode.asText}). */
  static String text(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t.isScalarValue() && t != JsonToken.VALUE_NULL) {
      return p.getText();
    }
    p.skipChildren();
    return "";
  }

  /** As {@code JsonNode.asLong(0)}. */
  static long int64(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_NUMBER_INT -> {
        try {
          yield p.getLongValue();
        } catch (InputCoercionException tooBig) {
          yield p.getBigIntegerValue().longValue();
        }
      }
      case VALUE_NUMBER_FLOAT -> (long) p.getDoubleValue();
      case VALUE_STRING -> NumberInput.parseAsLong(p.getText(), 0);
      case VALUE_TRUE -> 1;
      default -> {
        p.skipChildren();
        yield 0;
      }
    };
  }

  /** As {@code JsonNode.asInt(0)}. */
  static int int32(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_STRING
        ? NumberInput.parseAsInt(p.getText(), 0)
        : (int) int64(p);
  }

  /** As {@code JsonNode.asBoolean(dflt)}: true/false, a non-zero integer, "true"/"false". */
  static boolean bool(JsonParser p, boolean dflt) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NUMBER_INT -> int64(p) != 0;
      case VALUE_STRING -> {
        String s = p.getText().trim();
        yield s.equals("true") || (!s.equals("false") && dflt);
      }
      default -> {
        p.skipChildren();
        yield dflt;
      }
    };
  }
}
