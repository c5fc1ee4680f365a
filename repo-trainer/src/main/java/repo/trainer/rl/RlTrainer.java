package repo.trainer.rl;

import repo.core.model.Scalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import repo.core.generate.Generation;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Model;
import repo.core.text.ChatFormat;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardStack;
import repo.rewards.api.ScoredItem;
import repo.rewards.io.ScoredItems;
import repo.rewards.ota.AgentPrompt;
import repo.rewards.rm.ScoreHeadRewardModel;
import repo.rewards.trace.RewardTrace;
import repo.trainer.algo.Gae;
import repo.trainer.algo.Kl;
import repo.trainer.algo.PpoLosses;
import repo.trainer.algo.Stats;
import repo.trainer.common.AdamW;
import repo.trainer.common.Checkpoints;
import repo.trainer.common.GradClip;
import repo.trainer.common.LrSchedule;
import repo.trainer.common.MetricsLog;
import repo.trainer.common.NonFiniteGuard;
import repo.trainer.common.Progress;
import repo.trainer.common.RunFolder;
import repo.trainer.config.Algorithm;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.DataOrder;
import repo.trainer.loop.TrainingLoop;

/**
 * PPO, GRPO and REPO. One step: 1. rollout (sample replies from the policy adapter), 2. score (reward
 * pipeline), 3. evaluate the old policy, critic and base, 4. advantages (GAE or group-normalised), 5. K
 * epochs of clipped updates over minibatches, 6. metrics, traces and checkpoints.
 *
 * <p>PPO and REPO: one reply per prompt, the reward on its last token, GAE with the critic (a second LoRA
 * adapter plus a value head on the same frozen base), no reference model unless a KL penalty to the base
 * (adapters off, same weights) is asked for. REPO is PPO whose reward is R_total from the enhancement
 * combiner; PPO and GRPO default to the reward model alone. GRPO samples a group per prompt, uses
 * group-normalised advantages and has no critic.
 */
public final class RlTrainer {
    static final String TRAINABLE = "trainable", OPT_POLICY = "optimizer-policy.safetensors", OPT_CRITIC = "optimizer-critic.safetensors";

    /** Scores rollouts: one trace per item, in order ({@code RewardPipeline::score} is one). */
    @FunctionalInterface
    public interface RolloutScorer {
        List<RewardTrace> score(List<ScoredItem> items);
    }

    /**
     * One sampled reply with everything the update needs. Per-token arrays have the reply's length A and
     * hold, for reply token k, figures of the state before it.
     */
    static final class Rollout {
        final ScoredItem prompt;
        final long[] promptIds, replyIds;  // (P), (A)
        final String text;
        Double reward;                     // R_total, null when the pipeline dropped it
        RewardTrace trace;
        float[] oldLogp, refLogp, values, entropy; // (A) each
        double[] advantages, returns;      // (A)

        Rollout(ScoredItem prompt, long[] promptIds, Generation g) {
            this.prompt = prompt;
            this.promptIds = promptIds;
            this.replyIds = g.ids();
            this.text = g.text();
        }

        int length() {
            return promptIds.length + replyIds.length;
        }
    }

    private final TrainConfig config;
    private final RlModels models;
    private final RolloutScorer scorer;
    private final List<ScoredItem> prompts;
    private final ChatFormat chat = new ChatFormat();
    private final RlMetrics metrics = new RlMetrics();
    private final NonFiniteGuard nonFinite;

    private RlTrainer(TrainConfig config, RlModels models, RolloutScorer scorer, List<ScoredItem> prompts) {
        this.config = config;
        this.models = models;
        this.scorer = scorer;
        this.prompts = prompts;
        this.nonFinite = new NonFiniteGuard(config.train().maxNonfiniteInARow(), System.err);
    }

    /** Trains per {@code config}: models and the reward pipeline come from the configuration. */
    public static TrainingLoop.Result train(TrainConfig config, boolean resume) throws IOException {
        try (RlModels models = RlModels.open(config);
             ScoreHeadRewardModel rm = rewardModel(config, models);
             RewardStack rewards = RewardStack.open(pipelineConfig(config), rm, config.rewards().judge())) {
            System.err.println(config.algorithm().yamlName() + " rewards: " + rewards.describe());
            return train(config, models, rewards.pipeline()::score, resume, Integer.MAX_VALUE);
        }
    }

    /** Trains with opened models and a given scorer (embedding apps and tests inject programmatic rewards here). */
    public static TrainingLoop.Result train(TrainConfig config, RlModels models, RolloutScorer scorer, boolean resume,
                                            int stopAfter) throws IOException {
        if (config.algorithm() != Algorithm.PPO && config.algorithm() != Algorithm.GRPO && config.algorithm() != Algorithm.REPO) {
            throw new IllegalArgumentException("RlTrainer runs ppo, grpo and repo, not " + config.algorithm().yamlName());
        }
        return new RlTrainer(config, models, scorer, ScoredItems.readPrompts(config.data().train())).run(resume, stopAfter);
    }

    /** The algorithm's default sources unless {@code rewards.pipeline} names a YAML: REPO all three, PPO/GRPO the RM alone. */
    static PipelineConfig pipelineConfig(TrainConfig c) {
        if (c.rewards().pipeline() != null) {
            return PipelineConfig.load(c.rewards().pipeline());
        }
        return c.algorithm() == Algorithm.REPO ? PipelineConfig.defaults().withSources(true, true, true)
                : PipelineConfig.defaults().withSources(true, false, false);
    }

    private static ScoreHeadRewardModel rewardModel(TrainConfig c, RlModels models) {
        if (!pipelineConfig(c).rm()) {
            return null;
        }
        if (models.rmHead == null) {
            throw new IllegalArgumentException("the reward model source is on (" + c.algorithm().yamlName() + " uses it by default); "
                    + "set rewards.rm_head (and rewards.rm_adapter) to the RM trainer's final/score_head.safetensors and final/adapter, "
                    + "or name a rewards.pipeline YAML with sources.rm: false");
        }
        return new ScoreHeadRewardModel(models.model, models.tokenizer, models.rmHead,
                c.rewards().rmAdapter() == null ? null : RlModels.RM, c.rewards().rmBatchSize());
    }

    // ---- the loop ------------------------------------------------------------------------------

    private TrainingLoop.Result run(boolean resume, int stopAfter) throws IOException {
        Path runDir = config.output();
        TrainConfig.LoopSection loop = config.train();
        RunFolder.Start start = RunFolder.begin(runDir, resume);
        LrSchedule schedule = config.optim().schedule(loop.maxSteps());
        Checkpoints checkpoints = new Checkpoints(loop.keepLast());
        DataOrder order = new DataOrder(prompts.size(), config.seed(), true);
        AdamW.Config adamConfig = new AdamW.Config(config.optim().beta1(), config.optim().beta2(), config.optim().eps(),
                config.optim().weightDecay());
        try (AdamW policyOpt = new AdamW(models.policyParameters(), adamConfig);
             AdamW criticOpt = models.hasCritic() ? new AdamW(models.criticParameters(), adamConfig) : null) {
            if (start.checkpoint() != null) {
                models.load(start.checkpoint().resolve(TRAINABLE));
                policyOpt.load(start.checkpoint().resolve(OPT_POLICY));
                if (criticOpt != null) {
                    criticOpt.load(start.checkpoint().resolve(OPT_CRITIC));
                }
            }
            MetricsLog log = start.metrics();
            DataOrder.Cursor cursor = order.cursor(start.position());
            MetricsLog.Entry last = null;
            try (log; Progress progress = Progress.start(config.algorithm().yamlName(), loop.maxSteps(), start.step(),
                    loop.progressOptions())) {
                for (int step = start.step() + 1; step <= loop.maxSteps(); step++) {
                    last = step(step, cursor, policyOpt, criticOpt, schedule.lr(step));
                    log.append(last);
                    progress.update(step, String.format(Locale.ROOT, "reward %.3f kl %.4f", last.extra().get("reward_mean"),
                            last.extra().get("kl")));
                    boolean stop = step == stopAfter || repo.trainer.common.StopRequest.requested(); // SIGINT/SIGTERM: checkpoint, return
                    if (step % loop.saveEvery() == 0 || step == loop.maxSteps() || stop) {
                        final int s = step;
                        final DataOrder.Position p = cursor.position();
                        checkpoints.save(runDir, step, dir -> {
                            models.save(Files.createDirectories(dir.resolve(TRAINABLE)));
                            policyOpt.save(dir.resolve(OPT_POLICY));
                            if (criticOpt != null) {
                                criticOpt.save(dir.resolve(OPT_CRITIC));
                            }
                            RunFolder.writeState(dir, s, p, config);
                        });
                    }
                    if (stop && step < loop.maxSteps()) {
                        return new TrainingLoop.Result(step, last, null);
                    }
                }
            }
            Path finalDir = runDir.resolve(TrainingLoop.FINAL);
            Checkpoints.replaceFolder(finalDir, models::save);
            return new TrainingLoop.Result(loop.maxSteps(), last, finalDir);
        }
    }

    /** One RL step in numbered phases. */
    private MetricsLog.Entry step(int step, DataOrder.Cursor cursor, AdamW policyOpt, AdamW criticOpt, double lr) throws IOException {
        List<Rollout> rollouts = rollout(step, cursor);                     // 1. sample replies
        score(step, rollouts);                                              // 2. reward pipeline
        evaluateOld(rollouts);                                              // 3. old log-probs, base log-probs, values
        List<Rollout> kept = advantages(rollouts);                          // 4. GAE or group normalisation
        RlMetrics.Update u = update(step, kept, policyOpt, criticOpt, lr);  // 5. clipped updates
        MetricsLog.Entry e = metrics.entry(step, lr, rollouts, kept, u, models); // 6. diagnostics
        return new MetricsLog.Entry(e.step(), e.loss(), e.lr(), e.gradNorm(), e.tokensPerS(), nonFinite.endStep(step, e.extra()));
    }

    // 1. rollout -----------------------------------------------------------------------------------

    private List<Rollout> rollout(int step, DataOrder.Cursor cursor) {
        int group = config.algorithm() == Algorithm.GRPO ? config.grpo().groupSize() : 1;
        List<ScoredItem> items = new ArrayList<>();
        List<long[]> ids = new ArrayList<>();
        for (int i = 0; i < config.rollout().promptsPerStep(); i++) {
            ScoredItem item = prompts.get(cursor.next());
            long[] p = models.tokenizer.encode(chat.render(AgentPrompt.messages(item), true, false));
            for (int g = 0; g < group; g++) {
                items.add(item);
                ids.add(p);
            }
        }
        TrainConfig.RolloutSection r = config.rollout();
        SamplingParams sp = new SamplingParams(r.maxNewTokens(), false, r.temperature().floatValue(), r.topP().floatValue(),
                r.topK(), config.seed() * 1_000_003L + step, SamplingParams.QWEN_STOP_IDS, List.of());
        Qwen3Model model = models.model;
        model.setActiveAdapter(RlModels.POLICY);
        model.setTraining(false);
        long t0 = System.nanoTime();
        List<Generation> gens = new Generator(model, models.tokenizer).generate(ids, sp);
        metrics.generation(gens.stream().mapToLong(g -> g.ids().length).sum(), (System.nanoTime() - t0) / 1e9);
        List<Rollout> out = new ArrayList<>();
        for (int i = 0; i < gens.size(); i++) {
            out.add(new Rollout(items.get(i), ids.get(i), gens.get(i)));
        }
        return out;
    }

    // 2. score -------------------------------------------------------------------------------------

    private void score(int step, List<Rollout> rollouts) throws IOException {
        List<ScoredItem> items = new ArrayList<>();
        for (Rollout r : rollouts) {
            ObjectNode extra = r.prompt.extra().deepCopy();
            com.fasterxml.jackson.databind.node.ArrayNode ids = extra.putArray("reply_token_ids"); // for programmatic rewards
            for (long id : r.replyIds) {
                ids.add(id);
            }
            items.add(new ScoredItem(r.prompt.id(), r.prompt.task(), r.prompt.history(), r.text, extra));
        }
        List<RewardTrace> traces = scorer.score(items);
        if (traces.size() != rollouts.size()) {
            throw new IllegalStateException("the reward scorer returned " + traces.size() + " traces for " + rollouts.size() + " replies");
        }
        for (int i = 0; i < rollouts.size(); i++) {
            Rollout r = rollouts.get(i);
            r.trace = traces.get(i);
            r.reward = r.trace.combined().dropped() ? null : r.trace.combined().rTotal();
        }
        if (config.rewards().traces()) {
            Path dir = Files.createDirectories(config.output().resolve("traces"));
            RewardTrace.writeAll(dir.resolve(String.format(Locale.ROOT, "step-%06d.jsonl", step)), traces);
        }
    }

    // 3. evaluate the old policy, the base and the critic --------------------------------------------

    private void evaluateOld(List<Rollout> rollouts) {
        Qwen3Model model = models.model;
        model.setTraining(false);
        NoGrad.run(() -> {
            for (List<Rollout> mb : chunks(rollouts, config.ppo().minibatchSize())) {
                try (NDScope scope = new NDScope()) {
                    Batch b = Batch.of(model.manager(), mb);
                    model.setActiveAdapter(RlModels.POLICY);
                    NDArray[] pe = policyForward(b, true);
                    b.scatter(pe[0], mb, (r, a) -> r.oldLogp = a);
                    b.scatter(pe[1], mb, (r, a) -> r.entropy = a);
                    model.setActiveAdapter(null);                       // the base: KL reference, no second copy
                    b.scatter(policyForward(b, false)[0], mb, (r, a) -> r.refLogp = a);
                    if (models.hasCritic()) {
                        model.setActiveAdapter(RlModels.CRITIC);
                        b.scatter(valueForward(b), mb, (r, a) -> r.values = a);
                    }
                }
            }
            model.setActiveAdapter(RlModels.POLICY);
        });
    }

    /**
     * {(B, W) next-token log-probs, (B, W) entropies or null} over the window of positions that predict reply
     * tokens: the LM head and softmax run on W = T-1-offset positions, not on the whole prompt.
     */
    private NDArray[] policyForward(Batch b, boolean entropy) {
        Qwen3Model model = models.model;
        NDArray hidden = model.hidden(b.ids, b.mask, null);                                    // (B, T, h)
        NDArray logits = model.logits(hidden.get(new NDIndex(":, {}:-1, :", b.offset)));      // (B, W, V)
        NDArray ls = logits.logSoftmax(-1);
        NDArray next = b.ids.get(new NDIndex(":, {}:", b.offset + 1)).expandDims(-1);         // (B, W, 1)
        NDArray logp = ls.gather(next, -1).squeeze(-1);                                        // (B, W)
        return new NDArray[] {logp, entropy ? ls.exp().mul(ls).sum(new int[] {-1}).neg() : null};
    }

    /** (B, W) values of the state before each next token in the window. */
    private NDArray valueForward(Batch b) {
        NDArray hidden = models.model.hidden(b.ids, b.mask, null);                            // (B, T, h)
        return models.valueHead.values(hidden).get(new NDIndex(":, {}:-1", b.offset));        // (B, W)
    }

    // 4. advantages --------------------------------------------------------------------------------

    private List<Rollout> advantages(List<Rollout> rollouts) {
        List<Rollout> kept = rollouts.stream().filter(r -> r.reward != null && r.replyIds.length > 0).toList();
        TrainConfig.PpoSection p = config.ppo();
        if (config.algorithm() == Algorithm.GRPO) {
            groupAdvantages(rollouts);
            return kept;
        }
        for (Rollout r : kept) {
            double[] perToken = null;
            if (p.klMode() == TrainConfig.KlMode.REWARD) {
                perToken = new double[r.replyIds.length];
                for (int k = 0; k < perToken.length; k++) {
                    perToken[k] = -p.klCoef() * Kl.estimate(p.klEstimator(), r.oldLogp[k], r.refLogp[k]);
                }
            }
            double[] rewards = Gae.terminalRewards(r.replyIds.length, r.reward, perToken);
            double[] values = new double[r.values.length];
            for (int k = 0; k < values.length; k++) {
                values[k] = r.values[k];
            }
            Gae.Result g = Gae.compute(rewards, values, p.gamma(), p.lambda());
            r.advantages = g.advantages();
            r.returns = g.returns();
        }
        if (p.whitenAdvantages() && !kept.isEmpty()) {
            double[] all = kept.stream().flatMapToDouble(r -> Arrays.stream(r.advantages)).toArray();
            double[] w = Stats.whiten(all, true);
            int at = 0;
            for (Rollout r : kept) {
                System.arraycopy(w, at, r.advantages, 0, r.advantages.length);
                at += r.advantages.length;
            }
        }
        return kept;
    }

    /** GRPO: each group's rewards normalised by the group's mean (and std); dropped replies take no part. */
    private void groupAdvantages(List<Rollout> rollouts) {
        int g = config.grpo().groupSize();
        for (int start = 0; start < rollouts.size(); start += g) {
            List<Rollout> group = rollouts.subList(start, start + g).stream().filter(r -> r.reward != null).toList();
            if (group.isEmpty()) {
                continue;
            }
            double[] rewards = group.stream().mapToDouble(r -> r.reward).toArray();
            double[] adv = group.size() < 2 ? new double[group.size()] : Stats.groupNormalize(rewards, group.size(), config.grpo().scaleByStd());
            for (int i = 0; i < group.size(); i++) {
                Rollout r = group.get(i);
                r.advantages = new double[r.replyIds.length];
                Arrays.fill(r.advantages, adv[i]);
                r.returns = r.advantages;
            }
        }
    }

    // 5. update ------------------------------------------------------------------------------------

    private RlMetrics.Update update(int step, List<Rollout> kept, AdamW policyOpt, AdamW criticOpt, double lr) {
        RlMetrics.Update u = new RlMetrics.Update();
        if (kept.isEmpty()) {
            return u;
        }
        TrainConfig.PpoSection p = config.ppo();
        Qwen3Model model = models.model;
        model.setTraining(true);
        Engine.getInstance().setRandomSeed((int) (config.seed() * 1_000_003L + step)); // dropout masks repeat on resume
        long t0 = System.nanoTime();
        long tokens = 0;
        for (int epoch = 0; epoch < p.epochs(); epoch++) {
            List<Rollout> shuffled = new ArrayList<>(kept);
            shuffle(shuffled, new SplittableRandom(config.seed() * 7_919L + step * 31L + epoch));
            for (List<Rollout> mb : chunks(shuffled, p.minibatchSize())) {
                try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Batch b = Batch.of(model.manager(), mb);
                    NDArray mask = b.replyMask;                                                      // (B, T-1)
                    model.setActiveAdapter(RlModels.POLICY);
                    NDArray[] pf = policyForward(b, p.entropyCoef() > 0);
                    NDArray[] pl = PpoLosses.policy(pf[0], b.perToken(mb, r -> r.oldLogp), b.perToken(mb, r -> r.advantages), mask,
                            p.clipEps().floatValue());
                    NDArray loss = pl[0];
                    if (p.entropyCoef() > 0) {
                        loss = loss.sub(Scalars.mul(PpoLosses.maskedMean(pf[1], mask), p.entropyCoef().floatValue()));
                    }
                    if (p.klMode() == TrainConfig.KlMode.LOSS) {
                        NDArray kl = Kl.estimate(p.klEstimator(), pf[0], b.perToken(mb, r -> r.refLogp));
                        loss = loss.add(Scalars.mul(PpoLosses.maskedMean(kl, mask), p.klCoef().floatValue()));
                    }
                    u.policyLoss(pl[0].getFloat(), pl[1].getFloat());
                    if (models.hasCritic()) {
                        model.setActiveAdapter(RlModels.CRITIC);
                        NDArray[] vl = PpoLosses.value(valueForward(b), b.perToken(mb, r -> r.values), b.perToken(mb, r -> r.returns),
                                mask, p.valueClip().floatValue());
                        loss = loss.add(Scalars.mul(vl[0], p.vfCoef().floatValue()));
                        u.valueLoss(vl[0].getFloat(), vl[1].getFloat());
                    }
                    u.loss(loss.getFloat());
                    gc.backward(loss);
                }
                tokens += mb.stream().mapToLong(Rollout::length).sum();
                u.policyGradNorm(step(step, "policy", models.policyParameters(), policyOpt, lr));
                if (criticOpt != null) {
                    u.criticGradNorm(step(step, "critic", models.criticParameters(), criticOpt, lr));
                }
            }
        }
        model.setActiveAdapter(RlModels.POLICY);
        model.setTraining(false);
        u.trainTokensPerSecond(tokens / ((System.nanoTime() - t0) / 1e9));
        return u;
    }

    /** Clips one parameter group by its global norm and applies AdamW; a non-finite norm skips the update, loudly. */
    private double step(int step, String group, List<NDArray> params, AdamW opt, double lr) {
        double norm = GradClip.clipGlobalNorm(params, config.optim().maxGradNorm());
        if (Double.isFinite(norm)) {
            opt.step(lr);
        } else {
            nonFinite.skipped(step, group, params, norm);
            opt.zeroGrad();
        }
        return norm;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    static <T> List<List<T>> chunks(List<T> xs, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < xs.size(); i += size) {
            out.add(xs.subList(i, Math.min(xs.size(), i + size)));
        }
        return out;
    }

    private static <T> void shuffle(List<T> xs, SplittableRandom rng) {
        for (int i = xs.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = xs.get(i);
            xs.set(i, xs.get(j));
            xs.set(j, t);
        }
    }

    /**
     * Right-padded prompt+reply rows. Per-token tensors cover the window of positions [offset, T-1) where
     * offset = (shortest prompt) − 1: position i predicts token i+1, so every reply token is predicted inside it.
     */
    static final class Batch {
        final NDArray ids, mask, replyMask; // (B, T), (B, T), (B, W)
        final int offset, width;            // W = T - 1 - offset

        private Batch(NDArray ids, NDArray mask, NDArray replyMask, int offset, int width) {
            this.ids = ids;
            this.mask = mask;
            this.replyMask = replyMask;
            this.offset = offset;
            this.width = width;
        }

        static Batch of(NDManager m, List<Rollout> rows) {
            int b = rows.size(), t = rows.stream().mapToInt(Rollout::length).max().orElse(1);
            int offset = rows.stream().mapToInt(r -> r.promptIds.length).min().orElse(1) - 1, w = t - 1 - offset;
            long[] ids = new long[b * t], mask = new long[b * t];
            float[] reply = new float[b * w];
            Arrays.fill(ids, repo.core.text.QwenTokenizer.ENDOFTEXT);
            for (int i = 0; i < b; i++) {
                Rollout r = rows.get(i);
                System.arraycopy(r.promptIds, 0, ids, i * t, r.promptIds.length);
                System.arraycopy(r.replyIds, 0, ids, i * t + r.promptIds.length, r.replyIds.length);
                Arrays.fill(mask, i * t, i * t + r.length(), 1L);
                int from = i * w + r.promptIds.length - 1 - offset;
                Arrays.fill(reply, from, from + r.replyIds.length, 1f);
            }
            return new Batch(m.create(ids, new Shape(b, t)), m.create(mask, new Shape(b, t)), m.create(reply, new Shape(b, w)), offset, w);
        }

        private int start(int row, Rollout r) {
            return row * width + r.promptIds.length - 1 - offset;
        }

        /** Copies each row's reply segment of a (B, W) tensor into the rollout. */
        void scatter(NDArray perPosition, List<Rollout> rows, java.util.function.BiConsumer<Rollout, float[]> into) {
            float[] all = perPosition.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < rows.size(); i++) {
                Rollout r = rows.get(i);
                into.accept(r, Arrays.copyOfRange(all, start(i, r), start(i, r) + r.replyIds.length));
            }
        }

        /** A (B, W) tensor holding each row's per-token figures at its reply positions, 0 elsewhere. */
        NDArray perToken(List<Rollout> rows, java.util.function.Function<Rollout, Object> figures) {
            float[] out = new float[rows.size() * width];
            for (int i = 0; i < rows.size(); i++) {
                Rollout r = rows.get(i);
                Object f = figures.apply(r);
                for (int k = 0; k < r.replyIds.length; k++) {
                    out[start(i, r) + k] = f instanceof float[] fa ? fa[k] : (float) ((double[]) f)[k];
                }
            }
            return replyMask.getManager().create(out, new Shape(rows.size(), width)).toType(replyMask.getDataType(), false);
        }
    }
}
