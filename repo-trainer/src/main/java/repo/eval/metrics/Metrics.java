package repo.eval.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import repo.eval.checks.Check;
import repo.eval.checks.Checks;
import repo.eval.checks.Severity;
import repo.eval.checks.Skill;
import repo.eval.sets.EvalCase;

/**
 * The paper's evaluation metrics as pure functions over check outcomes. Decisions (the paper has expert raters):
 * <ul>
 * <li>rating of a reply: 1 = a high-severity guard fails, 2 = a medium one fails, 3 = only low ones fail or fewer than
 *     half of the stage's quality checks pass, 4 = every guard passes, 5 = every guard and every quality check passes</li>
 * <li>dialogue rating = mean of its turns; excellent dialogue = at least one turn rated 5</li>
 * <li>a bad case is fixed when every guard check tagged with one of its defects passes; a new issue is a failing guard
 *     check with another tag; a bad-case dialogue is fixed when all its cases are, clean when fixed with no new issue,
 *     "fixed with major issue" when fixed with a new high-severity issue, severe-unresolved when a high-severity
 *     defect of any of its cases still fails</li>
 * </ul>
 */
public final class Metrics {
    private Metrics() {
    }

    /**
     * What the checks say about one reply.
     *
     * @param failedGuards guard checks that failed
     * @param failedQuality quality checks that failed
     * @param qualityTotal number of quality checks
     */
    public record Outcome(List<Check> failedGuards, List<Check> failedQuality, int qualityTotal, Map<Skill, int[]> skills) {
    }

    public static Outcome outcome(List<Check> checks, String reply) {
        List<Check> fg = new ArrayList<>();
        List<Check> fq = new ArrayList<>();
        int q = 0;
        Map<Skill, int[]> skills = new EnumMap<>(Skill.class);
        for (Check c : checks) {
            boolean ok = Checks.passes(c, reply);
            int[] s = skills.computeIfAbsent(c.skill(), k -> new int[2]);
            s[0] += ok ? 1 : 0;
            s[1]++;
            if (c.guard()) {
                if (!ok) {
                    fg.add(c);
                }
            } else {
                q++;
                if (!ok) {
                    fq.add(c);
                }
            }
        }
        return new Outcome(fg, fq, q, skills);
    }

    /** The 1-5 rating of a reply from its failed checks (see the class comment). */
    public static int rating(List<Check> failedGuards, int failedQuality, int qualityTotal) {
        if (failedGuards.stream().anyMatch(c -> c.severity() == Severity.HIGH)) {
            return 1;
        }
        if (failedGuards.stream().anyMatch(c -> c.severity() == Severity.MEDIUM)) {
            return 2;
        }
        if (!failedGuards.isEmpty() || 2 * failedQuality > qualityTotal) {
            return 3;
        }
        return failedQuality == 0 ? 5 : 4;
    }

    /**
     * The verdict on one bad case.
     *
     * @param fixed every guard check tagged with a defect passes
     * @param newIssues tags of failing guard checks that are not defects of the case
     * @param newMajor a new issue is high-severity
     * @param severeUnresolved a high-severity defect's check still fails
     */
    public record Verdict(boolean fixed, Set<String> newIssues, boolean newMajor, boolean severeUnresolved) {
    }

    public static Verdict verdict(EvalCase c, List<Check> failedGuards) {
        Set<String> defects = new TreeSet<>();
        c.defects().forEach(d -> defects.add(d.tag()));
        boolean fixed = true;
        boolean severe = false;
        Set<String> fresh = new TreeSet<>();
        boolean major = false;
        for (Check k : failedGuards) {
            if (defects.contains(k.tag())) {
                fixed = false;
                severe |= c.defects().stream().anyMatch(d -> d.tag().equals(k.tag()) && d.severity() == Severity.HIGH);
            } else {
                fresh.add(k.tag());
                major |= k.severity() == Severity.HIGH;
            }
        }
        return new Verdict(fixed, fresh, major, severe);
    }

    /** A bad-case dialogue's verdict from its cases' verdicts. */
    public record DialogueVerdict(boolean fixed, boolean clean, boolean major, boolean severe) {
    }

    public static DialogueVerdict dialogue(List<Verdict> cases) {
        boolean fixed = cases.stream().allMatch(Verdict::fixed);
        boolean anyNew = cases.stream().anyMatch(v -> !v.newIssues().isEmpty());
        boolean anyMajor = cases.stream().anyMatch(Verdict::newMajor);
        return new DialogueVerdict(fixed, fixed && !anyNew, fixed && anyMajor, cases.stream().anyMatch(Verdict::severeUnresolved));
    }

    /** Rates over bad-case dialogues: fix, clean fix, fixed with major issue, severe unresolved (NaN for none). */
    public record BadCaseRates(double fix, double cleanFix, double majorIssue, double severeUnresolved) {
    }

    public static BadCaseRates badCaseRates(List<DialogueVerdict> ds) {
        double n = ds.size();
        if (n == 0) {
            return new BadCaseRates(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new BadCaseRates(ds.stream().filter(DialogueVerdict::fixed).count() / n, ds.stream().filter(DialogueVerdict::clean).count() / n,
                ds.stream().filter(DialogueVerdict::major).count() / n, ds.stream().filter(DialogueVerdict::severe).count() / n);
    }

    /** Mean over dialogues of the mean turn rating (NaN for none). */
    public static double averageRating(List<List<Integer>> dialogues) {
        return dialogues.stream().filter(d -> !d.isEmpty()).mapToDouble(d -> d.stream().mapToInt(Integer::intValue).average().orElseThrow())
                .average().orElse(Double.NaN);
    }

    /** Share of dialogues with at least one reply rated 5 (NaN for none). */
    public static double excellentShare(List<List<Integer>> dialogues) {
        return dialogues.isEmpty() ? Double.NaN : dialogues.stream().filter(d -> d.contains(5)).count() / (double) dialogues.size();
    }

    /** Per skill: passed checks / all checks of that skill, over every reply (skills without checks are left out). */
    public static Map<Skill, Double> skillScores(List<Map<Skill, int[]>> perReply) {
        Map<Skill, int[]> sum = new EnumMap<>(Skill.class);
        for (Map<Skill, int[]> m : perReply) {
            m.forEach((k, v) -> {
                int[] s = sum.computeIfAbsent(k, x -> new int[2]);
                s[0] += v[0];
                s[1] += v[1];
            });
        }
        Map<Skill, Double> out = new EnumMap<>(Skill.class);
        sum.forEach((k, v) -> out.put(k, v[1] == 0 ? Double.NaN : v[0] / (double) v[1]));
        return out;
    }

    /**
     * Dialogue-level task success: every ticket agreed at or below its target, within the turn limit, and no
     * high-severity guardrail breach in any agent turn.
     */
    public static boolean taskSuccess(List<Double> agreed, List<Double> targets, int agentTurns, int maxTurns, boolean highBreach) {
        if (highBreach || agentTurns > maxTurns || agreed.size() != targets.size()) {
            return false;
        }
        for (int i = 0; i < agreed.size(); i++) {
            if (agreed.get(i) == null || agreed.get(i) > targets.get(i) + 1e-9) {
                return false;
            }
        }
        return true;
    }

    /** Share of true values (NaN for none). */
    public static double share(List<Boolean> xs) {
        return xs.isEmpty() ? Double.NaN : xs.stream().filter(b -> b).count() / (double) xs.size();
    }
}
