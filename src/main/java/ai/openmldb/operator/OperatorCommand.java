package ai.openmldb.operator;

import ai.openmldb.operator.config.ConfigException;
import ai.openmldb.operator.config.LeaderElectionSettings;
import ai.openmldb.operator.config.OperatorConfig;
import ai.openmldb.operator.config.OperatorConfigLoader;
import ai.openmldb.operator.health.HealthServer;
import ai.openmldb.operator.metrics.PrometheusMetrics;
import ai.openmldb.operator.openmldb.OpenMLDBConnections;
import ai.openmldb.operator.reconcile.InformerFailure;
import ai.openmldb.operator.reconcile.OperatorFactory;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: the operator against a real cluster. Loads the configuration, connects with the
 * kubeconfig (or the in-cluster service account), starts the {@code /metrics}, {@code /healthz},
 * {@code /readyz} endpoint, then the operator (with a Lease when leader election is on), and
 * stops all of it on SIGTERM.
 */
public final class OperatorCommand {
  static final String USAGE =
      """
      usage: java -jar openmldb-operator.jar run [--config FILE] [--kubeconfig FILE]

        --config FILE       operator.properties (default: $OPENMLDB_OPERATOR_CONFIG, else built-in
                            defaults); OPENMLDB_OPERATOR_<KEY> environment variables override it
        --kubeconfig FILE   cluster to manage (default: $KUBECONFIG, ~/.kube/config, else the
                            in-cluster service account)
      """;

  /** User agent of the operator's Kubernetes client. */
  public static final String USER_AGENT = "openmldb-operator";

  private static final Logger LOG = LoggerFactory.getLogger(OperatorCommand.class);
  private static final AtomicReference<RunningOperator> CURRENT = new AtomicReference<>();

  private OperatorCommand() {}

  /**
   * Starts the operator and returns {@link Integer#MIN_VALUE}: it keeps running in its own threads
   * until the JVM is asked to stop. Returns 2 for bad arguments or configuration, 1 when the
   * operator cannot start.
   */
  public static int run(String[] args) {
    Optional<Path> configFile = Optional.empty();
    Optional<Path> kubeconfig = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          System.out.print(USAGE);
          return 0;
        }
        case "--config", "--kubeconfig" -> {
          if (i + 1 >= args.length) {
            System.err.println(args[i] + " needs a file\n" + USAGE);
            return 2;
          }
          Path p = Path.of(args[++i]);
          if (args[i - 1].equals("--config")) {
            configFile = Optional.of(p);
          } else {
            kubeconfig = Optional.of(p);
          }
        }
        default -> {
          System.err.println("unknown option: " + args[i] + "\n" + USAGE);
          return 2;
        }
      }
    }
    OperatorConfig config;
    try {
      config = OperatorConfigLoader.load(configFile);
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      return 2;
    }
    RunningOperator running;
    try {
      running = RunningOperator.start(config, client(kubeconfig));
    } catch (RuntimeException | IOException e) {
      LOG.error("the operator could not start: {}", e.toString(), e);
      return 1;
    }
    CURRENT.set(running);
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "operator-shutdown"));
    return Integer.MIN_VALUE;
  }

  /** The operator started by {@link #run}, if any (tests stop it through this). */
  public static Optional<RunningOperator> running() {
    return Optional.ofNullable(CURRENT.get());
  }

  private static KubernetesClient client(Optional<Path> kubeconfig) throws IOException {
    return new KubernetesClientBuilder().withConfig(clientConfig(kubeconfig)).build();
  }

  /**
   * The kubeconfig's (or in-cluster) client settings, with the user agent
   * {@value #USER_AGENT}, so the API server's audit log tells the operator's calls apart.
   */
  public static Config clientConfig(Optional<Path> kubeconfig) throws IOException {
    Config config;
    if (kubeconfig.isEmpty()) {
      config = Config.autoConfigure(null);
    } else {
      String text;
      try {
        text = Files.readString(kubeconfig.get());
      } catch (IOException e) {
        throw new IOException("cannot read kubeconfig " + kubeconfig.get() + ": " + e.getMessage(),
            e);
      }
      config = Config.fromKubeconfig(text);
    }
    config.setUserAgent(USER_AGENT);
    return config;
  }

  /** The operator, its OpenMLDB connections, HTTP endpoint and client, stopped together. */
  public static final class RunningOperator implements AutoCloseable {
    private final KubernetesClient client;
    private final OpenMLDBConnections connections;
    private final PrometheusMetrics metrics;
    private final HealthServer server;
    private final Operator operator;
    private final LeaderElectionSettings election;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean ready;
    private volatile boolean closing;

    private RunningOperator(KubernetesClient client, OpenMLDBConnections connections,
        PrometheusMetrics metrics, HealthServer server, Operator operator,
        LeaderElectionSettings election) {
      this.client = client;
      this.election = election;
      this.connections = connections;
      this.metrics = metrics;
      this.server = server;
      this.operator = operator;
    }

    /**
     * Starts the endpoint first (so probes answer while the informers sync), then the operator.
     * Owns {@code client}: it is closed with the operator, also when starting fails.
     */
    public static RunningOperator start(OperatorConfig config, KubernetesClient client)
        throws IOException {
      PrometheusMetrics metrics = new PrometheusMetrics();
      HealthServer server = null;
      OpenMLDBConnections connections = null;
      try {
        LOG.info("starting openmldb-operator against {} with {}",
            client.getConfiguration().getMasterUrl(), OperatorConfigLoader.toProperties(config));
        connections = new OpenMLDBConnections(config);
        LeaderElectionSettings election = new LeaderElectionSettings(config);
        RunningOperator[] self = new RunningOperator[1];
        // a failed informer has stopped the operator: the process ends, and the pod restarts
        // with fresh informers (not while it is stopping on purpose: see InformerFailure)
        InformerFailure failure = new InformerFailure(() -> {
          if (self[0] != null && !self[0].closing) {
            self[0].close();
            System.exit(1);
          }
        });
        Operator operator = OperatorFactory.create(client, config, metrics.registry(), connections,
            election, failure);
        if (config.httpPort() > 0) {
          server = new HealthServer(config.httpPort(), metrics::scrape, PrometheusMetrics.TEXT_FORMAT,
              () -> self[0] == null || (!self[0].closing && failure.failure().isEmpty()),
              () -> self[0] != null && self[0].isReady() && failure.failure().isEmpty());
        }
        self[0] = new RunningOperator(client, connections, metrics, server, operator, election);
        // With leader election, start() returns once the election runs: a standby replica is
        // ready too (it serves metrics and takes over when the Lease holder goes away).
        operator.start();
        self[0].ready = true;
        self[0].keepAlive();
        LOG.info("openmldb-operator started{}", server == null ? "" : "; /metrics, /healthz and "
            + "/readyz on port " + server.port());
        return self[0];
      } catch (RuntimeException | IOException e) {
        if (server != null) {
          server.close();
        }
        if (connections != null) {
          connections.close();
        }
        metrics.close();
        client.close();
        throw e;
      }
    }

    public boolean isReady() {
      return ready && !closing;
    }

    /** Port of the HTTP endpoint; -1 when it is disabled. */
    public int port() {
      return server == null ? -1 : server.port();
    }

    public Operator operator() {
      return operator;
    }

    /** The registry behind {@code /metrics}. */
    public PrometheusMetrics metrics() {
      return metrics;
    }

    /**
     * Stops the operator, then the OpenMLDB connections, the endpoint and the client. Idempotent.
     */
    @Override
    public synchronized void close() {
      if (closing) {
        return;
      }
      closing = true;
      LOG.info("stopping openmldb-operator");
      election.stopping();
      try {
        operator.stop();
      } catch (RuntimeException e) {
        LOG.warn("stopping the operator failed: {}", e.toString());
      }
      connections.close();
      if (server != null) {
        server.close();
      }
      metrics.close();
      client.close();
      CURRENT.compareAndSet(this, null);
      stopped.countDown();
    }

    /** JOSDK's and the HTTP server's threads are daemons: this one keeps the JVM up. */
    private void keepAlive() {
      Thread t = new Thread(() -> {
        try {
          stopped.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "operator-keepalive");
      t.setDaemon(false);
      t.start();
    }
  }
}
