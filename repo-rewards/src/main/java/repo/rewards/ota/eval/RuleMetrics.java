package repo.rewards.ota.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per-rule precision, recall and F1 of predicted rule ids against labels; pure arithmetic on counts.
 * Precision is measured on real items (origin real or real-db), recall on written items, F1 over all items.
 */
public final class RuleMetrics {
    /** Precision target on real text for every high-severity rule. */
    public static final double PRECISION_TARGET = 0.95;
    /** Recall target on written violations for every rule. */
    public static final double RECALL_TARGET = 0.85;
    /** Largest share of real replies with any false alarm. */
    public static final double FALSE_ALARM_TARGET = 0.02;

    private RuleMetrics() {
    }

    /** What the rules said about one labelled item. */
    public record Outcome(String id, boolean real, String category, Set<String> labels, Set<String> predicted, String reply,
                          Map<String, String> evidence) {
        public Outcome {
            labels = Set.copyOf(labels);
            predicted = Set.copyOf(predicted);
            evidence = Map.copyOf(evidence);
        }

        public Outcome(String id, boolean real, String category, Set<String> labels, Set<String> predicted, String reply) {
            this(id, real, category, labels, predicted, reply, Map.of());
        }
    }

    /** Counts and rates of one rule. NaN where undefined (no alarms on real text, no labelled written item). */
    public record PerRule(String rule, int tpReal, int fpReal, int fnReal, int tpWritten, int fpWritten, int fnWritten,
                          Map<String, Integer> firedInstead, Map<String, Integer> firedOn) {
        public double precisionReal() {
            return ratio(tpReal, tpReal + fpReal);
        }

        public double recallWritten() {
            return ratio(tpWritten, tpWritten + fnWritten);
        }

        public double precision() {
            return ratio(tpReal + tpWritten, tpReal + tpWritten + fpReal + fpWritten);
        }

        public double recall() {
            return ratio(tpReal + tpWritten, tpReal + tpWritten + fnReal + fnWritten);
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return Double.isNaN(p) || Double.isNaN(r) || p + r == 0 ? (Double.isNaN(p) && Double.isNaN(r) ? Double.NaN : 0) : 2 * p * r / (p + r);
        }
    }

    /**
     * @param rules the rule ids to report, in order
     * @param outcomes one per item
     */
    public static Map<String, PerRule> perRule(List<String> rules, List<Outcome> outcomes) {
        Map<String, PerRule> out = new LinkedHashMap<>();
        for (String r : rules) {
            int tpR = 0, fpR = 0, fnR = 0, tpW = 0, fpW = 0, fnW = 0;
            Map<String, Integer> instead = new TreeMap<>();
            Map<String, Integer> on = new TreeMap<>();
            for (Outcome o : outcomes) {
                boolean l = o.labels().contains(r);
                boolean p = o.predicted().contains(r);
                if (l && p) {
                    if (o.real()) tpR++; else tpW++;
                } else if (p) {
                    if (o.real()) fpR++; else fpW++;
                    for (String s : o.labels()) {
                        on.merge(s, 1, Integer::sum);
                    }
                } else if (l) {
                    if (o.real()) fnR++; else fnW++;
                    for (String s : o.predicted()) {
                        if (!o.labels().contains(s)) {
                            instead.merge(s, 1, Integer::sum);
                        }
                    }
                }
            }
            out.put(r, new PerRule(r, tpR, fpR, fnR, tpW, fpW, fnW, instead, on));
        }
        return out;
    }

    /** Real items on which any rule fired that the labels do not name, and the number of real items. */
    public static int[] falseAlarms(List<Outcome> outcomes) {
        int n = 0, bad = 0;
        for (Outcome o : outcomes) {
            if (o.real()) {
                n++;
                if (o.predicted().stream().anyMatch(p -> !o.labels().contains(p))) {
                    bad++;
                }
            }
        }
        return new int[] {bad, n};
    }

    /** One wrong decision: a false alarm or a miss. */
    public record Miss(String rule, boolean falseAlarm, Outcome outcome) {
    }

    /** Misses ordered worst first: false alarms on real text, then misses of written violations; by rule order. */
    public static List<Miss> misses(List<String> rules, List<Outcome> outcomes) {
        List<Miss> out = new ArrayList<>();
        for (Outcome o : outcomes) {
            for (String r : rules) {
                boolean l = o.labels().contains(r);
                boolean p = o.predicted().contains(r);
                if (p && !l) {
                    out.add(new Miss(r, true, o));
                } else if (l && !p) {
                    out.add(new Miss(r, false, o));
                }
            }
        }
        out.sort(Comparator.comparingInt((Miss m) -> rank(m)).thenComparingInt(m -> rules.indexOf(m.rule())));
        return out;
    }

    private static int rank(Miss m) {
        if (m.falseAlarm()) {
            return m.outcome().real() ? 0 : 2;
        }
        return m.outcome().real() ? 3 : 1;
    }

    static double ratio(int a, int b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}
