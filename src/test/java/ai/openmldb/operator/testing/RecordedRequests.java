package ai.openmldb.operator.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The requests a Fabric8 mock API server received, each as "METHOD path" (no query). */
public final class RecordedRequests {
  private RecordedRequests() {}

  /** Those received since the last take, waiting up to {@code waitMs} for each next one. */
  public static List<String> since(KubernetesMockServer server, long waitMs)
      throws InterruptedException {
    List<String> seen = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(waitMs, TimeUnit.MILLISECONDS)) != null) {
      seen.add(line(r));
    }
    return seen;
  }

  /** Those received until one equals {@code wanted} (10 s at most for each). */
  public static List<String> until(KubernetesMockServer server, String wanted)
      throws InterruptedException {
    List<String> seen = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.SECONDS)) != null) {
      seen.add(line(r));
      if (seen.get(seen.size() - 1).equals(wanted)) {
        break;
      }
    }
    return seen;
  }

  private static String line(RecordedRequest r) {
    return r.getMethod() + " " + r.getPath().replaceFirst("\\?.*", "");
  }
}
