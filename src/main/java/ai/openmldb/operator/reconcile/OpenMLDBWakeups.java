package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.openmldb.ClusterConnection;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the reconcile of a cluster that is rolling when its OpenMLDB changes in ZooKeeper (an op
 * queued or ended, a tablet registered, the nameserver leader moved), so the next step follows
 * the change instead of the next poll. The reconciler still polls as a fallback.
 *
 * <p>Wakes are spaced: one is pending per cluster at most, and none comes sooner than the
 * cluster's observations take ({@link ObservationPace}) after the reconcile ended, so a nameserver
 * busy with thousands of ops is read at most about half of the time, whatever the rate of changes.
 */
final class OpenMLDBWakeups {
  private static final Logger LOG = LoggerFactory.getLogger(OpenMLDBWakeups.class);

  private final SimpleInboundEventSource<OpenMLDBCluster> source =
      new SimpleInboundEventSource<>("OpenMLDB");
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "openmldb-wakeups");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Watch> watches = new ConcurrentHashMap<>();

  EventSource<?, OpenMLDBCluster> source() {
    return source;
  }

  /**
   * Wakes the cluster on the next change of its OpenMLDB, not sooner than {@code spacing} from
   * now. Called at the end of each reconcile of a roll; idempotent.
   */
  void watch(String key, ResourceID cluster, ClusterConnection connection, Duration spacing) {
    Watch w = watches.compute(key, (k, old) -> {
      if (old != null && old.connection == connection) {
        return old;
      }
      if (old != null) {
        old.connection.view().removeListener(old.listener);
      }
      Watch fresh = new Watch(cluster, connection);
      connection.view().addListener(fresh.listener);
      return fresh;
    });
    w.notBeforeNanos = System.nanoTime() + spacing.toNanos();
  }

  /** The cluster is not rolling: its changes wake nothing. */
  void unwatch(String key) {
    Watch w = watches.remove(key);
    if (w != null) {
      w.connection.view().removeListener(w.listener);
    }
  }

  boolean watching(String key) {
    return watches.containsKey(key);
  }

  private final class Watch {
    final ResourceID cluster;
    final ClusterConnection connection;
    final Runnable listener = this::changed;
    final AtomicBoolean pending = new AtomicBoolean();
    volatile long notBeforeNanos;

    Watch(ResourceID cluster, ClusterConnection connection) {
      this.cluster = cluster;
      this.connection = connection;
    }

    /** On a Curator thread: decide when to wake, never block. */
    private void changed() {
      if (!pending.compareAndSet(false, true)) {
        return; // a wake is already due; it will observe this change too
      }
      long delay = notBeforeNanos - System.nanoTime();
      if (delay <= 0) {
        wake();
      } else {
        timer.schedule(this::wake, delay, TimeUnit.NANOSECONDS);
      }
    }

    private void wake() {
      pending.set(false);
      try {
        source.propagateEvent(cluster);
      } catch (RuntimeException e) {
        // not started yet or stopping: the reconciler's own poll covers it
        LOG.debug("wake of {} not delivered: {}", cluster, e.toString());
      }
    }
  }
}
