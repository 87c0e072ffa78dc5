package ai.openmldb.operator.sandbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * A simulated server's answer to one RPC: its OpenMLDB code and its JSON body. Small answers are
 * trees; the large listings ({@code ShowTable}, {@code ShowOPStatus}) are snapshots of the
 * cluster's state taken under its lock and written to the response after it is released, token
 * by token, so that the lock is not held (and no tree or string of megabytes built) while a
 * listing of 10,000 partitions is generated and sent.
 */
interface SimReply {
  /** The response's {@code code} (0 = ok), for the call log. */
  int code();

  /** Writes the whole response object. */
  void write(JsonGenerator g) throws IOException;

  /** A reply built as a tree; null for null (an unknown method). */
  static SimReply of(ObjectNode tree) {
    return tree == null ? null : new Tree(tree);
  }

  /** An ok answer listing items under one field: {@code {"code":0,"msg":"ok","<field>":[...]}}. */
  interface Listing extends SimReply {
    /** The repeated field's name. */
    String field();

    /** Writes the items, each a whole object, inside the field's array. */
    void writeItems(JsonGenerator g) throws IOException;

    @Override
    default int code() {
      return NameserverRpcs.OK;
    }

    @Override
    default void write(JsonGenerator g) throws IOException {
      g.writeStartObject();
      g.writeNumberField("code", NameserverRpcs.OK);
      g.writeStringField("msg", "ok");
      g.writeArrayFieldStart(field());
      writeItems(g);
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /** A small answer, sent with its length like brpc's. */
  record Tree(ObjectNode tree) implements SimReply {
    @Override
    public int code() {
      return tree.path("code").asInt(0);
    }

    @Override
    public void write(JsonGenerator g) throws IOException {
      g.writeTree(tree);
    }
  }
}
