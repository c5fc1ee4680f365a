package repo.eval.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Inline SVG charts (no script, no network): line charts and grouped bar charts with axes and legends. */
final class Svg {
    private Svg() {
    }

    static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
    private static final int W = 460, H = 240, L = 52, R = 12, T = 26, B = 34;

    /** A line chart: each series is a list of (x, y) points; non-finite y values are skipped. */
    static String lines(String title, Map<String, List<double[]>> series) {
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (List<double[]> pts : series.values()) {
            for (double[] p : pts) {
                if (Double.isFinite(p[1])) {
                    x0 = Math.min(x0, p[0]);
                    x1 = Math.max(x1, p[0]);
                    y0 = Math.min(y0, p[1]);
                    y1 = Math.max(y1, p[1]);
                }
            }
        }
        StringBuilder sb = open(title);
        if (x0 > x1) {
            return sb.append(text(W / 2.0, H / 2.0, "no data", "middle")).append("</svg>").toString();
        }
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        if (y1 == y0) {
            y1 = y0 + Math.max(1e-6, Math.abs(y0) * 0.1);
            y0 = y0 - Math.max(1e-6, Math.abs(y0) * 0.1);
        }
        axes(sb, x0, x1, y0, y1);
        int c = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String color = COLORS[c % COLORS.length];
            StringBuilder pts = new StringBuilder();
            int n = 0;
            for (double[] p : e.getValue()) {
                if (Double.isFinite(p[1])) {
                    pts.append(f(px(p[0], x0, x1))).append(',').append(f(py(p[1], y0, y1))).append(' ');
                    n++;
                }
            }
            if (n == 1) {
                double[] p = e.getValue().stream().filter(q -> Double.isFinite(q[1])).findFirst().orElseThrow();
                sb.append("<circle class=\"series\" cx=\"").append(f(px(p[0], x0, x1))).append("\" cy=\"").append(f(py(p[1], y0, y1)))
                        .append("\" r=\"3\" fill=\"").append(color).append("\"/>");
            } else if (n > 1) {
                sb.append("<polyline class=\"series\" fill=\"none\" stroke-width=\"1.6\" stroke=\"").append(color).append("\" points=\"")
                        .append(pts.toString().strip()).append("\"/>");
            }
            legend(sb, c, e.getKey(), color);
            c++;
        }
        return sb.append("</svg>").toString();
    }

    /** Grouped bars: one group per category, one bar per series. */
    static String bars(String title, List<String> categories, Map<String, double[]> series) {
        double y0 = 0, y1 = 0;
        for (double[] v : series.values()) {
            for (double x : v) {
                if (Double.isFinite(x)) {
                    y0 = Math.min(y0, x);
                    y1 = Math.max(y1, x);
                }
            }
        }
        if (y1 == y0) {
            y1 = y0 + 1;
        }
        StringBuilder sb = open(title);
        axes(sb, Double.NaN, Double.NaN, y0, y1);
        int groups = Math.max(1, categories.size());
        double gw = (W - L - R) / (double) groups;
        double bw = gw * 0.8 / Math.max(1, series.size());
        int s = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            String color = COLORS[s % COLORS.length];
            for (int g = 0; g < categories.size(); g++) {
                double v = g < e.getValue().length ? e.getValue()[g] : Double.NaN;
                if (!Double.isFinite(v)) {
                    continue;
                }
                double x = L + g * gw + gw * 0.1 + s * bw;
                double ya = py(Math.max(v, 0), y0, y1);
                double yb = py(Math.min(v, 0), y0, y1);
                sb.append("<rect class=\"series\" x=\"").append(f(x)).append("\" y=\"").append(f(ya)).append("\" width=\"").append(f(bw * 0.92))
                        .append("\" height=\"").append(f(Math.max(0.5, yb - ya))).append("\" fill=\"").append(color).append("\"><title>")
                        .append(Html.esc(e.getKey() + " / " + categories.get(g) + ": " + String.format(Locale.ROOT, "%.4g", v))).append("</title></rect>");
            }
            legend(sb, s, e.getKey(), color);
            s++;
        }
        for (int g = 0; g < categories.size(); g++) {
            sb.append(text(L + g * gw + gw / 2, H - B + 14, categories.get(g), "middle"));
        }
        return sb.append("</svg>").toString();
    }

    private static StringBuilder open(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\">");
        sb.append("<title>").append(Html.esc(title)).append("</title>");
        sb.append(text(L, 16, title, "start").replace("<text ", "<text font-weight=\"bold\" "));
        return sb;
    }

    private static void axes(StringBuilder sb, double x0, double x1, double y0, double y1) {
        sb.append("<line x1=\"").append(L).append("\" y1=\"").append(T).append("\" x2=\"").append(L).append("\" y2=\"").append(H - B)
                .append("\" stroke=\"#444\"/>");
        sb.append("<line x1=\"").append(L).append("\" y1=\"").append(H - B).append("\" x2=\"").append(W - R).append("\" y2=\"").append(H - B)
                .append("\" stroke=\"#444\"/>");
        for (int i = 0; i <= 4; i++) {
            double v = y0 + (y1 - y0) * i / 4.0;
            double y = py(v, y0, y1);
            sb.append("<line x1=\"").append(L).append("\" y1=\"").append(f(y)).append("\" x2=\"").append(W - R).append("\" y2=\"").append(f(y))
                    .append("\" stroke=\"#ddd\"/>");
            sb.append(text(L - 4, y + 4, num(v), "end"));
        }
        if (!Double.isNaN(x0)) {
            for (int i = 0; i <= 4; i++) {
                double v = x0 + (x1 - x0) * i / 4.0;
                sb.append(text(px(v, x0, x1), H - B + 14, num(v), "middle"));
            }
        }
    }

    private static void legend(StringBuilder sb, int i, String name, String color) {
        double x = L + 8 + (i % 3) * 130;
        double y = H - 6 - (i / 3) * 0;
        if (i >= 3) {
            y = T + 10 + (i / 3 - 1) * 12;
        }
        sb.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y - 8)).append("\" width=\"8\" height=\"8\" fill=\"").append(color).append("\"/>");
        sb.append(text(x + 11, y, name, "start"));
    }

    private static String text(double x, double y, String s, String anchor) {
        return "<text x=\"" + f(x) + "\" y=\"" + f(y) + "\" font-size=\"10\" text-anchor=\"" + anchor + "\">" + Html.esc(s) + "</text>";
    }

    private static double px(double x, double x0, double x1) {
        return L + (x - x0) / (x1 - x0) * (W - L - R);
    }

    private static double py(double y, double y0, double y1) {
        return H - B - (y - y0) / (y1 - y0) * (H - T - B);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String num(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        return Math.abs(v) >= 1000 || v == Math.rint(v) && Math.abs(v) < 1e6 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }
}
