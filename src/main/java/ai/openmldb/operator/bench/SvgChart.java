package ai.openmldb.operator.bench;

import java.util.List;
import java.util.Locale;

/**
 * A hand-written SVG line chart (no charting dependency): leaderless partitions over time, one
 * step line per way, with axes, ticks and a legend. Long series are reduced to the maximum per
 * horizontal pixel so a one-sample spike stays visible.
 */
final class SvgChart {
  private static final int W = 800;
  private static final int H = 360;
  private static final int LEFT = 60;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final String[] COLORS = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd"};

  private SvgChart() {}

  static String render(String title, List<WayResult> results) {
    double maxT = 1;
    double maxY = 1;
    for (WayResult r : results) {
      for (double[] p : r.series()) {
        maxT = Math.max(maxT, p[0]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    maxY = niceCeil(maxY);
    double tStep = niceStep(maxT / 8);
    maxT = Math.ceil(maxT / tStep) * tStep;
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT,
        escape(title)));
    // grid and ticks
    double yStep = niceStep(maxY / 5);
    for (double y = 0; y <= maxY + 1e-9; y += yStep) {
      double py = TOP + plotH - y / maxY * plotH;
      s.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>%n", LEFT, py,
          LEFT + plotW, py));
      s.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, py + 4,
          label(y)));
    }
    for (double t = 0; t <= maxT + 1e-9; t += tStep) {
      double px = LEFT + t / maxT * plotW;
      s.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>%n", px, TOP, px,
          TOP + plotH));
      s.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP + plotH + 16,
          label(t)));
    }
    s.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
        LEFT, TOP, plotW, plotH));
    s.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds since the version change</text>%n",
        LEFT + plotW / 2, H - 12));
    s.append(String.format(Locale.ROOT,
        "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">"
            + "leaderless partitions</text>%n", TOP + plotH / 2, TOP + plotH / 2));
    for (int i = 0; i < results.size(); i++) {
      WayResult r = results.get(i);
      String color = COLORS[i % COLORS.length];
      s.append("<polyline fill=\"none\" stroke-width=\"1.6\" stroke=\"").append(color)
          .append("\" points=\"").append(points(r.series(), maxT, maxY, plotW, plotH))
          .append("\"/>\n");
      int ly = TOP + 14 + i * 16;
      int lx = LEFT + plotW - 260;
      s.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
          lx, ly - 4, lx + 18, ly - 4, color));
      s.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%d\">%s: %.1fs wall, %.2f leaderless partition-s</text>%n",
          lx + 24, ly, r.way().id(), r.wallSeconds(), r.leaderlessPartitionSeconds()));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /** A step line, reduced to the maximum per pixel column. */
  private static String points(List<double[]> series, double maxT, double maxY, int plotW,
      int plotH) {
    StringBuilder p = new StringBuilder();
    double lastY = Double.NaN;
    int lastCol = -1;
    double colMax = 0;
    for (int i = 0; i <= series.size(); i++) {
      int col = i < series.size() ? (int) (series.get(i)[0] / maxT * plotW) : Integer.MAX_VALUE;
      if (col != lastCol && lastCol >= 0) {
        double px = LEFT + lastCol;
        double py = TOP + plotH - colMax / maxY * plotH;
        if (!Double.isNaN(lastY)) {
          p.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, lastY));
        }
        p.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
        lastY = py;
        colMax = 0;
      }
      if (i < series.size()) {
        colMax = col == lastCol ? Math.max(colMax, series.get(i)[1]) : series.get(i)[1];
        lastCol = col;
      }
    }
    return p.toString().trim();
  }

  private static double niceCeil(double v) {
    double step = niceStep(v / 5);
    return Math.max(step, Math.ceil(v / step) * step);
  }

  private static double niceStep(double raw) {
    if (raw <= 0) {
      return 1;
    }
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double n = raw / mag;
    double nice = n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10;
    return Math.max(nice * mag, 0.1);
  }

  private static String label(double v) {
    return Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString(Math.round(v))
        : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
