package repo.rewards.ota.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import repo.rewards.api.Finding;
import repo.rewards.api.Severity;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.rules.RuleSet;

/** Runs a rule set over a labelled evaluation set and renders the per-rule table, the targets and the worst misses. */
public final class RulesEvaluation {
    private final List<String> rules;
    private final Map<String, Severity> severity;
    private final List<RuleMetrics.Outcome> outcomes;

    private RulesEvaluation(List<String> rules, Map<String, Severity> severity, List<RuleMetrics.Outcome> outcomes) {
        this.rules = rules;
        this.severity = severity;
        this.outcomes = outcomes;
    }

    /** Scores every item with the rules; a rule that throws fails the evaluation, naming the item. */
    public static RulesEvaluation run(RuleSet ruleSet, List<EvalItem> items) {
        Map<String, Severity> severity = new LinkedHashMap<>();
        List<RuleMetrics.Outcome> outcomes = new ArrayList<>();
        for (EvalItem e : items) {
            SourceResult r = ruleSet.evaluate(e.item());
            if (r.failed()) {
                throw new IllegalStateException("line " + e.line() + " (" + e.item().id() + "): " + r.error());
            }
            Set<String> predicted = new LinkedHashSet<>();
            Map<String, String> evidence = new LinkedHashMap<>();
            for (Finding f : r.findings()) {
                predicted.add(f.ruleId());
                if (f.evidence() != null) {
                    evidence.putIfAbsent(f.ruleId(), f.evidence().text());
                }
                severity.merge(f.ruleId(), f.severity(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
            outcomes.add(new RuleMetrics.Outcome(e.item().id(), e.origin().real(), e.category(), e.labels(), predicted,
                    e.item().reply(), evidence));
        }
        return new RulesEvaluation(ruleSet.ids(), severity, outcomes);
    }

    public List<RuleMetrics.Outcome> outcomes() {
        return outcomes;
    }

    public Map<String, RuleMetrics.PerRule> perRule() {
        return RuleMetrics.perRule(rules, outcomes);
    }

    public Severity severity(String rule) {
        return severity.getOrDefault(rule, Severity.LOW);
    }

    /** The rules whose measured numbers miss a target, with the gap in words (empty = every target met). */
    public List<String> gaps() {
        List<String> out = new ArrayList<>();
        for (RuleMetrics.PerRule p : perRule().values()) {
            if (severity(p.rule()) == Severity.HIGH && p.precisionReal() < RuleMetrics.PRECISION_TARGET) {
                out.add(p.rule() + ": precision on real text " + f3(p.precisionReal()) + " < " + RuleMetrics.PRECISION_TARGET);
            }
            if (p.recallWritten() < RuleMetrics.RECALL_TARGET) {
                out.add(p.rule() + ": recall on written violations " + f3(p.recallWritten()) + " < " + RuleMetrics.RECALL_TARGET);
            }
        }
        int[] fa = RuleMetrics.falseAlarms(outcomes);
        if (fa[1] > 0 && (double) fa[0] / fa[1] > RuleMetrics.FALSE_ALARM_TARGET) {
            out.add("false alarms on " + fa[0] + " of " + fa[1] + " real replies > " + pct(RuleMetrics.FALSE_ALARM_TARGET));
        }
        return out;
    }

    /** The tables as printed by {@code repo rewards-eval}. */
    public String render(int worst) {
        StringBuilder sb = new StringBuilder();
        long real = outcomes.stream().filter(RuleMetrics.Outcome::real).count();
        sb.append(String.format(Locale.ROOT, "items: %d (real text %d, written %d)%n%n", outcomes.size(), real,
                outcomes.size() - real));
        sb.append(String.format(Locale.ROOT, "%-20s %-6s | %6s %4s %9s | %7s %4s %6s | %9s %6s %5s | %s%n", "rule", "sev",
                "alarms", "FP", "precision", "labels", "hit", "recall", "precision", "recall", "F1", "confused with"));
        sb.append(String.format(Locale.ROOT, "%-20s %-6s | %-22s | %-19s | %-23s |%n", "", "", "      real text", "   written",
                "      all items"));
        for (RuleMetrics.PerRule p : perRule().values()) {
            sb.append(String.format(Locale.ROOT, "%-20s %-6s | %6d %4d %9s | %7d %4d %6s | %9s %6s %5s | %s%n", p.rule(),
                    severity(p.rule()).jsonName(), p.tpReal() + p.fpReal(), p.fpReal(), f3(p.precisionReal()),
                    p.tpWritten() + p.fnWritten(), p.tpWritten(), f3(p.recallWritten()), f3(p.precision()), f3(p.recall()),
                    f3(p.f1()), confusion(p)));
        }
        int[] fa = RuleMetrics.falseAlarms(outcomes);
        sb.append(String.format(Locale.ROOT, "%nfalse alarms: %d of %d real replies (%s; target <= %s)%n", fa[0], fa[1],
                fa[1] == 0 ? "-" : pct((double) fa[0] / fa[1]), pct(RuleMetrics.FALSE_ALARM_TARGET)));
        List<String> gaps = gaps();
        sb.append(gaps.isEmpty() ? "targets: all met (precision >= 0.95 on real text for high-severity rules, recall >= 0.85 on written violations, false alarms <= 2%)\n"
                : "targets missed:\n" + gaps.stream().map(g -> "  " + g + "\n").collect(Collectors.joining()));
        List<RuleMetrics.Miss> misses = RuleMetrics.misses(rules, outcomes);
        sb.append(String.format(Locale.ROOT, "%nworst misses (%d of %d):%n", Math.min(worst, misses.size()), misses.size()));
        for (RuleMetrics.Miss m : misses.subList(0, Math.min(worst, misses.size()))) {
            RuleMetrics.Outcome o = m.outcome();
            String ev = m.falseAlarm() && o.evidence().containsKey(m.rule()) ? " [" + excerpt(o.evidence().get(m.rule()), 30) + "]" : "";
            sb.append(String.format(Locale.ROOT, "  %-11s %-20s %-26s %s%s%n", m.falseAlarm() ? "false alarm" : "missed",
                    m.rule(), o.id(), excerpt(o.reply(), 60), ev));
        }
        return sb.toString();
    }

    /**
     * How often each item of a judge fires on the replies labelled with no breach (a near-constant item carries no
     * signal): item id, hits, share. Calibration target: no item above 50%.
     */
    public static String judgeCalibration(repo.rewards.judge.Judge judge, List<EvalItem> items) {
        List<EvalItem> good = items.stream().filter(e -> e.labels().isEmpty()).toList();
        Map<String, Integer> hits = new java.util.TreeMap<>();
        for (EvalItem e : good) {
            SourceResult r = judge.judge(e.item());
            if (r.failed()) {
                throw new IllegalStateException("line " + e.line() + " (" + e.item().id() + "): judge failed: " + r.error());
            }
            r.findings().stream().map(Finding::ruleId).distinct().forEach(id -> hits.merge(id, 1, Integer::sum));
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-28s %5s %7s   (on %d replies without a breach; target <= 50%%)%n",
                "judge item", "hits", "share", good.size()));
        hits.forEach((id, n) -> sb.append(String.format(Locale.ROOT, "%-28s %5d %7s%n", id, n, pct((double) n / good.size()))));
        if (hits.isEmpty()) {
            sb.append("(no item fired)\n");
        }
        return sb.toString();
    }

    private static String confusion(RuleMetrics.PerRule p) {
        List<String> parts = new ArrayList<>();
        p.firedInstead().forEach((k, v) -> parts.add("missed as " + k + " x" + v));
        p.firedOn().forEach((k, v) -> parts.add("fired on " + k + " x" + v));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    static String excerpt(String s, int max) {
        String one = s.replace("\n", "\\n");
        int cps = one.codePointCount(0, one.length());
        return cps <= max ? one : one.substring(0, one.offsetByCodePoints(0, max)) + "…";
    }

    static String f3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
