package ai.openmldb.operator.reconcile;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.InformerStoppedHandler;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the operator does when one of its informers stops on an error (JOSDK retries every watch
 * error but one it cannot deserialise): that informer's cache no longer follows the cluster, and
 * a roll that went on reconciling from it could take a restarting pod for a Ready one. So the
 * operator stops, from a thread of its own, and then does what its host asks:
 * {@code OperatorCommand} exits the process so that the pod restarts with fresh informers, as
 * JOSDK's default does; an operator in another process (the sandbox, the bench, tests) stops
 * alone, without ending the JVM that also runs the simulated cluster. JOSDK's default exits from
 * JOSDK's own thread, even while the operator is being stopped on purpose.
 */
public final class InformerFailure implements InformerStoppedHandler {
  private static final Logger LOG = LoggerFactory.getLogger(InformerFailure.class);

  private final AtomicReference<String> failure = new AtomicReference<>();
  private final Runnable afterStop;
  private volatile Runnable stopOperator = () -> { };

  /** The operator stops; the process goes on. */
  public InformerFailure() {
    this(() -> { });
  }

  /** The operator stops, then {@code afterStop} runs (on the same thread of its own). */
  public InformerFailure(Runnable afterStop) {
    this.afterStop = afterStop;
  }

  /** The operator to stop (set by {@link OperatorFactory}, which builds it with this handler). */
  void stops(Operator operator) {
    stopOperator = operator::stop;
  }

  /** Which informer failed and why, once one has. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void onStop(SharedIndexInformer informer, Throwable cause) {
    if (cause == null) {
      return; // stopped with the operator
    }
    String what = "the informer of " + describe(informer) + " stopped: " + cause;
    if (!failure.compareAndSet(null, what)) {
      LOG.error("{} (the operator is stopping already)", what);
      return;
    }
    LOG.error("{}; stopping the operator, whose cache of it no longer follows the cluster", what,
        cause);
    Thread t = new Thread(() -> {
      try {
        stopOperator.run();
      } catch (RuntimeException e) {
        LOG.warn("stopping the operator failed: {}", e.toString());
      } finally {
        afterStop.run();
      }
    }, "informer-failure");
    t.setDaemon(false);
    t.start();
  }

  @SuppressWarnings("rawtypes")
  private static String describe(SharedIndexInformer informer) {
    try {
      return informer.getApiTypeClass().getSimpleName();
    } catch (RuntimeException e) {
      return String.valueOf(informer);
    }
  }
}
