package ai.openmldb.operator;

import ai.openmldb.operator.bench.BenchCommand;
import ai.openmldb.operator.sandbox.SandboxCommand;
import java.util.Arrays;

/** Entry point of {@code openmldb-operator.jar}: {@code run}, {@code sandbox} or {@code bench}. */
public final class Main {
  private static final String USAGE =
      """
      usage: java -jar openmldb-operator.jar <command> [options]

      commands:
        run       run the operator against the cluster in the kubeconfig or in-cluster config
        sandbox   run the operator in an embedded world and show a rolling upgrade (--help for options)
        bench     compare naive, serial-tool and operator upgrades in the embedded world (--help)
      """;

  /** The JDK HTTP client's read buffer size in bytes (default 16 KiB). */
  static final String HTTP_CLIENT_BUFFER = "jdk.httpclient.bufsize";

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    // The simulated OpenMLDB servers (sandbox, bench) use the JDK's HttpServer, which without
    // TCP_NODELAY delays each small response by ~40 ms (Nagle + delayed ACK).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // The JDK's HTTP client (the nameserver's and, through Fabric8, the API server's) reads a
    // response in 16 KiB buffers, each handed from its selector thread to the reader: a
    // ShowTable of 10,000 partitions (5.5 MB) is ~350 handoffs. 64 KiB buffers took ~20 ms off
    // the scale check's pass (docs/benchmarks.md). The JDK reads the property once, when its
    // client first loads, so it is set before any client exists; a value given with -D wins.
    if (System.getProperty(HTTP_CLIENT_BUFFER) == null) {
      System.setProperty(HTTP_CLIENT_BUFFER, String.valueOf(64 * 1024));
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    int code =
        switch (args[0]) {
          case "run" -> OperatorCommand.run(rest);
          case "sandbox" -> SandboxCommand.run(rest);
          case "bench" -> BenchCommand.run(rest);
          default -> {
            System.err.println("unknown command: " + args[0]);
            System.err.print(USAGE);
            yield 2;
          }
        };
    if (code != Integer.MIN_VALUE) {
      System.exit(code);
    }
  }
}
