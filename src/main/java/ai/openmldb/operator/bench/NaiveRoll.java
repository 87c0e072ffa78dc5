package ai.openmldb.operator.bench;

import ai.openmldb.operator.api.Component;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a StatefulSet {@code RollingUpdate} does after a Helm upgrade changed both StatefulSets:
 * each StatefulSet controller, independently and at the same time, deletes its pods from the
 * highest ordinal down and waits for each replacement to be Ready before the next. Nothing talks
 * to the nameserver: partitions led by a deleted tablet wait for OpenMLDB's auto-failover.
 */
final class NaiveRoll {
  private final DirectCluster cluster;
  private final BenchOptions options;

  NaiveRoll(DirectCluster cluster, BenchOptions options) {
    this.cluster = cluster;
    this.options = options;
  }

  void run(String version) throws Exception {
    ExecutorService controllers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> rolls = new ArrayList<>();
      rolls.add(controllers.submit(() -> roll(Component.NAMESERVER, options.nameservers(), version)));
      rolls.add(controllers.submit(() -> roll(Component.TABLET, options.tablets(), version)));
      for (Future<?> f : rolls) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception ex ? ex : e;
        }
      }
    } finally {
      controllers.shutdownNow();
    }
  }

  private Void roll(Component c, int replicas, String version) throws InterruptedException {
    for (int i = replicas - 1; i >= 0; i--) {
      cluster.restart(c, i, version);
    }
    return null;
  }
}
