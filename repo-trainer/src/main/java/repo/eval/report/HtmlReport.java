package repo.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import repo.eval.run.Evaluator;
import repo.eval.run.Results;

/**
 * report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched): the metrics table per
 * checkpoint, metric bar charts, training curves from each run's metrics.jsonl, the reward-source breakdown, the
 * worst cases side by side and the per-case diff of two checkpoints.
 */
public final class HtmlReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORST = 10;

    private HtmlReport() {
    }

    /**
     * @param runs run name to run folder (holding metrics.jsonl); may be empty
     * @param diffA first checkpoint of the diff, or null
     * @param diffB second checkpoint of the diff, or null
     */
    public static String render(String title, List<Results.Checkpoint> cps, Map<String, Path> runs, String diffA, String diffB) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Html.esc(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 7px;font-size:13px;vertical-align:top}th{background:#f3f3f3}")
                .append("td.num{text-align:right}.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #eee}")
                .append(".reply{max-width:340px;white-space:pre-wrap}.bad{color:#b00}.good{color:#070}</style></head><body>");
        sb.append("<h1>").append(Html.esc(title)).append("</h1>");
        metricsTable(sb, cps);
        metricCharts(sb, cps);
        curves(sb, runs);
        sources(sb, cps);
        worst(sb, cps);
        diff(sb, cps, diffA, diffB);
        sb.append("<p>Definitions: rating 1-5 from each case's own checks (1 high-severity breach, 2 medium, 3 low or weak, 4 clean, ")
                .append("5 clean and every quality check of the stage met); fix, clean fix, major issue and severe unresolved per bad-case ")
                .append("dialogue; task success over simulator dialogues. See the README's Evaluation section.</p>");
        return sb.append("</body></html>\n").toString();
    }

    private static void metricsTable(StringBuilder sb, List<Results.Checkpoint> cps) {
        TreeSet<String> skills = new TreeSet<>();
        cps.forEach(c -> skills.addAll(c.skills().keySet()));
        sb.append("<h2>Metrics per checkpoint</h2><table id=\"metrics\"><tr><th>checkpoint</th><th>avg rating</th><th>&ge;1 excellent</th>")
                .append("<th>fix</th><th>clean fix</th><th>fixed, major issue</th><th>severe unresolved</th><th>task success</th>");
        skills.forEach(s -> sb.append("<th>").append(Html.esc(s)).append("</th>"));
        sb.append("</tr>");
        for (Results.Checkpoint c : cps) {
            sb.append("<tr><td>").append(Html.esc(c.name())).append("</td>").append(cell(c.rating(), false)).append(cell(c.excellentShare(), true))
                    .append(cell(c.fixRate(), true)).append(cell(c.cleanFixRate(), true)).append(cell(c.majorIssueRate(), true))
                    .append(cell(c.severeUnresolvedRate(), true)).append(cell(c.taskSuccessRate(), true));
            skills.forEach(s -> sb.append(cell(c.skills().getOrDefault(s, Double.NaN), true)));
            sb.append("</tr>");
        }
        sb.append("</table>");
    }

    private static String cell(double v, boolean pct) {
        String t = !Double.isFinite(v) ? "–" : pct ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : String.format(Locale.ROOT, "%.2f", v);
        return "<td class=\"num\">" + t + "</td>";
    }

    private static void metricCharts(StringBuilder sb, List<Results.Checkpoint> cps) {
        List<String> names = cps.stream().map(Results.Checkpoint::name).toList();
        Map<String, double[]> rates = new LinkedHashMap<>();
        rates.put("clean fix", cps.stream().mapToDouble(Results.Checkpoint::cleanFixRate).toArray());
        rates.put("fix", cps.stream().mapToDouble(Results.Checkpoint::fixRate).toArray());
        rates.put("severe unresolved", cps.stream().mapToDouble(Results.Checkpoint::severeUnresolvedRate).toArray());
        rates.put("task success", cps.stream().mapToDouble(Results.Checkpoint::taskSuccessRate).toArray());
        Map<String, double[]> rating = new LinkedHashMap<>();
        rating.put("avg rating", cps.stream().mapToDouble(Results.Checkpoint::rating).toArray());
        sb.append("<div class=\"charts\" id=\"metric-charts\">").append(Svg.bars("Bad-case rates and task success", names, rates))
                .append(Svg.bars("Average rating (1-5)", names, rating)).append("</div>");
    }

    private static void curves(StringBuilder sb, Map<String, Path> runs) throws IOException {
        sb.append("<h2>Training curves</h2>");
        if (runs.isEmpty()) {
            sb.append("<p>No training runs were given.</p>");
            return;
        }
        sb.append("<div class=\"charts\" id=\"curves\">");
        for (Map.Entry<String, Path> run : runs.entrySet()) {
            Path file = run.getValue().resolve("metrics.jsonl");
            if (!Files.isRegularFile(file)) {
                sb.append("<p>").append(Html.esc(run.getKey())).append(": no metrics.jsonl in ").append(Html.esc(run.getValue().toString())).append("</p>");
                continue;
            }
            Map<String, Map<String, List<double[]>>> groups = new TreeMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                double step = n.path("step").asDouble(Double.NaN);
                n.fieldNames().forEachRemaining(k -> {
                    JsonNode v = n.get(k);
                    String g = group(k);
                    if (g != null && (v.isNumber() || v.isNull())) {
                        groups.computeIfAbsent(g, x -> new TreeMap<>()).computeIfAbsent(k, x -> new ArrayList<>())
                                .add(new double[] {step, v.isNull() ? Double.NaN : v.asDouble()});
                    }
                });
            }
            for (Map.Entry<String, Map<String, List<double[]>>> g : groups.entrySet()) {
                sb.append(Svg.lines(run.getKey() + ": " + g.getKey(), g.getValue()));
            }
        }
        sb.append("</div>");
    }

    /** The chart a metrics.jsonl key belongs to, or null for keys not charted. */
    static String group(String k) {
        if (k.equals("loss") || k.equals("eval_loss") || k.equals("policy_loss") || k.equals("value_loss")) {
            return "loss";
        }
        if (k.equals("reward_mean") || k.startsWith("source/") && k.endsWith("/mean") || k.equals("e_enh_mean")) {
            return "reward per source";
        }
        if (k.equals("kl") || k.equals("kl_k1")) {
            return "KL to base";
        }
        if (k.equals("entropy")) {
            return "entropy";
        }
        if (k.equals("reply_len")) {
            return "reply length";
        }
        if (k.startsWith("violation/")) {
            return "violation rates";
        }
        if (k.equals("accuracy") || k.equals("eval_accuracy") || k.equals("margin") || k.equals("reward_margin")) {
            return "accuracy and margin";
        }
        return null;
    }

    private static void sources(StringBuilder sb, List<Results.Checkpoint> cps) {
        TreeSet<String> names = new TreeSet<>();
        cps.forEach(c -> names.addAll(c.sources().keySet()));
        sb.append("<h2>Reward-source breakdown (mean score of the evaluated replies)</h2>");
        if (names.isEmpty()) {
            sb.append("<p>No reward sources were applied.</p>");
            return;
        }
        sb.append("<table id=\"sources\"><tr><th>checkpoint</th>");
        names.forEach(n -> sb.append("<th>").append(Html.esc(n)).append("</th>"));
        sb.append("</tr>");
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String n : names) {
            series.put(n, cps.stream().mapToDouble(c -> c.sources().getOrDefault(n, Double.NaN)).toArray());
        }
        for (Results.Checkpoint c : cps) {
            sb.append("<tr><td>").append(Html.esc(c.name())).append("</td>");
            names.forEach(n -> sb.append(cell(c.sources().getOrDefault(n, Double.NaN), false)));
            sb.append("</tr>");
        }
        sb.append("</table><div class=\"charts\">")
                .append(Svg.bars("Mean reward per source", cps.stream().map(Results.Checkpoint::name).toList(), series)).append("</div>");
    }

    private static void worst(StringBuilder sb, List<Results.Checkpoint> cps) {
        if (cps.isEmpty()) {
            return;
        }
        Results.Checkpoint last = cps.get(cps.size() - 1);
        List<Results.CaseResult> order = new ArrayList<>(last.cases());
        order.sort(Comparator.comparingInt(Results.CaseResult::rating).thenComparing(Results.CaseResult::id));
        sb.append("<h2>Worst cases of ").append(Html.esc(last.name())).append(", every checkpoint side by side</h2><table id=\"worst\"><tr><th>case</th><th>reference</th>");
        cps.forEach(c -> sb.append("<th>").append(Html.esc(c.name())).append("</th>"));
        sb.append("</tr>");
        for (Results.CaseResult w : order.subList(0, Math.min(WORST, order.size()))) {
            sb.append("<tr><td>").append(Html.esc(w.id())).append("<br>stage ").append(w.stage()).append("</td><td class=\"reply\">")
                    .append(Html.esc(w.reference())).append("</td>");
            for (Results.Checkpoint c : cps) {
                Results.CaseResult r = c.cases().stream().filter(x -> x.id().equals(w.id())).findFirst().orElse(null);
                if (r == null) {
                    sb.append("<td>–</td>");
                    continue;
                }
                sb.append("<td class=\"reply\"><b class=\"").append(r.rating() <= 2 ? "bad" : "good").append("\">").append(r.rating()).append("/5")
                        .append(r.fixed() == null ? "" : r.fixed() ? ", fixed" : ", not fixed").append("</b> ").append(Html.esc(r.reply()));
                if (!r.failed().isEmpty()) {
                    sb.append("<br><small>failed: ").append(Html.esc(String.join(", ", r.failed()))).append("</small>");
                }
                sb.append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</table>");
    }

    private static void diff(StringBuilder sb, List<Results.Checkpoint> cps, String a, String b) {
        Results.Checkpoint x = EvalJson.find(cps, a);
        Results.Checkpoint y = EvalJson.find(cps, b);
        if (x == null || y == null || x == y) {
            return;
        }
        List<Results.CaseDiff> diffs = Evaluator.diff(x, y);
        long better = diffs.stream().filter(d -> d.change().equals("better")).count();
        long worse = diffs.stream().filter(d -> d.change().equals("worse")).count();
        sb.append("<h2>Per-case diff: ").append(Html.esc(x.name())).append(" &rarr; ").append(Html.esc(y.name())).append("</h2><p>")
                .append(better).append(" better, ").append(worse).append(" worse, ").append(diffs.size() - better - worse)
                .append(" unchanged.</p><table id=\"diff\"><tr><th>case</th><th>change</th><th>rating</th><th>")
                .append(Html.esc(x.name())).append("</th><th>").append(Html.esc(y.name())).append("</th></tr>");
        for (Results.CaseDiff d : diffs) {
            if (d.change().equals("same")) {
                continue;
            }
            sb.append("<tr><td>").append(Html.esc(d.id())).append("</td><td class=\"").append(d.change().equals("better") ? "good" : "bad").append("\">")
                    .append(d.change()).append("</td><td>").append(d.ratingA()).append(" &rarr; ").append(d.ratingB()).append("</td><td class=\"reply\">")
                    .append(Html.esc(d.replyA())).append("</td><td class=\"reply\">").append(Html.esc(d.replyB())).append("</td></tr>");
        }
        sb.append("</table>");
    }
}
