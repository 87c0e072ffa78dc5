package ai.openmldb.operator.reconcile;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Blocking calls of one reconcile that do not depend on each other (the components' applies, a
 * pass's reads, a decision's nameserver calls) run side by side on one shared pool of daemon
 * threads; the reconcile waits for them all, and sees a call's error as the call threw it.
 */
final class SideBySide {
  private static final Executor THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "reconcile-call");
    t.setDaemon(true);
    return t;
  });

  private SideBySide() {}

  static <T> CompletableFuture<T> start(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, THREADS);
  }

  static CompletableFuture<Void> start(Runnable call) {
    return CompletableFuture.runAsync(call, THREADS);
  }

  /** The call's result; its unchecked error as thrown by the call itself. */
  static <T> T join(CompletableFuture<T> call) {
    try {
      return call.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
