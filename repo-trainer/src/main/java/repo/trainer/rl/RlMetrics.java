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
    private final double[] phaseSeconds = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};

    /** Wall time of the step's phases in ns: generation, scoring, old log-probs (with reference and values), update. */
    void phases(long generation, long scoring, long oldLogProbs, long update) {
        phaseSeconds[0] = generation / 1e9;
        phaseSeconds[1] = scoring / 1e9;
        phaseSeconds[2] = oldLogProbs / 1e9;
        phaseSeconds[3] = update / 1e9;
    }

    void generation(long tokens, double seconds) {
        genTokens = tokens;
        genSeconds = seconds;
    }

    /**
     * One minibatch's figures (sums of its micro-batches' weighted parts, so they equal the minibatch's means).
     *
     * @param valueLoss 0 without a critic
     * @param approxKl token mean of the approximate KL between the old and the current policy
     * @param stopped whether a micro-batch's approximate KL stopped the update early
     * @param policy whether the policy's terms were computed (false during the critic-only warm-up)
     */
    record Minibatch(double loss, double policyLoss, double clipFraction, double valueLoss, double valueClip, double dualClip,
                     double approxKl, boolean stopped, boolean policy) {
        static final Minibatch ZERO = new Minibatch(0, 0, 0, 0, 0, 0, 0, false, false);

        Minibatch plus(Minibatch o) {
            return new Minibatch(loss + o.loss, policyLoss + o.policyLoss, clipFraction + o.clipFraction, valueLoss + o.valueLoss,
                    valueClip + o.valueClip, dualClip + o.dualClip, approxKl + o.approxKl, stopped || o.stopped, policy || o.policy);
        }

        /** A critic-only part: its weighted loss, value loss and value clip fraction. */
        Minibatch withValue(double weightedLoss, double value, double clip) {
            return new Minibatch(loss + weightedLoss, policyLoss, clipFraction, valueLoss + value, valueClip + clip, dualClip, approxKl,
                    stopped, policy);
        }
    }

    /**
     * Step-level figures of the shaping phase and the KL control.
     *
     * @param truncationRate share of replies cut at max_new_tokens
     * @param zeroSpreadShare GRPO: share of groups whose rewards do not differ (NaN for PPO/REPO)
     * @param klCoef the KL coefficient the step used
     */
    record Shaping(double truncationRate, double zeroSpreadShare, double klCoef) {
    }

    /** Accumulates the update's figures over minibatches. */
    static final class Update {
        private final List<Double> loss = new ArrayList<>(), policyLoss = new ArrayList<>(), clip = new ArrayList<>(),
                dualClip = new ArrayList<>(), approxKl = new ArrayList<>(),
                valueLoss = new ArrayList<>(), valueClip = new ArrayList<>(), policyNorm = new ArrayList<>(), criticNorm = new ArrayList<>();
        private double trainTokensPerSecond = Double.NaN, firstRatioDeviation = Double.NaN, stoppedAt = Double.NaN;

        void add(Minibatch m) {
            loss.add(m.loss());
            valueLoss.add(m.valueLoss());
            valueClip.add(m.valueClip());
            if (m.policy()) {
                policyLoss.add(m.policyLoss());
                clip.add(m.clipFraction());
                dualClip.add(m.dualClip());
                approxKl.add(m.approxKl());
            }
        }

        /** max |ρ − 1| over the first micro-batch of the first epoch: 0 when the update starts on-policy. */
        void firstRatioDeviation(double v) {
            firstRatioDeviation = v;
        }

        /** Early stop after this many epochs (fractional: minibatches done / per epoch). */
        void earlyStop(double epochs) {
            stoppedAt = epochs;
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

    MetricsLog.Entry entry(int step, double lr, List<Rollout.Evaluated> all, List<Rollout.Experience> kept, Update u,
                           boolean critic, Shaping shaping) {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] rewards = all.stream().filter(e -> e.scored().reward() != null).mapToDouble(e -> e.scored().reward()).toArray();
        m.put("reward_mean", mean(rewards));
        m.put("reward_std", rewards.length < 2 ? 0 : Math.sqrt(Stats.variance(rewards)));
        m.put("dropped", (double) all.stream().filter(e -> e.scored().reward() == null).count());
        m.put("not_trained", (double) all.stream().filter(e -> e.scored().reward() != null && !e.scored().trained()).count());
        m.put("truncation_rate", shaping.truncationRate());
        if (!Double.isNaN(shaping.zeroSpreadShare())) {
            m.put("zero_spread_group_share", shaping.zeroSpreadShare());
        }
        sources(all, m);
        enhancement(all, m);
        violations(all, m);
        m.put("reply_len", all.stream().mapToDouble(r -> r.rollout().replyLength()).average().orElse(Double.NaN));
        m.put("kl", tokenMean(all, (o, k) -> Kl.estimate(Kl.Estimator.K3, o.logp()[k], o.refLogp()[k])));
        m.put("kl_k1", tokenMean(all, (o, k) -> Kl.estimate(Kl.Estimator.K1, o.logp()[k], o.refLogp()[k])));
        m.put("kl_coef", shaping.klCoef());
        m.put("entropy", tokenMean(all, (o, k) -> o.entropy()[k]));
        if (all.stream().allMatch(e -> e.old().filterKl() != null)) {
            m.put("sampling_filter_kl", tokenMean(all, (o, k) -> o.filterKl()[k]));
        }
        m.put("clip_frac", avg(u.clip));
        m.put("dual_clip_frac", avg(u.dualClip));
        m.put("approx_kl", avg(u.approxKl));
        m.put("ratio_dev_first", u.firstRatioDeviation);
        m.put("early_stop_epochs", u.stoppedAt);
        m.put("policy_loss", avg(u.policyLoss));
        if (critic) {
            m.put("value_loss", avg(u.valueLoss));
            m.put("value_clip_frac", avg(u.valueClip));
            m.put("critic_grad_norm", avg(u.criticNorm));
            double[][] vr = valuesAndReturns(kept);
            m.put("explained_variance", vr[0].length < 2 ? Double.NaN : Stats.explainedVariance(vr[0], vr[1]));
            m.put("value_error", Stats.valueError(vr[0], vr[1]));
        }
        m.put("gen_tokens_per_s", genTokens / genSeconds);
        m.put("train_tokens_per_s", u.trainTokensPerSecond);
        m.put("time_generation_s", phaseSeconds[0]);
        m.put("time_scoring_s", phaseSeconds[1]);
        m.put("time_old_logprobs_s", phaseSeconds[2]);
        m.put("time_update_s", phaseSeconds[3]);
        return new MetricsLog.Entry(step, avg(u.loss), lr, avg(u.policyNorm), u.trainTokensPerSecond, m);
    }

    /** Mean and std of every source's value (rm, judge, rules) over the step's replies. */
    private static void sources(List<Rollout.Evaluated> all, Map<String, Double> m) {
        Map<String, List<Double>> values = new TreeMap<>();
        Map<String, Integer> failures = new TreeMap<>();
        for (Rollout.Evaluated r : all) {
            for (SourceResult s : r.scored().trace().sources()) {
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
    private static void enhancement(List<Rollout.Evaluated> all, Map<String, Double> m) {
        double[] e = all.stream().map(r -> r.scored().trace().combined()).filter(c -> c.eEnh() != null).mapToDouble(Combined::eEnh).toArray();
        if (e.length == 0) {
            return;
        }
        m.put("e_enh_mean", mean(e));
        m.put("e_enh_min", Arrays.stream(e).min().orElseThrow());
        m.put("e_enh_max", Arrays.stream(e).max().orElseThrow());
        m.put("e_enh_neg_frac", Arrays.stream(e).filter(x -> x < 0).count() / (double) e.length);
        int both = 0, disagree = 0;
        for (Rollout.Evaluated r : all) {
            Combined c = r.scored().trace().combined();
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
    private static void violations(List<Rollout.Evaluated> all, Map<String, Double> m) {
        Map<String, Integer> hits = new TreeMap<>();
        for (Rollout.Evaluated r : all) {
            Set<String> ids = new HashSet<>();
            for (SourceResult s : r.scored().trace().sources()) {
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

    /** {old values, returns} over every token of the kept replies. */
    private static double[][] valuesAndReturns(List<Rollout.Experience> kept) {
        List<Double> v = new ArrayList<>(), ret = new ArrayList<>();
        for (Rollout.Experience r : kept) {
            for (int k = 0; k < r.old().values().length; k++) {
                v.add((double) r.old().values()[k]);
                ret.add(r.returns()[k]);
            }
        }
        return new double[][] {v.stream().mapToDouble(Double::doubleValue).toArray(), ret.stream().mapToDouble(Double::doubleValue).toArray()};
    }

    private interface PerToken {
        double at(Rollout.OldPolicy o, int k);
    }

    private static double tokenMean(List<Rollout.Evaluated> rows, PerToken f) {
        double sum = 0;
        long n = 0;
        for (Rollout.Evaluated r : rows) {
            for (int k = 0; k < r.old().logp().length; k++) {
                sum += f.at(r.old(), k);
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
