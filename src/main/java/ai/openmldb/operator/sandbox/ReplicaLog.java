package ai.openmldb.operator.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One replica's data on one tablet's disk: the binlog as a list of write ids (offset = size), the
 * time each entry reached the leader (for replication lag), the replica's role, and, when it
 * leads, the followers it ships to. Survives the tablet process (it is the pod's volume).
 */
final class ReplicaLog {
  final List<Long> ids = new ArrayList<>();
  final List<Long> appendedAtNanos = new ArrayList<>();
  boolean leaderMode;
  long term;
  final Set<String> followers = new TreeSet<>();

  long offset() {
    return ids.size();
  }

  void append(long id, long atNanos) {
    ids.add(id);
    appendedAtNanos.add(atNanos);
  }

  /** Length of the common prefix with another log. */
  int commonPrefix(ReplicaLog other) {
    int n = Math.min(ids.size(), other.ids.size());
    int i = 0;
    while (i < n && ids.get(i).equals(other.ids.get(i))) {
      i++;
    }
    return i;
  }

  /** Drops every entry after {@code length}: entries the current leader never had. */
  void truncate(int length) {
    while (ids.size() > length) {
      ids.remove(ids.size() - 1);
      appendedAtNanos.remove(appendedAtNanos.size() - 1);
    }
  }

  ReplicaLog copy() {
    ReplicaLog c = new ReplicaLog();
    c.ids.addAll(ids);
    c.appendedAtNanos.addAll(appendedAtNanos);
    c.term = term;
    return c;
  }
}
