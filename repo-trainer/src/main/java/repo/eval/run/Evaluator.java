package repo.eval.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import repo.eval.checks.Skill;
import repo.eval.metrics.Metrics;
import repo.eval.sets.EvalCase;
import repo.eval.sets.EvalDialogue;
import repo.eval.sim.SimRollout;
import repo.rewards.ota.ScoredItem;

/**
 * Evaluates one agent on evaluation sets and simulator episodes: a reply for every case, its checks, the paper's
 * metrics, optional reward-source scores. Pure orchestration over {@link Agent}, {@link Metrics} and {@link SimRollout}.
 */
public final class Evaluator {
    /**
     * @param simDialogues K simulator dialogues (0: no task-success figure)
     * @param simTurns N, the agent-turn limit of a simulator dialogue
     * @param seed seeds the simulator episodes
     */
    public record Settings(int simDialogues, int simTurns, long seed) {
        public Settings {
            if (simDialogues < 0 || simTurns < 1) {
                throw new IllegalArgumentException("sim dialogues must be >= 0 and sim turns >= 1");
            }
        }
    }

    private Evaluator() {
    }

    public static Results.Checkpoint evaluate(String name, Agent agent, List<EvalDialogue> dialogues, Settings s, Scorer scorer) {
        List<Agent.Prompt> prompts = new ArrayList<>();
        List<ScoredItem> items = new ArrayList<>();
        for (EvalDialogue d : dialogues) {
            for (EvalCase c : d.cases()) {
                prompts.add(new Agent.Prompt(d.task(), d.context(c)));
            }
        }
        List<String> replies = agent.replies(prompts);
        List<Results.CaseResult> cases = new ArrayList<>();
        List<List<Integer>> onlineRatings = new ArrayList<>();
        List<List<Integer>> allRatings = new ArrayList<>();
        List<Metrics.DialogueVerdict> verdicts = new ArrayList<>();
        List<Map<Skill, int[]>> skills = new ArrayList<>();
        int k = 0;
        for (EvalDialogue d : dialogues) {
            List<Integer> ratings = new ArrayList<>();
            List<Metrics.Verdict> vs = new ArrayList<>();
            for (EvalCase c : d.cases()) {
                String reply = replies.get(k++);
                Metrics.Outcome o = Metrics.outcome(c.checks(), reply);
                int rating = Metrics.rating(o.failedGuards(), o.failedQuality().size(), o.qualityTotal());
                ratings.add(rating);
                skills.add(o.skills());
                List<String> failed = new ArrayList<>();
                o.failedGuards().forEach(x -> failed.add(x.id()));
                o.failedQuality().forEach(x -> failed.add(x.id()));
                Metrics.Verdict v = d.set().equals("bad_case") ? Metrics.verdict(c, o.failedGuards()) : null;
                if (v != null) {
                    vs.add(v);
                }
                cases.add(new Results.CaseResult(c.id(), d.id(), d.set(), c.stage(), reply, d.history().get(c.turn()).content(), rating,
                        v == null ? null : v.fixed(), failed, v == null ? List.of() : List.copyOf(v.newIssues()),
                        v == null ? null : v.severeUnresolved(), Map.of()));
                items.add(new ScoredItem(c.id(), d.task(), d.context(c), reply, null));
            }
            allRatings.add(ratings);
            if (d.set().equals("online")) {
                onlineRatings.add(ratings);
            }
            if (!vs.isEmpty()) {
                verdicts.add(Metrics.dialogue(vs));
            }
        }
        Map<String, Double> sourceMeans = new TreeMap<>();
        if (scorer != null && !items.isEmpty()) {
            List<Map<String, Double>> scores = scorer.score(items);
            Map<String, double[]> acc = new TreeMap<>();
            for (int i = 0; i < cases.size(); i++) {
                Results.CaseResult r = cases.get(i);
                cases.set(i, new Results.CaseResult(r.id(), r.dialogue(), r.set(), r.stage(), r.reply(), r.reference(), r.rating(), r.fixed(),
                        r.failed(), r.newIssues(), r.severeUnresolved(), scores.get(i)));
                scores.get(i).forEach((src, v) -> {
                    double[] a = acc.computeIfAbsent(src, x -> new double[2]);
                    a[0] += v;
                    a[1]++;
                });
            }
            acc.forEach((src, a) -> sourceMeans.put(src, a[0] / a[1]));
        }
        List<SimRollout.Outcome> sims = s.simDialogues() == 0 ? List.of() : SimRollout.playAll(episodes(dialogues, s), agent, s.simTurns());
        List<List<Integer>> rated = onlineRatings.isEmpty() ? allRatings : onlineRatings;
        Metrics.BadCaseRates rates = Metrics.badCaseRates(verdicts);
        Map<String, Double> skillScores = new LinkedHashMap<>();
        Metrics.skillScores(skills).forEach((sk, v) -> skillScores.put(sk.jsonName(), v));
        return new Results.Checkpoint(name, Metrics.averageRating(rated), Metrics.excellentShare(rated), rates.fix(), rates.cleanFix(),
                rates.majorIssue(), rates.severeUnresolved(), sims.isEmpty() ? Double.NaN : Metrics.share(sims.stream().map(SimRollout.Outcome::success).toList()),
                skillScores, cases, sims, sourceMeans);
    }

    /** K episodes from the evaluation dialogues' tasks (online set first), cycling when K exceeds them. */
    static List<SimRollout.Episode> episodes(List<EvalDialogue> dialogues, Settings s) {
        List<EvalDialogue> pool = new ArrayList<>(dialogues.stream().filter(d -> d.set().equals("online")).toList());
        if (pool.isEmpty()) {
            pool.addAll(dialogues);
        }
        List<SimRollout.Episode> out = new ArrayList<>();
        for (int i = 0; i < s.simDialogues() && !pool.isEmpty(); i++) {
            EvalDialogue d = pool.get(i % pool.size());
            out.add(new SimRollout.Episode("sim-" + i + "-" + d.id(), d.task(), d.sim(), s.seed() * 1_000_003L + i));
        }
        return out;
    }

    /** Per-case changes from checkpoint a to b (cases matched by id). */
    public static List<Results.CaseDiff> diff(Results.Checkpoint a, Results.Checkpoint b) {
        Map<String, Results.CaseResult> byId = new LinkedHashMap<>();
        b.cases().forEach(c -> byId.put(c.id(), c));
        List<Results.CaseDiff> out = new ArrayList<>();
        for (Results.CaseResult x : a.cases()) {
            Results.CaseResult y = byId.get(x.id());
            if (y != null) {
                out.add(new Results.CaseDiff(x.id(), x.rating(), y.rating(), x.fixed(), y.fixed(), x.reply(), y.reply()));
            }
        }
        return out;
    }
}
