package repo.trainer.rl;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import repo.core.generate.Generation;
import repo.core.generate.SamplingParams;
import repo.core.text.ChatFormat;
import repo.rewards.api.Sample;
import repo.rewards.trace.RewardTrace;
import repo.trainer.algo.Gae;
import repo.trainer.algo.Kl;
import repo.trainer.algo.KlControl;
import repo.trainer.common.Checkpoints;
import repo.trainer.algo.Stats;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.Algorithm;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.Optimizers;
import repo.trainer.loop.TrainingMethod;

/**
 * PPO, GRPO and REPO as a {@link TrainingMethod} of the one {@link repo.trainer.loop.TrainingLoop}: each step is a
 * rollout phase (1. sample completions from the policy adapter, 2. score them with the reward sources, 3. shape
 * the rewards: clip, overlong handling, dynamic sampling) feeding the objective (4. old policy, base and critic
 * figures, 5. advantages, 6. clipped updates), then 7. metrics (and, every {@code rollout.eval_every} steps, a
 * held-out evaluation that keeps the best policy in {@code best/}).
 *
 * <p>Dropout: every RL forward runs without LoRA dropout ({@code lora.dropout} applies to SFT, RM and DPO), so the
 * old log-probs of phase 4 and the first update's log-probs are the same numbers and the first minibatch's ratio
 * is exactly 1, as PPO's clipping assumes (TRL's PPO trainer disables dropout for the same reason). Log-probs, ratios,
 * KL and entropy come from {@code log_softmax(logits / T)} at the sampling temperature T; phase 4 batches the
 * replies as the first epoch does (same rows, same padding), so the two forwards are the same computation.
 */
public final class RlMethod implements TrainingMethod<Sample> {
    /** The folder of the policy (and critic) with the best held-out reward, with {@code rollout.eval_every}. */
    public static final String BEST = "best";
    private final TrainConfig config;
    private final RlModels models;
    private final RolloutScorer scorer;
    private final RolloutEngine engine;
    private final RlPasses passes;
    private final PpoUpdate update;
    private final SourceFailures failures;
    private final ChatFormat chat = new ChatFormat();
    private final RlMetrics metrics = new RlMetrics();
    private final RlState state;
    private final List<Sample> evalPrompts;
    private final int totalSteps;

    /**
     * @param promptCount the number of training prompts ({@code rollout.epochs} turns passes into steps)
     * @param evalPrompts held-out prompts for {@code rollout.eval_every} (empty when off)
     */
    RlMethod(TrainConfig config, RlModels models, RolloutScorer scorer, int promptCount, List<Sample> evalPrompts) {
        this.config = config;
        this.models = models;
        this.scorer = scorer;
        this.engine = RolloutEngine.of(config, models);
        this.passes = new RlPasses(models);
        this.update = new PpoUpdate(config, models, passes);
        this.failures = new SourceFailures(config.rewards().maxSourceFailures());
        this.state = new RlState(config.ppo().klCoef());
        this.evalPrompts = evalPrompts;
        this.totalSteps = config.rollout().steps(promptCount, config.train().maxSteps());
    }

    /** {@code train.max_steps}, or ceil(epochs · prompts / prompts_per_step) with {@code rollout.epochs}. */
    @Override
    public int totalSteps(int maxSteps, int examples) {
        return config.rollout().steps(examples, maxSteps);
    }

    @Override
    public int examplesPerStep() {
        return config.rollout().promptsPerStep();
    }

    @Override
    public Map<String, List<NDArray>> parameterGroups() {
        Map<String, List<NDArray>> groups = new LinkedHashMap<>();
        groups.put(PpoUpdate.POLICY, models.policyParameters());
        if (models.hasCritic()) {
            groups.put(PpoUpdate.CRITIC, models.criticParameters());
        }
        return groups;
    }

    /** One RL step in numbered phases. */
    @Override
    public MetricsLog.Entry step(int step, List<Sample> prompts, Optimizers optimizers, double lr) throws IOException {
        long t0 = System.nanoTime();                                                      // phase times: time_*_s, `repo bench`
        List<Rollout> rollouts = rollout(step, prompts);                                  // 1. sample completions
        long t1 = System.nanoTime();
        List<Rollout.Scored> scored = score(step, rollouts);                              // 2. reward sources
        long t2 = System.nanoTime();
        RolloutShaping.Shaped shaped = RolloutShaping.shape(config, scored);              // 3. clip, overlong, dynamic sampling
        List<Rollout.Evaluated> all = evaluate(shaped.scored());                          // 4. old policy, base, critic
        long t3 = System.nanoTime();
        List<Rollout.Experience> kept = advantages(all);                            // 5. GAE or group normalisation
        double beta = state.klCoef;
        RlMetrics.Update u = update.run(step, kept, optimizers, lr, beta);                // 6. clipped updates
        metrics.phases(t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3);
        engine.policyChanged();                                                           //    a remote engine reloads it
        MetricsLog.Entry e = metrics.entry(step, lr, all, kept, u, models.hasCritic(),    // 7. diagnostics
                new RlMetrics.Shaping(shaped.truncationRate(), shaped.zeroSpreadShare(), beta));
        if (config.ppo().klTarget() != null) {
            state.klCoef = KlControl.adaptiveBeta(beta, e.extra().get("kl"), config.ppo().klTarget(), rollouts.size(),
                    config.ppo().klHorizon());
        }
        int every = config.rollout().evalEvery();
        return every > 0 && (step % every == 0 || step == totalSteps) ? evaluate(step, e) : e;
    }

    // 1. rollout -----------------------------------------------------------------------------------

    private List<Rollout> rollout(int step, List<Sample> prompts) throws IOException {
        int group = config.algorithm() == Algorithm.GRPO ? config.grpo().groupSize() : 1;
        List<Sample> samples = new ArrayList<>();
        for (Sample prompt : prompts) {
            for (int g = 0; g < group; g++) {
                samples.add(prompt);
            }
        }
        return sample(samples, config.seed() * 1_000_003L + step, true);
    }

    /** One completion per sample from the policy, in process or on a server ({@code rollout.*} sampling, seeded). */
    private List<Rollout> sample(List<Sample> samples, long seed, boolean throughput) throws IOException {
        List<long[]> ids = new ArrayList<>();
        for (Sample s : samples) {
            ids.add(models.tokenizer().encode(chat.render(s.prompt(), true, false)));
        }
        TrainConfig.RolloutSection r = config.rollout();
        SamplingParams sp = new SamplingParams(r.maxNewTokens(), false, r.temperature().floatValue(), r.topP().floatValue(),
                r.topK(), seed, SamplingParams.QWEN_STOP_IDS, List.of());
        long t0 = System.nanoTime();
        List<Generation> gens = engine.generate(ids, sp);
        if (throughput) {
            metrics.generation(gens.stream().mapToLong(g -> g.ids().length).sum(), (System.nanoTime() - t0) / 1e9);
        }
        List<Rollout> out = new ArrayList<>();
        for (int i = 0; i < gens.size(); i++) {
            Generation g = gens.get(i);
            out.add(Rollout.of(withFinish(samples.get(i).withCompletion(g.text(), g.ids()), g), ids.get(i), g.ids(), g.finishReason()));
        }
        return out;
    }

    /** The sample with {@code finish_reason} ("stop" or "length") added to its metadata, when it has metadata. */
    private static Sample withFinish(Sample s, Generation g) {
        if (s.metadata() == null) {
            return s;
        }
        com.fasterxml.jackson.databind.node.ObjectNode meta = s.metadata().deepCopy();
        meta.put("finish_reason", g.finishReason().openAiName());
        return new Sample(s.id(), s.prompt(), s.completion(), s.completionIds(), meta);
    }

    // 2. score -------------------------------------------------------------------------------------

    private List<Rollout.Scored> score(int step, List<Rollout> rollouts) throws IOException {
        List<RewardTrace> traces = scorer.score(rollouts.stream().map(Rollout::sample).toList());
        if (traces == null || traces.size() != rollouts.size()) {
            throw new IllegalStateException("the reward scorer returned " + (traces == null ? "null" : traces.size() + " traces")
                    + " for " + rollouts.size() + " completions");
        }
        if (config.rewards().traces()) {
            Path dir = Files.createDirectories(config.output().resolve("traces"));
            RewardTrace.writeAll(dir.resolve(String.format(Locale.ROOT, "step-%06d.jsonl", step)), traces);
        }
        failures.check(traces);
        List<Rollout.Scored> out = new ArrayList<>();
        for (int i = 0; i < rollouts.size(); i++) {
            out.add(Rollout.Scored.of(rollouts.get(i), traces.get(i)));
        }
        return out;
    }

    // 4. evaluate the old policy, the base and the critic ------------------------------------------------

    /**
     * Phase 4 for every reply: the trainable ones first, batched exactly as the update's first epoch batches them
     * (same rows, same padding), then the rest for the metrics; so the first update's log-probs repeat these.
     */
    private List<Rollout.Evaluated> evaluate(List<Rollout.Scored> scored) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            if (scored.get(i).trainable()) {
                order.add(i);
            }
        }
        List<Rollout> trainable = order.stream().map(i -> scored.get(i).rollout()).toList();
        List<List<Rollout>> chunks = new ArrayList<>(update.firstEpochBatches(trainable));
        List<Rollout> rest = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            if (!scored.get(i).trainable()) {
                order.add(i);
                rest.add(scored.get(i).rollout());
            }
        }
        int mb = config.ppo().minibatchSize();
        for (int i = 0; i < rest.size(); i += mb) {
            chunks.add(rest.subList(i, Math.min(rest.size(), i + mb)));
        }
        List<Rollout.OldPolicy> old = passes.evaluate(chunks);
        Rollout.OldPolicy[] byIndex = new Rollout.OldPolicy[scored.size()];
        for (int k = 0; k < order.size(); k++) {
            byIndex[order.get(k)] = old.get(k);
        }
        List<Rollout.Evaluated> all = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            all.add(new Rollout.Evaluated(scored.get(i), byIndex[i]));
        }
        return all;
    }

    // 5. advantages --------------------------------------------------------------------------------

    private List<Rollout.Experience> advantages(List<Rollout.Evaluated> all) {
        List<Rollout.Experience> kept = config.algorithm() == Algorithm.GRPO ? groupAdvantages(all) : gaeAdvantages(all);
        boolean masking = config.rollout().overlong() == repo.trainer.algo.RewardShaping.Overlong.MASK;
        boolean allSpreadless = config.grpo().dynamicSampling() && all.stream().anyMatch(e -> e.scored().reward() != null)
                && all.stream().filter(e -> e.scored().reward() != null)
                        .allMatch(e -> !e.scored().trained() && !(masking && e.rollout().truncated()));
        if (kept.isEmpty() && !allSpreadless) { // every group without spread under dynamic sampling: a step without update
            throw new IllegalStateException("no completion survived to train on: " + SourceFailures.why(all)
                    + "; see the step's reward traces");
        }
        return kept;
    }

    /** PPO and REPO: the reward on the last reply token (plus per-token KL terms when asked), GAE with the critic. */
    private List<Rollout.Experience> gaeAdvantages(List<Rollout.Evaluated> all) {
        TrainConfig.PpoSection p = config.ppo();
        List<Rollout.Experience> kept = new ArrayList<>();
        for (Rollout.Evaluated e : all) {
            if (!e.scored().trainable()) {
                continue;
            }
            double reward = e.scored().reward();
            int n = e.rollout().replyLength();
            double[] perToken = null;
            if (p.klMode() == TrainConfig.KlMode.REWARD) {
                perToken = new double[n];
                for (int k = 0; k < n; k++) {
                    perToken[k] = -state.klCoef * Kl.estimate(p.klEstimator(), e.old().logp()[k], e.old().refLogp()[k]);
                }
            }
            double[] values = new double[n];
            for (int k = 0; k < n; k++) {
                values[k] = e.old().values()[k];
            }
            Gae.Result g = Gae.compute(Gae.terminalRewards(n, reward, perToken), values, p.gamma(), p.lambda());
            kept.add(new Rollout.Experience(e, reward, g.advantages(), g.returns()));
        }
        if (!p.whitenAdvantages() || kept.isEmpty()) {
            return kept;
        }
        double[] w = Stats.whiten(kept.stream().flatMapToDouble(x -> Arrays.stream(x.advantages())).toArray(), true);
        List<Rollout.Experience> out = new ArrayList<>();
        int at = 0;
        for (Rollout.Experience x : kept) {
            int n = x.advantages().length;
            out.add(new Rollout.Experience(x.evaluated(), x.reward(), Arrays.copyOfRange(w, at, at + n), x.returns()));
            at += n;
        }
        return out;
    }

    /** GRPO: each group's rewards normalised by the group's mean (and std); dropped completions take no part. */
    private List<Rollout.Experience> groupAdvantages(List<Rollout.Evaluated> all) {
        int g = config.grpo().groupSize();
        List<Rollout.Experience> kept = new ArrayList<>();
        for (int start = 0; start < all.size(); start += g) {
            List<Rollout.Evaluated> group = all.subList(start, start + g).stream()
                    .filter(e -> e.scored().reward() != null && e.scored().trained()).toList();
            double[] rewards = group.stream().mapToDouble(e -> e.scored().reward()).toArray();
            double[] adv = group.size() < 2 ? new double[group.size()] : Stats.groupNormalize(rewards, group.size(), config.grpo().scaleByStd());
            for (int i = 0; i < group.size(); i++) {
                int n = group.get(i).rollout().replyLength();
                if (n > 0) {
                    double[] a = new double[n];
                    Arrays.fill(a, adv[i]);
                    kept.add(new Rollout.Experience(group.get(i), rewards[i], a, a));
                }
            }
        }
        return kept;
    }

    @Override
    public String progress(MetricsLog.Entry e) {
        return String.format(Locale.ROOT, "reward %.3f kl %.4f", e.extra().get("reward_mean"), e.extra().get("kl"));
    }

    @Override
    public void save(Path dir) throws IOException {
        models.save(dir);
    }

    @Override
    public void load(Path dir) throws IOException {
        models.load(dir);
        engine.policyChanged();
    }

    /** The reward sources' running statistics (e.g. the RM whitening of {@code whiten_rm}), for an exact resume. */
    @Override
    public void saveRunState(Path checkpointDir) throws IOException {
        scorer.saveState(checkpointDir);
        state.write(checkpointDir);
    }

    @Override
    public void loadRunState(Path checkpointDir) throws IOException {
        scorer.loadState(checkpointDir);
        state.read(checkpointDir);
    }

    // ---- periodic evaluation ----------------------------------------------------------------------

    /**
     * Samples one completion per held-out prompt (the same seed every time, so evaluations compare), scores them with
     * the run's scorer and keeps the policy (and critic) with the best mean reward so far in {@code best/}.
     */
    private MetricsLog.Entry evaluate(int step, MetricsLog.Entry e) throws IOException {
        List<Rollout> rs = sample(evalPrompts, config.seed() * 1_000_003L - 1, false);
        List<RewardTrace> traces = scorer.score(rs.stream().map(Rollout::sample).toList());
        double[] rewards = traces.stream().filter(t -> !t.combined().dropped()).mapToDouble(t -> t.combined().rTotal()).toArray();
        double mean = rewards.length == 0 ? Double.NaN : Stats.mean(rewards);
        Map<String, Double> extra = new LinkedHashMap<>(e.extra());
        extra.put("eval_reward_mean", mean);
        extra.put("eval_truncation_rate", rs.stream().filter(Rollout::truncated).count() / (double) Math.max(1, rs.size()));
        if (mean > state.bestEval) {
            state.bestEval = mean;
            state.bestStep = step;
            Checkpoints.replaceFolder(config.output().resolve(BEST), this::save);
        }
        extra.put("best_step", (double) state.bestStep);
        return new MetricsLog.Entry(e.step(), e.loss(), e.lr(), e.gradNorm(), e.tokensPerS(), extra);
    }
}
