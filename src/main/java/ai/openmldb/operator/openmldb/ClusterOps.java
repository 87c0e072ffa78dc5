package ai.openmldb.operator.openmldb;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The nameserver's ops as a pass of the roll reads them ({@code ShowOPStatus}), kept between
 * passes while no op znode moved. The listing keeps up to {@code max_op_num} (10,000) ended ops,
 * ~2 MB once a large roll has run that many: read again only when {@link
 * ClusterView#opsGeneration()} moved (an op was queued, started, finished a task, failed or
 * ended: the nameserver writes or deletes {@code op_data/<id>} each time), after any RPC of this
 * connection that may create an op, after an error, or at the latest after {@link
 * #MAX_AGE_NANOS}. The watches trail ZooKeeper by a moment, so kept ops can be older than the
 * nameserver's: an op seen unfinished that has just ended (its partition is left alone one pass
 * more), never the reverse; the tables, read after the ops, are never older than them (see
 * {@link ClusterTables}).
 */
public final class ClusterOps {
  /** Kept ops are read again after this long whatever the watches say. */
  static final long MAX_AGE_NANOS = 10_000_000_000L;

  private final NameserverClient nameserver;
  private final ClusterView view;
  private final AtomicLong mutations = new AtomicLong();
  private final LongAdder reads = new LongAdder();
  private volatile Kept kept;

  private record Kept(long generation, long mutations, String leader, long readAtNanos,
      List<OpStatus> ops) {}

  ClusterOps(NameserverClient nameserver, ClusterView view) {
    this.nameserver = nameserver;
    this.view = view;
    nameserver.addMutationListener(this::forget);
  }

  /** Reads the ops again at the next pass. */
  public void forget() {
    mutations.incrementAndGet();
    kept = null;
  }

  /** {@code ShowOPStatus} calls made so far (the others were answered from the kept ops). */
  public long showOpStatusReads() {
    return reads.sum();
  }

  /** Every op the nameserver lists ({@code ShowOPStatus {}}), kept while none moved. */
  public List<OpStatus> read() {
    String leader = view.nameserverLeader().orElse("");
    long generation = view.opsGeneration();
    long mutation = mutations.get();
    long now = System.nanoTime();
    Kept k = kept;
    if (k != null && k.generation() == generation && k.mutations() == mutation
        && k.leader().equals(leader) && now - k.readAtNanos() < MAX_AGE_NANOS) {
      return k.ops();
    }
    List<OpStatus> ops;
    try {
      reads.increment();
      ops = nameserver.showOpStatus();
    } catch (RuntimeException e) {
      kept = null;
      throw e;
    }
    // kept only if every unfinished op has its node: the node's deletion is what says the op
    // ended. One without (created or deleted under the watch's feet, or never written) is read
    // again at the next pass, not up to MAX_AGE later (a roll once waited 9 s for such an op)
    boolean announced = ops.stream().allMatch(o -> o.finished() || view.hasOpNode(o.opId()));
    kept = announced ? new Kept(generation, mutation, leader, now, List.copyOf(ops)) : null;
    return ops;
  }
}
