package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.upgrade.Partitions.Part;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Which partitions to fence next so that their leader changes reach every op queue of the
 * nameserver. OpenMLDB runs ops in FIFO queues, one op at a time per queue, the queue chosen as
 * {@code pid % name_server_task_concurrency} ({@code NameServerImpl::AddOPData}), a flag of at
 * most {@code name_server_task_max_concurrency} (8). A tablet leads, say, the even pids of one
 * table and the odd pids of another: taken in table order, a wave of leader changes filled the
 * even queues alone and left the others idle. Spreading by {@code pid % 8} fills each queue
 * alike whatever the flag among 1, 2, 4 and 8, and spreads other values (the operator cannot
 * read the flag).
 */
final class OpQueues {
  /** {@code name_server_task_max_concurrency}'s default: how many op queues can exist. */
  static final int QUEUES = 8;

  private OpQueues() {}

  /**
   * Up to {@code limit} of {@code eligible}, each taken from the queue with the fewest of
   * {@code busy} and of those already taken; in their order within a queue.
   */
  static List<Part> spread(List<Part> eligible, List<Part> busy, int limit) {
    List<ArrayDeque<Part>> byQueue = new ArrayList<>();
    for (int q = 0; q < QUEUES; q++) {
      byQueue.add(new ArrayDeque<>());
    }
    for (Part p : eligible) {
      byQueue.get(queue(p)).add(p);
    }
    int[] load = new int[QUEUES];
    for (Part p : busy) {
      load[queue(p)]++;
    }
    List<Part> out = new ArrayList<>();
    while (out.size() < limit) {
      int best = -1;
      for (int q = 0; q < QUEUES; q++) {
        if (!byQueue.get(q).isEmpty() && (best < 0 || load[q] < load[best])) {
          best = q;
        }
      }
      if (best < 0) {
        break;
      }
      out.add(byQueue.get(best).poll());
      load[best]++;
    }
    return out;
  }

  private static int queue(Part p) {
    return Math.floorMod(p.partition().pid(), QUEUES);
  }
}
