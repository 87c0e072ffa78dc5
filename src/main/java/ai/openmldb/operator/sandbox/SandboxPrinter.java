package ai.openmldb.operator.sandbox;

import ai.openmldb.operator.api.UpgradeStatus;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The sandbox's live output: one line per thing that happened, prefixed with the seconds since
 * the start, and aligned tables for the end. Thread-safe (lines from the kubelet, the status
 * watcher and the main thread interleave whole).
 */
public final class SandboxPrinter {
  private final PrintStream out;
  private final Clock clock;
  private final Instant start;
  private String lastStep;

  public SandboxPrinter(PrintStream out) {
    this(out, Clock.systemUTC());
  }

  SandboxPrinter(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
    this.start = clock.instant();
  }

  /** Seconds since the printer was created. */
  public double elapsedSeconds() {
    return Duration.between(start, clock.instant()).toMillis() / 1000.0;
  }

  /** A timestamped line. */
  public synchronized void line(String format, Object... args) {
    out.printf("[%7.2fs] %s%n", elapsedSeconds(), args.length == 0 ? format
        : String.format(format, args));
    out.flush();
  }

  /** A heading for a phase of the run ("== creating the cluster"). */
  public synchronized void phase(String name) {
    out.println();
    line("== %s", name);
  }

  /** What the simulated kubelet/StatefulSet controller did. */
  public void podEvent(PodLifecycleEvent e) {
    switch (e.type()) {
      case CREATED -> line("  pod %-28s created", e.pod());
      case STARTED -> line("  pod %-28s container started (%s)", e.pod(), e.detail());
      case READY -> line("  pod %-28s ready", e.pod());
      case NOT_READY -> line("  pod %-28s not ready", e.pod());
      case STUCK -> line("  pod %-28s stuck in ImagePullBackOff (%s)", e.pod(), e.detail());
      case DELETED -> line("  pod %-28s deleted", e.pod());
    }
  }

  /**
   * Prints the roll's position when the component, pod or step changed since the last call.
   *
   * @return true when a line was printed
   */
  public synchronized boolean upgrade(UpgradeStatus u, long acknowledgedWrites) {
    if (u == null) {
      return false;
    }
    String key = u.getComponent() + "/" + u.getPod() + "/" + u.getStep() + "/" + u.getLastError();
    if (Objects.equals(key, lastStep)) {
      return false;
    }
    lastStep = key;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("  roll %d/%d  %-11s %-26s %-22s leaders moved %d restored %d",
        u.getPodsUpgraded(), u.getPodsTotal(), nz(u.getComponent()), nz(u.getPod()),
        nz(u.getStep()), u.getLeadersMoved(), u.getLeadersRestored()));
    if (acknowledgedWrites >= 0) {
      sb.append("  writes acked ").append(acknowledgedWrites);
    }
    line(sb.toString());
    if (u.getLastError() != null && !u.getLastError().isEmpty()) {
      line("  HALTED: %s", u.getLastError());
      if (u.getRemedy() != null && !u.getRemedy().isEmpty()) {
        line("  remedy: %s", u.getRemedy());
      }
    }
    return true;
  }

  private static String nz(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  /** An aligned table, the first row being the header. */
  public synchronized void table(List<List<String>> rows) {
    if (rows.isEmpty()) {
      return;
    }
    int columns = rows.get(0).size();
    int[] width = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns && i < row.size(); i++) {
        width[i] = Math.max(width[i], nz(row.get(i)).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : rows) {
      StringBuilder sb = new StringBuilder("  ");
      for (int i = 0; i < columns; i++) {
        String cell = i < row.size() ? nz(row.get(i)) : "";
        sb.append(String.format("%-" + width[i] + "s", cell));
        if (i < columns - 1) {
          sb.append("  ");
        }
      }
      lines.add(sb.toString().stripTrailing());
    }
    lines.forEach(out::println);
    out.flush();
  }

  /** A raw line without timestamp. */
  public synchronized void raw(String text) {
    out.println(text);
    out.flush();
  }
}
