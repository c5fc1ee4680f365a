package repo.rewards.trace;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import repo.rewards.api.Finding;
import repo.rewards.api.Severity;
import repo.rewards.api.SourceResult;

/**
 * Aggregates of a list of traces: per rule (items hit, hit rate, findings, total points, findings by
 * severity) and per source (mean, std, min, max over the items it scored, and failures), plus rows for the
 * combined {@code r_total} and {@code e_enh}. {@link #render()} prints both as plain-text tables.
 *
 * @param items number of traces
 * @param dropped traces whose reward was dropped
 * @param rules per rule id, in first-seen order after the given ids
 * @param sources per source name, then "r_total" and "e_enh"
 */
public record Summary(int items, int dropped, List<RuleStats> rules, List<SourceStats> sources) {

    /** One rule's row. */
    public record RuleStats(String ruleId, int itemsHit, double hitRate, int findings, double points, Map<Severity, Integer> bySeverity) {
    }

    /** One source's row; the statistics are over non-failed values (NaN when there are none). */
    public record SourceStats(String source, int n, int failures, double mean, double std, double min, double max) {
    }

    /**
     * @param ruleIds rule ids to list even when they never fired (e.g. the rule set's ids), in order
     */
    public static Summary of(List<RewardTrace> traces, Collection<String> ruleIds) {
        Map<String, List<Finding>> byRule = new LinkedHashMap<>();
        Map<String, Set<Integer>> hits = new LinkedHashMap<>();
        for (String id : ruleIds) {
            byRule.put(id, new ArrayList<>());
            hits.put(id, new HashSet<>());
        }
        Map<String, List<SourceResult>> bySource = new LinkedHashMap<>();
        for (int i = 0; i < traces.size(); i++) {
            for (SourceResult s : traces.get(i).sources()) {
                bySource.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s);
                for (Finding f : s.findings()) {
                    // rules keep their bare ids; other sources' items are prefixed, so a rubric item that shares
                    // an id with a rule (over-promise) gets a row of its own
                    String key = s.source().equals("rules") ? f.ruleId() : s.source() + ":" + f.ruleId();
                    byRule.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
                    hits.computeIfAbsent(key, k -> new HashSet<>()).add(i);
                }
            }
        }
        int n = traces.size();
        List<RuleStats> rules = new ArrayList<>();
        for (Map.Entry<String, List<Finding>> e : byRule.entrySet()) {
            Map<Severity, Integer> sev = new LinkedHashMap<>();
            for (Severity s : Severity.values()) {
                sev.put(s, (int) e.getValue().stream().filter(f -> f.severity() == s).count());
            }
            int hit = hits.get(e.getKey()).size();
            rules.add(new RuleStats(e.getKey(), hit, n == 0 ? 0 : hit / (double) n, e.getValue().size(),
                    e.getValue().stream().mapToDouble(Finding::points).sum(), sev));
        }
        List<SourceStats> sources = new ArrayList<>();
        for (Map.Entry<String, List<SourceResult>> e : bySource.entrySet()) {
            List<Double> ok = e.getValue().stream().filter(s -> !s.failed()).map(SourceResult::value).toList();
            sources.add(stats(e.getKey(), ok, e.getValue().size() - ok.size()));
        }
        sources.add(combined("r_total", traces, t -> t.combined().rTotal()));
        sources.add(combined("e_enh", traces, t -> t.combined().eEnh()));
        int dropped = (int) traces.stream().filter(t -> t.combined().dropped()).count();
        return new Summary(n, dropped, rules, sources);
    }

    private static SourceStats combined(String name, List<RewardTrace> traces, Function<RewardTrace, Double> get) {
        List<Double> vs = traces.stream().map(get).filter(v -> v != null).toList();
        return stats(name, vs, 0);
    }

    private static SourceStats stats(String name, List<Double> vs, int failures) {
        if (vs.isEmpty()) {
            return new SourceStats(name, 0, failures, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = vs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = vs.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / vs.size();
        return new SourceStats(name, vs.size(), failures, mean, Math.sqrt(var),
                vs.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), vs.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    /** Two plain-text tables: rules, then sources (name columns as wide as the longest name). */
    public String render() {
        int rw = Math.max(4, rules.stream().mapToInt(r -> r.ruleId().length()).max().orElse(0));
        int sw = Math.max(6, sources.stream().mapToInt(x -> x.source().length()).max().orElse(0));
        String ruleRow = "%-" + rw + "s %9s %8s %8s %9s %5s %6s %4s%n";
        String sourceRow = "%-" + sw + "s %4s %8s %9s %9s %9s %9s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "items: %d, dropped: %d%n%n", items, dropped));
        sb.append(String.format(Locale.ROOT, ruleRow, "rule", "items hit", "hit rate", "findings", "points", "high", "medium", "low"));
        for (RuleStats r : rules) {
            sb.append(String.format(Locale.ROOT, ruleRow, r.ruleId(), r.itemsHit(), String.format(Locale.ROOT, "%.1f%%", 100 * r.hitRate()),
                    r.findings(), String.format(Locale.ROOT, "%.1f", r.points()), r.bySeverity().get(Severity.HIGH),
                    r.bySeverity().get(Severity.MEDIUM), r.bySeverity().get(Severity.LOW)));
        }
        sb.append(String.format(Locale.ROOT, "%n" + sourceRow, "source", "n", "failures", "mean", "std", "min", "max"));
        for (SourceStats x : sources) {
            sb.append(String.format(Locale.ROOT, sourceRow, x.source(), x.n(), x.failures(), fmt(x.mean()), fmt(x.std()),
                    fmt(x.min()), fmt(x.max())));
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
