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
