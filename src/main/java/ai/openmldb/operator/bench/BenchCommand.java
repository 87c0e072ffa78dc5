package ai.openmldb.operator.bench;

import ai.openmldb.operator.sandbox.EmbeddedZooKeeper;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code java -jar openmldb-operator.jar bench}: the same cluster and write load upgraded three
 * ways in one process (see {@link BenchOptions#USAGE}); prints a table, optionally writes the JSON
 * summary and the SVG chart. Exit code 0 when every way finished, 1 when one failed, 2 on a usage
 * error.
 */
public final class BenchCommand {
  private BenchCommand() {}

  public static int run(String[] args) {
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      return 2;
    }
    if (o.help()) {
      System.out.print(BenchOptions.USAGE);
      return 0;
    }
    quietLogs();
    try {
      BenchReport report = execute(o, System.out);
      report.print(System.out);
      if (o.summary() != null) {
        write(o.summary(), report.json());
        System.out.println("summary: " + o.summary());
      }
      if (o.chart() != null) {
        write(o.chart(), SvgChart.render(report.chartTitle(), report.results()));
        System.out.println("chart: " + o.chart());
      }
      return report.failures().isEmpty() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("bench failed: " + e);
      e.printStackTrace(System.err);
      return 1;
    }
  }

  /** Runs everything the options ask for; progress lines go to {@code out}. */
  public static BenchReport execute(BenchOptions o, PrintStream out) throws Exception {
    // The simulated servers use the JDK's HttpServer, which leaves Nagle's algorithm on: with
    // delayed ACKs every RPC would wait ~40 ms on loopback, an artifact no real brpc server has.
    // Read once when the HttpServer classes initialise, so set it before any server starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Map<Way, WayResult> results = new EnumMap<>(Way.class);
    List<String> failures = new ArrayList<>();
    DrainResult drain = null;
    ScaleResult scale = null;
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start()) {
      for (Way way : o.ways()) {
        out.printf(Locale.ROOT, "running %s ...%n", way.id());
        long t0 = System.nanoTime();
        try {
          WayResult r = switch (way) {
            case NAIVE -> BenchWorld.naive(o, zk.connectString());
            case SERIAL -> BenchWorld.serial(o, zk.connectString(), way,
                SerialRoll.Pacing.generous(o));
            case SERIAL_TOOL -> BenchWorld.serial(o, zk.connectString(), way,
                SerialRoll.Pacing.TOOL);
            case OPERATOR -> OperatorWay.run(o, zk.connectString());
          };
          results.put(way, r);
          out.printf(Locale.ROOT, "  %s done in %.1fs%n", way.id(), (System.nanoTime() - t0) / 1e9);
        } catch (Exception e) {
          failures.add(way.id() + ": " + e.getMessage());
          out.printf(Locale.ROOT, "  %s FAILED: %s%n", way.id(), e);
        }
      }
      if (o.drain() > 0) {
        out.printf(Locale.ROOT, "draining %d leaders off one tablet ...%n", o.drain());
        drain = DrainBench.run(o, zk.connectString(), out);
      }
    }
    if (o.scaleTablets() > 0) {
      out.printf(Locale.ROOT, "scale check: %d tablets, %d partitions ...%n", o.scaleTablets(),
          o.scalePartitions());
      scale = ScaleCheck.run(o.scaleTablets(), o.scalePartitions());
    }
    return new BenchReport(o, results, drain, scale, failures);
  }

  private static void write(Path file, String content) throws java.io.IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, content);
  }

  /** The simulator logs every leader change at INFO; the bench prints its own figures. */
  static void quietLogs() {
    try {
      Configurator.setLevel("ai.openmldb.operator", Level.WARN);
      Configurator.setLevel("ai.openmldb.operator.sandbox", Level.ERROR);
      Configurator.setLevel("io.javaoperatorsdk", Level.ERROR);
    } catch (RuntimeException | LinkageError e) {
      // another logging backend: keep its levels
    }
  }

  static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  static ObjectNode object() {
    return mapper().createObjectNode();
  }
}
