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

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    // The simulated OpenMLDB servers (sandbox, bench) use the JDK's HttpServer, which without
    // TCP_NODELAY delays each small response by ~40 ms (Nagle + delayed ACK).
    System.setProperty("sun.net.httpserver.nodelay", "true");
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
