package ai.openmldb.operator.reconcile;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes core/v1 Events about a cluster, the way kubelet does: a repeat of the same
 * (object, type, reason, message) bumps {@code count} and {@code lastTimestamp} of one Event
 * instead of creating another, so a spec that stays invalid does not flood the namespace.
 * Best effort: a failure to record is logged, never thrown.
 *
 * <p>Asynchronous like client-go's event broadcaster: an Event costs the API server two requests
 * (read, then create or update), and a reconcile that reports a step must not wait for them
 * before taking the next one. One background thread keeps the order of a cluster's Events (so
 * repeats are counted on one object); a full queue drops the Event with a log line.
 */
public final class EventRecorder {
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  private static final String COMPONENT = "openmldb-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  static final int QUEUE_CAPACITY = 1024;

  private final KubernetesClient client;
  private final Clock clock;
  private final ThreadPoolExecutor publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(QUEUE_CAPACITY), r -> {
        Thread t = new Thread(r, "event-recorder");
        t.setDaemon(true);
        return t;
      }, (r, executor) -> LOG.warn("Event queue full ({} pending): an Event was dropped",
          executor.getQueue().size()));

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, NORMAL, reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, WARNING, reason, message);
  }

  /**
   * Waits (at most {@code timeout}) until every Event recorded so far was sent to the API server.
   *
   * @return false when the timeout passed first
   */
  public boolean flush(Duration timeout) {
    CountDownLatch done = new CountDownLatch(1);
    try {
      publisher.execute(done::countDown);
      return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    // what the Event says is taken now: the object may change before the Event is sent
    ObjectReference involved = new ObjectReferenceBuilder()
        .withApiVersion(about.getApiVersion())
        .withKind(about.getKind())
        .withName(about.getMetadata().getName())
        .withNamespace(about.getMetadata().getNamespace())
        .withUid(about.getMetadata().getUid())
        .build();
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    publisher.execute(() -> publish(involved, type, reason, message, now));
  }

  private void publish(ObjectReference involved, String type, String reason, String message,
      String now) {
    String ns = involved.getNamespace();
    String msg = message.length() > 1024 ? message.substring(0, 1021) + "..." : message;
    String name = involved.getName() + "." + key(involved.getUid(), type, reason, msg);
    try {
      var events = client.v1().events().inNamespace(ns);
      Event existing = events.withName(name).get();
      if (existing != null) {
        existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
        existing.setLastTimestamp(now);
        events.resource(existing).update();
        return;
      }
      events.resource(new EventBuilder()
          .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .withInvolvedObject(involved)
          .withType(type)
          .withReason(reason)
          .withMessage(msg)
          .withCount(1)
          .withFirstTimestamp(now)
          .withLastTimestamp(now)
          .withNewSource().withComponent(COMPONENT).endSource()
          .withReportingComponent(COMPONENT)
          .build()).create();
    } catch (RuntimeException e) {
      LOG.warn("Could not record event {} {} on {}: {}", type, reason, name, e.getMessage());
    }
  }

  /** Stable per (object uid, type, reason, message): the same event maps to the same name. */
  private static String key(String uid, String type, String reason, String message) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String all = uid + "\0" + type + "\0" + reason + "\0" + message;
      return HexFormat.of().formatHex(sha.digest(all.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
