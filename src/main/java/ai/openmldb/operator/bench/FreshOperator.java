package ai.openmldb.operator.bench;

import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.sandbox.SandboxKubernetes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An operator in a class loader of its own, as a freshly started operator process: every class
 * of the operator and its libraries is loaded, interpreted and compiled afresh, while the
 * simulated world in this JVM (API server, kubelet, ZooKeeper, OpenMLDB) stays as warm as the
 * long-running services it stands for. Public, as is {@link #startHere}: the app class loader
 * reaches them by reflection in the new one.
 */
public final class FreshOperator {
  private FreshOperator() {}

  /** Starts the operator against the API server at {@code url}; closing stops it. */
  static AutoCloseable start(String url, String namespace, long stepPollMs) throws Exception {
    URLClassLoader loader = new URLClassLoader("fresh-operator", classPath(),
        ClassLoader.getPlatformClassLoader());
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(loader); // threads the operator starts inherit it
    try {
      AutoCloseable inner = (AutoCloseable) loader.loadClass(FreshOperator.class.getName())
          .getMethod("startHere", String.class, String.class, long.class)
          .invoke(null, url, namespace, stepPollMs);
      return () -> {
        try {
          inner.close();
        } finally {
          loader.close();
        }
      };
    } catch (Exception e) {
      loader.close();
      throw e;
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  /** Runs inside the fresh class loader. */
  public static AutoCloseable startHere(String url, String namespace, long stepPollMs) {
    BenchCommand.quietLogs(); // this loader's own logging, at the levels of the measured rolls
    KubernetesClient client = SandboxKubernetes.newClient(url, namespace);
    OpenMLDBConnections connections = OperatorWay.newConnections();
    Operator operator = OperatorWay.newOperator(client, stepPollMs, connections);
    operator.start();
    return () -> {
      try {
        operator.stop();
      } finally {
        connections.close();
        client.close();
      }
    };
  }

  private static URL[] classPath() throws MalformedURLException {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    return urls.toArray(URL[]::new);
  }
}
