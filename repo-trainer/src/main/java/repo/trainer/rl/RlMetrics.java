package repo.trainer.rl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import repo.rewards.api.Finding;
import repo.rewards.api.SourceResult;
import repo.rewards.combine.Combined;
import repo.trainer.algo.Kl;
import repo.trainer.algo.Stats;
import repo.trainer.common.MetricsLog;

/**
 * Per-step RL diagnostics for metrics.jsonl: each reward source's mean and spread, the enhancement factor's
 * distribution, violation rate per rule, how often the RM and the judge/rules disagree in sign (a
 * reward-hacking signal), reply length, KL to the base (always measured), clip fractions, the critic's
 * explained variance, entropy, and generation and training throughput.
 */
final class RlMetrics {
    private double genTokens, genSeconds;

    void generation(long tokens, double seconds) {
        genTokens = tokens;
        genSeconds = seconds;
    }

    /** Accumulates the update's figures over minibatches. */
    static final class Update {
        private final List<Double> loss = new ArrayList<>(), policyLoss = new ArrayList<>(), clip = new ArrayList<>(),
                valueLoss = new ArrayList<>(), valueClip = new ArrayList<>(), policyNorm = new ArrayList<>(), criticNorm = new ArrayList<>();
        private double trainTokensPerSecond = Double.NaN;

        void loss(double v) {
            loss.add(v);
        }

        void policyLoss(double v, double clipFraction) {
            policyLoss.add(v);
            clip.add(clipFraction);
        }

        void valueLoss(double v, double clipFraction) {
            valueLoss.add(v);
            valueClip.add(clipFraction);
        }

        void policyGradNorm(double v) {
            policyNorm.add(v);
        }

        void criticGradNorm(double v) {
            criticNorm.add(v);
        }

        void trainTokensPerSecond(double v) {
            trainTokensPerSecond = v;
        }
    }

    MetricsLog.Entry entry(int step, double lr, List<RlTrainer.Rollout> all, List<RlTrainer.Rollout> kept, Update u, RlModels models) {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] rewards = kept.stream().mapToDouble(r -> r.reward).toArray();
        m.put("reward_mean", mean(rewards));
        m.put("reward_std", rewards.length < 2 ? 0 : Math.sqrt(Stats.variance(rewards)));
        m.put("dropped", (double) (all.size() - kept.size()));
        sources(all, m);
        enhancement(all, m);
        violations(all, m);
        m.put("reply_len", all.stream().mapToDouble(r -> r.replyIds.length).average().orElse(Double.NaN));
        m.put("kl", tokenMean(all, (r, k) -> Kl.estimate(Kl.Estimator.K3, r.oldLogp[k], r.refLogp[k])));
        m.put("kl_k1", tokenMean(all, (r, k) -> Kl.estimate(Kl.Estimator.K1, r.oldLogp[k], r.refLogp[k])));
        m.put("entropy", tokenMean(all, (r, k) -> r.entropy[k]));
        m.put("clip_frac", avg(u.clip));
        m.put("policy_loss", avg(u.policyLoss));
        if (models.hasCritic()) {
            m.put("value_loss", avg(u.valueLoss));
            m.put("value_clip_frac", avg(u.valueClip));
            m.put("critic_grad_norm", avg(u.criticNorm));
            m.put("explained_variance", explainedVariance(kept));
        }
        m.put("gen_tokens_per_s", genTokens / genSeconds);
        m.put("train_tokens_per_s", u.trainTokensPerSecond);
        return new MetricsLog.Entry(step, avg(u.loss), lr, avg(u.policyNorm), u.trainTokensPerSecond, m);
    }

    /** Mean and std of every source's value (rm, judge, rules) over the step's replies. */
    private static void sources(List<RlTrainer.Rollout> all, Map<String, Double> m) {
        Map<String, List<Double>> values = new TreeMap<>();
        Map<String, Integer> failures = new TreeMap<>();
        for (RlTrainer.Rollout r : all) {
            for (SourceResult s : r.trace.sources()) {
                if (s.failed()) {
                    failures.merge(s.source(), 1, Integer::sum);
                } else {
                    values.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s.value());
                }
            }
        }
        values.forEach((name, vs) -> {
            double[] a = vs.stream().mapToDouble(Double::doubleValue).toArray();
            m.put("source/" + name + "/mean", mean(a));
            m.put("source/" + name + "/std", a.length < 2 ? 0 : Math.sqrt(Stats.variance(a)));
        });
        failures.forEach((name, n) -> m.put("source/" + name + "/failures", (double) n));
    }

    /** The enhancement factor's distribution, and the RM-vs-auxiliary sign disagreement rate. */
    private static void enhancement(List<RlTrainer.Rollout> all, Map<String, Double> m) {
        double[] e = all.stream().map(r -> r.trace.combined()).filter(c -> c.eEnh() != null).mapToDouble(Combined::eEnh).toArray();
        if (e.length == 0) {
            return;
        }
        m.put("e_enh_mean", mean(e));
        m.put("e_enh_min", Arrays.stream(e).min().orElseThrow());
        m.put("e_enh_max", Arrays.stream(e).max().orElseThrow());
        m.put("e_enh_neg_frac", Arrays.stream(e).filter(x -> x < 0).count() / (double) e.length);
        int both = 0, disagree = 0;
        for (RlTrainer.Rollout r : all) {
            Combined c = r.trace.combined();
            if (c.rModel() != null && c.eEnh() != null && c.rModel() != 0 && c.eEnh() != 0) {
                both++;
                disagree += Math.signum(c.rModel()) != Math.signum(c.eEnh()) ? 1 : 0;
            }
        }
        if (both > 0) {
            m.put("rm_aux_sign_disagreement", disagree / (double) both);
        }
    }

    /** Share of replies with at least one finding of each rule or rubric id. */
    private static void violations(List<RlTrainer.Rollout> all, Map<String, Double> m) {
        Map<String, Integer> hits = new TreeMap<>();
        for (RlTrainer.Rollout r : all) {
            Set<String> ids = new HashSet<>();
            for (SourceResult s : r.trace.sources()) {
                for (Finding f : s.findings()) {
                    if (f.points() < 0) {
                        ids.add(f.ruleId());
                    }
                }
            }
            ids.forEach(id -> hits.merge(id, 1, Integer::sum));
        }
        hits.forEach((id, n) -> m.put("violation/" + id, n / (double) all.size()));
    }

    private static double explainedVariance(List<RlTrainer.Rollout> kept) {
        List<Double> v = new ArrayList<>(), ret = new ArrayList<>();
        for (RlTrainer.Rollout r : kept) {
            for (int k = 0; k < r.values.length; k++) {
                v.add((double) r.values[k]);
                ret.add(r.returns[k]);
            }
        }
        return v.size() < 2 ? Double.NaN
                : Stats.explainedVariance(v.stream().mapToDouble(Double::doubleValue).toArray(), ret.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private interface PerToken {
        double at(RlTrainer.Rollout r, int k);
    }

    private static double tokenMean(List<RlTrainer.Rollout> rows, PerToken f) {
        double sum = 0;
        long n = 0;
        for (RlTrainer.Rollout r : rows) {
            for (int k = 0; k < r.replyIds.length; k++) {
                sum += f.at(r, k);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double mean(double[] a) {
        return a.length == 0 ? Double.NaN : Stats.mean(a);
    }

    private static double avg(List<Double> xs) {
        return xs.isEmpty() ? Double.NaN : xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
