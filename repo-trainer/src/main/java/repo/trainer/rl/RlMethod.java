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
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.text.ChatFormat;
import repo.rewards.api.Sample;
import repo.rewards.trace.RewardTrace;
import repo.trainer.algo.Gae;
import repo.trainer.algo.Kl;
import repo.trainer.algo.Stats;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.Algorithm;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.Optimizers;
import repo.trainer.loop.TrainingMethod;

/**
 * PPO, GRPO and REPO as a {@link TrainingMethod} of the one {@link repo.trainer.loop.TrainingLoop}: each step is a
 * rollout phase (1. sample completions from the policy adapter, 2. score them with the reward sources) feeding
 * the objective (3. old policy, base and critic figures, 4. advantages, 5. clipped updates), then 6. metrics.
 *
 * <p>Dropout: every RL forward runs without LoRA dropout ({@code lora.dropout} applies to SFT, RM and DPO), so the
 * old log-probs of phase 3 and the first update's log-probs are the same numbers and the first minibatch's ratio
 * is exactly 1, as PPO's clipping assumes (TRL's PPO trainer disables dropout for the same reason).
 */
public final class RlMethod implements TrainingMethod<Sample> {
    private final TrainConfig config;
    private final RlModels models;
    private final RolloutScorer scorer;
    private final RlPasses passes;
    private final PpoUpdate update;
    private final SourceFailures failures;
    private final ChatFormat chat = new ChatFormat();
    private final RlMetrics metrics = new RlMetrics();

    RlMethod(TrainConfig config, RlModels models, RolloutScorer scorer) {
        this.config = config;
        this.models = models;
        this.scorer = scorer;
        this.passes = new RlPasses(models);
        this.update = new PpoUpdate(config, models, passes);
        this.failures = new SourceFailures(config.rewards().maxSourceFailures());
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
        List<Rollout> rollouts = rollout(step, prompts);                                  // 1. sample completions
        List<Rollout.Scored> scored = score(step, rollouts);                              // 2. reward sources
        List<Rollout.OldPolicy> old = passes.evaluate(rollouts, config.ppo().minibatchSize()); // 3. old policy, base, critic
        List<Rollout.Evaluated> all = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            all.add(new Rollout.Evaluated(scored.get(i), old.get(i)));
        }
        List<Rollout.Experience> kept = advantages(all);                            // 4. GAE or group normalisation
        RlMetrics.Update u = update.run(step, kept, optimizers, lr);                     // 5. clipped updates
        return metrics.entry(step, lr, all, kept, u, models.hasCritic());                 // 6. diagnostics
    }

    // 1. rollout -----------------------------------------------------------------------------------

    private List<Rollout> rollout(int step, List<Sample> prompts) {
        int group = config.algorithm() == Algorithm.GRPO ? config.grpo().groupSize() : 1;
        List<Sample> samples = new ArrayList<>();
        List<long[]> ids = new ArrayList<>();
        for (Sample prompt : prompts) {
            long[] p = models.tokenizer().encode(chat.render(prompt.prompt(), true, false));
            for (int g = 0; g < group; g++) {
                samples.add(prompt);
                ids.add(p);
            }
        }
        TrainConfig.RolloutSection r = config.rollout();
        SamplingParams sp = new SamplingParams(r.maxNewTokens(), false, r.temperature().floatValue(), r.topP().floatValue(),
                r.topK(), config.seed() * 1_000_003L + step, SamplingParams.QWEN_STOP_IDS, List.of());
        long t0 = System.nanoTime();
        List<Generation> gens = new Generator(models.policy(), models.tokenizer()).generate(ids, sp);
        metrics.generation(gens.stream().mapToLong(g -> g.ids().length).sum(), (System.nanoTime() - t0) / 1e9);
        List<Rollout> out = new ArrayList<>();
        for (int i = 0; i < gens.size(); i++) {
            Generation g = gens.get(i);
            out.add(Rollout.of(samples.get(i).withCompletion(g.text(), g.ids()), ids.get(i), g.ids()));
        }
        return out;
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
            out.add(new Rollout.Scored(rollouts.get(i), traces.get(i)));
        }
        return out;
    }

    // 4. advantages --------------------------------------------------------------------------------

    private List<Rollout.Experience> advantages(List<Rollout.Evaluated> all) {
        List<Rollout.Experience> kept = config.algorithm() == Algorithm.GRPO ? groupAdvantages(all) : gaeAdvantages(all);
        if (kept.isEmpty()) {
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
            Double reward = e.scored().reward();
            int n = e.rollout().replyLength();
            if (reward == null || n == 0) {
                continue;
            }
            double[] perToken = null;
            if (p.klMode() == TrainConfig.KlMode.REWARD) {
                perToken = new double[n];
                for (int k = 0; k < n; k++) {
                    perToken[k] = -p.klCoef() * Kl.estimate(p.klEstimator(), e.old().logp()[k], e.old().refLogp()[k]);
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
            List<Rollout.Evaluated> group = all.subList(start, start + g).stream().filter(e -> e.scored().reward() != null).toList();
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
    }

    /** The reward sources' running statistics (e.g. the RM whitening of {@code whiten_rm}), for an exact resume. */
    @Override
    public void saveRunState(Path checkpointDir) throws IOException {
        scorer.saveState(checkpointDir);
    }

    @Override
    public void loadRunState(Path checkpointDir) throws IOException {
        scorer.loadState(checkpointDir);
    }
}
