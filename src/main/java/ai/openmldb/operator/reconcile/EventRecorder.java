package ai.openmldb.operator.reconcile;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes core/v1 Events about a cluster, the way kubelet does: a repeat of the same
 * (object, type, reason, message) bumps {@code count} and {@code lastTimestamp} of one Event
 * instead of creating another, so a spec that stays invalid does not flood the namespace.
 * Best effort: a failure to record is logged, never thrown.
 */
public final class EventRecorder {
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  private static final String COMPONENT = "openmldb-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;

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

  private void record(HasMetadata about, String type, String reason, String message) {
    String ns = about.getMetadata().getNamespace();
    String msg = message.length() > 1024 ? message.substring(0, 1021) + "..." : message;
    String name = about.getMetadata().getName() + "." + key(about, type, reason, msg);
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
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
          .withInvolvedObject(new ObjectReferenceBuilder()
              .withApiVersion(about.getApiVersion())
              .withKind(about.getKind())
              .withName(about.getMetadata().getName())
              .withNamespace(ns)
              .withUid(about.getMetadata().getUid())
              .build())
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
  private static String key(HasMetadata about, String type, String reason, String message) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String all = about.getMetadata().getUid() + "\0" + type + "\0" + reason + "\0" + message;
      return HexFormat.of().formatHex(sha.digest(all.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
