package repo.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.PeftAdapters;
import repo.core.model.LoraConfig;
import repo.core.model.ModelOptions;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Model;
import repo.core.model.ScoreHead;
import repo.core.text.ChatFormat;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardPipeline;
import repo.rewards.api.RewardModel;
import repo.rewards.api.Sample;
import repo.rewards.PromptFormats;
import repo.rewards.api.SourceResult;
import repo.rewards.rm.ScoreHeadRewardModel;
import repo.trainer.TestFixtures;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.TrainConfig;

/**
 * PPO a practitioner can trust: the first ratio is exactly 1 under every sampling setting, the critic starts as the
 * reward model, learning depends on the context with a bounded KL, the REPO enhancement changes what is learnt
 * when a rule fires, and the critic learns a learnable value. Tiny random model, few steps.
 */
class RlTrustTest {
    @TempDir static Path tmp;
    static Path model, prompts, evalPrompts, shortPrompts;
    static final List<String> OPENERS = List.of("您好，请问有什么事？", "房价是多少？", "我们今天满房了。", "可以再便宜一点吗？");
    /** Per prompt id: its first reply tokens ranked by the initial policy (top 8). */
    static final Map<String, long[]> RANKED = new HashMap<>();
    /** Per prompt id: the context-dependent target first token (distinct across prompts). */
    static final Map<String, Long> TARGET = new HashMap<>();
    /**
     * Per prompt id: ln(1 / p(target)) under the initial policy, the KL from it of a policy that always starts with
     * the target. The KL of a two-token reply averaged per token stays below the larger of the two contexts' values
     * unless the policy also moves far on the second, unrewarded token.
     */
    static final Map<String, Double> NATS_TO_TARGET = new HashMap<>();

    @BeforeAll
    static void setUp() throws IOException {
        model = TestFixtures.tinyModel(tmp.resolve("tiny"), 5);
        String task = "{\"hotel\": {\"name\": \"成都春熙路大酒店\", \"star_level\": 4, \"city\": \"成都\"}, \"tickets\": [{\"room_type\": "
                + "\"豪华大床房\", \"dates\": \"2026-12-01..2026-12-03\", \"sale_price\": 980, \"net_price\": 860, \"target_price\": 800, "
                + "\"floor_price\": 760}], \"competitors\": [{\"hotel\": \"全季酒店\", \"room\": \"大床房\", \"price\": 799}]}";
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < OPENERS.size(); i++) {
            lines.add("{\"id\": \"c" + i + "\", \"task\": " + task + ", \"history\": [{\"role\": \"hotel\", \"content\": \""
                    + OPENERS.get(i) + "\"}]}");
        }
        prompts = Files.write(tmp.resolve("prompts.jsonl"), lines);
        evalPrompts = Files.write(tmp.resolve("eval.jsonl"), lines.subList(0, 2));
        shortPrompts = Files.write(tmp.resolve("short-prompts.jsonl"), List.of(
                "{\"id\": \"m0\", \"messages\": [{\"role\": \"user\", \"content\": \"" + OPENERS.get(0) + "\"}]}",
                "{\"id\": \"m1\", \"messages\": [{\"role\": \"user\", \"content\": \"" + OPENERS.get(1) + "\"}]}"));
        try (RlModels m = RlModels.open(config("ppo", "probe", "")); NDScope scope = new NDScope()) {
            Set<Long> used = new HashSet<>();
            List<Sample> items = new ArrayList<>(RlTrainer.prompts(config("ppo", "probe", ""), PromptFormats.AUTO));
            items.addAll(RlTrainer.prompts(withTrain(config("ppo", "probe", ""), shortPrompts), PromptFormats.AUTO));
            for (Sample item : items) {
                long[] ids = m.tokenizer().encode(new ChatFormat().render(item.prompt(), true, false));
                NDArray p = NoGrad.get(() -> m.base().forward(m.model().manager().create(ids, new Shape(1, ids.length)), null, null)
                        .get(new NDIndex("0, -1, :")).softmax(-1));
                long[] ranked = p.argSort(-1, false).get(new NDIndex("0:8")).toLongArray();
                RANKED.put(item.id(), ranked);
                for (int k = 1; k < ranked.length; k++) { // never the most likely token: the policy has to move
                    if (used.add(ranked[k])) {
                        TARGET.put(item.id(), ranked[k]);
                        NATS_TO_TARGET.put(item.id(), -Math.log(p.getFloat(ranked[k])));
                        break;
                    }
                }
            }
        }
        assertThat(new HashSet<>(TARGET.values())).as("distinct targets").hasSize(OPENERS.size() + 2);
    }

    /** A tiny RL config; {@code extra} may replace the default rollout and rewards sections (no key appears twice). */
    static TrainConfig config(String algorithm, String out, String extra) {
        String rollout = extra.lines().anyMatch(l -> l.startsWith("rollout:")) ? "" : "rollout: {max_new_tokens: 2, prompts_per_step: 8, top_k: 8}\n";
        String rewards = extra.lines().anyMatch(l -> l.startsWith("rewards:")) ? "" : "rewards: {traces: false}\n";
        return TrainConfig.parse("""
                algorithm: %s
                model: %s
                output: %s
                seed: 3
                data: {train: %s, eval: %s}
                """.formatted(algorithm, model, tmp.resolve(out), prompts, evalPrompts)
                + (extra.lines().anyMatch(l -> l.startsWith("optim:")) ? "" : "optim: {lr: 0.003, schedule: constant}\n")
                + (extra.lines().anyMatch(l -> l.startsWith("lora:")) ? "" : "lora: {r: 8, alpha: 16}\n") + rollout + rewards + extra,
                out + ".yaml");
    }

    static long firstToken(Sample s) {
        return s.completionIds().length == 0 ? -1 : s.completionIds()[0];
    }

    /** 1 when the reply starts with its prompt's target token, else 0: the right reply depends on the context. */
    static RewardModel contextTarget() {
        return samples -> samples.stream().map(i -> SourceResult.ok("rm", firstToken(i) == TARGET.get(i.id()) ? 1.0 : 0.0, List.of(), 0))
                .toList();
    }

    static RolloutScorer rmOnly(RewardModel rm) {
        return RolloutScorer.of(new RewardPipeline(PipelineConfig.defaults().withSources(true, false, false), rm, null));
    }

    static List<MetricsLog.Entry> train(TrainConfig c, RolloutScorer scorer) throws IOException {
        try (RlModels m = RlModels.open(c)) {
            RlTrainer.train(c, m, scorer, false, Integer.MAX_VALUE);
        }
        List<MetricsLog.Entry> log = MetricsLog.read(c.output().resolve("metrics.jsonl"));
        System.err.println(c.output().getFileName() + ": " + String.join(" | ", log.stream().map(e -> String.format(Locale.ROOT,
                "r %.2f kl %.3f", e.extra().get("reward_mean"), e.extra().get("kl"))).toList()));
        return log;
    }

    static double lastMean(List<MetricsLog.Entry> log, String key, int n) {
        return log.subList(log.size() - n, log.size()).stream().mapToDouble(e -> e.extra().get(key)).average().orElseThrow();
    }

    // ---- on-policy ---------------------------------------------------------------------------------

    @Test
    void firstRatioIsExactlyOneUnderEverySamplingSetting() throws IOException {
        String[] sampling = {"{max_new_tokens: 3, prompts_per_step: 4, temperature: 1.0}",
            "{max_new_tokens: 3, prompts_per_step: 4, temperature: 0.7, top_k: 8}",
            "{max_new_tokens: 3, prompts_per_step: 4, temperature: 1.3, top_p: 0.9}"};
        for (int i = 0; i < sampling.length; i++) {
            String algorithm = i == 1 ? "grpo" : "ppo";
            TrainConfig c = config(algorithm, "ratio-" + i, """
                    rollout: %s
                    %sppo: {epochs: 1, minibatch_size: 3}
                    train: {max_steps: 1, save_every: 1, progress: false}
                    """.formatted(sampling[i], algorithm.equals("grpo") ? "grpo: {group_size: 2}\n" : ""));
            MetricsLog.Entry e = train(c, rmOnly(contextTarget())).get(0);
            assertThat(e.extra().get("ratio_dev_first")).as("%s %s", algorithm, sampling[i]).isEqualTo(0.0);
            assertThat(e.extra().get("approx_kl")).isGreaterThanOrEqualTo(0.0);
        }
    }

    @Test
    void rlKeysAreCheckedPerAlgorithm() {
        assertThatThrownBy(() -> config("grpo", "x", "ppo: {kl_mode: reward, kl_coef: 0.1}")).hasMessageContaining("ppo.kl_mode: reward is not available with algorithm grpo");
        assertThatThrownBy(() -> config("grpo", "x", "ppo: {critic_lr: 0.01}")).hasMessageContaining("grpo has no critic");
        assertThatThrownBy(() -> config("ppo", "x", "grpo: {dynamic_sampling: true}")).hasMessageContaining("grpo: not used by algorithm ppo");
        assertThatThrownBy(() -> config("ppo", "x", "ppo: {kl_target: 0.1}")).hasMessageContaining("ppo.kl_target");
        assertThatThrownBy(() -> config("ppo", "x", "ppo: {dual_clip: 0.5}")).hasMessageContaining("dual_clip");
        assertThatThrownBy(() -> config("ppo", "x", "rewards: {rm_centre: mean}")).hasMessageContaining("rewards.rm_centre");
        // the paper's "2 epochs" are passes over the prompt set: 2 · 4 prompts / 8 per step = 1 step; 3 · 4 / 8 -> 2
        assertThat(config("ppo", "x", "").rollout().steps(4, 100)).isEqualTo(100);
        assertThat(config("ppo", "x", "rollout: {prompts_per_step: 8, epochs: 2}").rollout().steps(4, 100)).isEqualTo(1);
        assertThat(config("ppo", "x", "rollout: {prompts_per_step: 8, epochs: 3}").rollout().steps(4, 100)).isEqualTo(2);
        assertThat(config("grpo", "x", "").ppo().aggregation(repo.trainer.config.Algorithm.GRPO))
                .isEqualTo(repo.trainer.algo.PolicyLoss.Aggregation.SEQ_MEAN_TOKEN_MEAN);
    }

    // ---- critic warm start ---------------------------------------------------------------------------

    @Test
    void criticStartsAsTheRewardModel() throws IOException {
        Path rmDir = Files.createDirectories(tmp.resolve("rm"));
        try (Qwen3Model base = Qwen3Model.load(model, ModelOptions.cpu())) { // an RM with a non-trivial adapter and head
            base.addAdapter("rm", LoraConfig.of(4, 8), 11);
            base.adapterModules("rm").values().forEach(a -> NoGrad.copy(a.b(), a.a().getManager()
                    .randomNormal(0, 0.2f, a.b().getShape(), a.b().getDataType())));
            PeftAdapters.save(base, "rm", rmDir.resolve("adapter"), model.toString());
            try (ScoreHead head = ScoreHead.create(base.manager(), base.config().hiddenSize(), ai.djl.ndarray.types.DataType.FLOAT32, 5)) {
                head.save(rmDir.resolve("score_head.safetensors"));
            }
        }
        TrainConfig c = config("ppo", "critic-init", """
                ppo: {critic_init: rm}
                rewards: {rm_adapter: %s, rm_head: %s, traces: false}
                """.formatted(rmDir.resolve("adapter"), rmDir.resolve("score_head.safetensors")));
        try (RlModels m = RlModels.open(c); NDScope scope = new NDScope()) {
            assertThat(m.model().adapterConfig(RlModels.CRITIC).r()).isEqualTo(4);
            ScoreHeadRewardModel rm = new ScoreHeadRewardModel(m.model(), m.tokenizer(), m.rmHead, RlModels.RM, 8);
            for (Sample item : RlTrainer.prompts(c, PromptFormats.AUTO)) {
                long[] p = m.tokenizer().encode(new ChatFormat().render(item.prompt(), true, false));
                long[] seq = java.util.Arrays.copyOf(p, p.length + 3);       // a finished reply: two tokens and <|im_end|>
                seq[p.length] = RANKED.get(item.id())[0];
                seq[p.length + 1] = RANKED.get(item.id())[1];
                seq[p.length + 2] = repo.core.text.QwenTokenizer.IM_END;
                float score = rm.scoreTokens(List.of(seq))[0];
                float value = NoGrad.get(() -> {
                    NDArray ids = m.model().manager().create(seq, new Shape(1, seq.length));
                    return m.valueHead().values(m.critic().hidden(ids, null, null)).getFloat(0, seq.length - 1);
                });
                assertThat(value).as(item.id()).isCloseTo(score, within(1e-5f));
                assertThat(Math.abs(score)).isGreaterThan(1e-3f); // not a trivial zero
            }
        }
    }

    // ---- learnability -------------------------------------------------------------------------------

    /**
     * Two short chat contexts (one user turn each) with different target first tokens: a policy that ignores the
     * context scores at most 0.5. Short, so that the few tokens that differ weigh in the random model's attention.
     */
    static Path twoContexts() {
        return shortPrompts;
    }

    @Test
    void ppoLearnsContextDependentRepliesWithBoundedKl() throws IOException {
        TrainConfig c = withTrain(config("ppo", "ctx-ppo", """
                optim: {lr: 0.005, schedule: constant}
                rollout: {max_new_tokens: 2, prompts_per_step: 16, top_k: 8}
                ppo: {epochs: 4, minibatch_size: 8, kl_mode: reward, kl_coef: 0.1}
                train: {max_steps: 12, save_every: 100, progress: false}
                """), twoContexts());
        List<MetricsLog.Entry> log = train(c, rmOnly(contextTarget()));
        assertThat(log.get(0).extra().get("reward_mean")).isLessThan(0.5);
        assertThat(lastMean(log, "reward_mean", 3)).isGreaterThanOrEqualTo(0.8); // a context-free policy gets <= 0.5
        assertThat(log.stream().mapToDouble(e -> e.extra().get("kl")).max().orElseThrow()).isLessThan(contextKlBound());
    }

    /** Measured: ln(1/p) of the targets is about 5.2 and 4.3 nats; PPO peaks near 3.4 and GRPO near 2.5 nats per token. */
    static double contextKlBound() {
        return Math.max(NATS_TO_TARGET.get("m0"), NATS_TO_TARGET.get("m1"));
    }

    @Test
    void grpoLearnsContextDependentRepliesWithBoundedKl() throws IOException {
        TrainConfig c = withTrain(config("grpo", "ctx-grpo", """
                optim: {lr: 0.01, schedule: constant}
                rollout: {max_new_tokens: 2, prompts_per_step: 2, top_k: 8}
                grpo: {group_size: 4, dynamic_sampling: true}
                ppo: {epochs: 2, minibatch_size: 8, kl_mode: loss, kl_coef: 0.1}
                train: {max_steps: 10, save_every: 100, progress: false}
                """), twoContexts());
        List<MetricsLog.Entry> log = train(c, rmOnly(contextTarget()));
        assertThat(lastMean(log, "reward_mean", 3)).isGreaterThanOrEqualTo(0.8);
        assertThat(log.stream().mapToDouble(e -> e.extra().get("kl")).max().orElseThrow()).isLessThan(contextKlBound());
        assertThat(log.get(log.size() - 1).extra()).containsKey("zero_spread_group_share");
    }


    /**
     * The enhancement changes the ranking: the RM prefers the most likely first token A (1.0) over B (0.6), but a
     * rule fires on A (−60 points, n = 100: R_total(A) = 1 − 0.6 = 0.4 < 0.6). PPO with the RM alone learns A and
     * keeps violating; REPO learns B and stops violating.
     */
    @Test
    void repoLearnsTheRuleCompliantReplyThatTheRmAloneDoesNot() throws IOException {
        StringBuilder off = new StringBuilder();
        for (String id : List.of("internal-term-leak", "price-grounding", "sale-net-confusion", "over-promise", "hallucinated-fact",
                "press-after-accept", "silence-as-consent", "ticket-coverage", "repetition", "cot-leak", "mixed-language", "format", "length")) {
            off.append("  ").append(id).append(": {enabled: false}\n");
        }
        Map<String, Long> a = new HashMap<>(), b = new HashMap<>();
        RANKED.forEach((id, ranked) -> {
            a.put(id, ranked[0]);
            b.put(id, ranked[1]);
        });
        long ruleToken = a.get("c0");
        RewardModel rm = samples -> samples.stream().map(i -> {
            long first = firstToken(i);
            return SourceResult.ok("rm", first == a.get(i.id()) ? 1.0 : first == b.get(i.id()) ? 0.6 : 0.0, List.of(), 0);
        }).toList();
        Path onePrompt = Files.write(tmp.resolve("one-prompt.jsonl"), List.of(Files.readAllLines(prompts).get(0)));
        Path repoPipeline = Files.writeString(tmp.resolve("repo-pipeline.yaml"), """
                sources: {rm: true, judge: false, rules: true}
                combiner: {kind: enhancement, n: 100}
                rules:
                  first-token: {token: %d, points: -60}
                %s""".formatted(ruleToken, off));
        String body = """
                rollout: {max_new_tokens: 2, prompts_per_step: 6, top_k: 8}
                ppo: {epochs: 2, minibatch_size: 6}
                train: {max_steps: 8, save_every: 8, progress: false}
                """;
        TrainConfig repo = withTrain(config("repo", "repo-rules", body), onePrompt);
        TrainConfig ppo = withTrain(config("ppo", "ppo-rm-only", body), onePrompt);
        List<MetricsLog.Entry> repoLog = train(repo, RolloutScorer.of(new RewardPipeline(PipelineConfig.load(repoPipeline), rm, null)));
        List<MetricsLog.Entry> ppoLog = train(ppo, rmOnly(rm));
        // the rule fires during the REPO run, and the RM alone ends on A (rm mean near 1), REPO on B (rm mean near 0.6)
        assertThat(repoLog.stream().mapToDouble(e -> e.extra().getOrDefault("violation/first-token", 0.0)).max().orElseThrow()).isGreaterThan(0.2);
        // a step without a finding has no violation/first-token entry: its share is 0
        assertThat(repoLog.subList(repoLog.size() - 3, repoLog.size()).stream()
                .mapToDouble(e -> e.extra().getOrDefault("violation/first-token", 0.0)).average().orElseThrow()).isLessThanOrEqualTo(0.2);
        assertThat(lastMean(repoLog, "source/rm/mean", 3)).isBetween(0.45, 0.75);
        assertThat(lastMean(ppoLog, "source/rm/mean", 3)).isGreaterThanOrEqualTo(0.85);
    }

    static TrainConfig withTrain(TrainConfig c, Path train) {
        return new TrainConfig(c.algorithm(), c.model(), c.output(), c.device(), c.precision(), c.seed(),
                new TrainConfig.DataSection(train, c.data().eval(), c.data().evalFraction()), c.lora(), c.fullParameter(), c.optim(),
                c.train(), c.dpo(), c.rollout(), c.ppo(), c.grpo(), c.rewards());
    }

    /**
     * The reward depends only on the prompt (+1, −1, +1, −1) and replies are one token, so the value of the state
     * before it is a function of the context the critic can learn.
     */
    @Test
    void criticLearnsALearnableValue() throws IOException {
        RewardModel byPrompt = samples -> samples.stream().map(i -> SourceResult.ok("rm",
                Integer.parseInt(i.id().substring(1)) % 2 == 0 ? 1.0 : -1.0, List.of(), 0)).toList();
        TrainConfig c = config("ppo", "critic-ev", """
                rollout: {max_new_tokens: 1, prompts_per_step: 8, top_k: 8}
                ppo: {epochs: 8, minibatch_size: 8, critic_lr: 0.01, critic_warmup_steps: 8, lambda: 1.0, value_clip: 10.0}
                train: {max_steps: 8, save_every: 8, progress: false}
                """);
        List<MetricsLog.Entry> log = train(c, rmOnly(byPrompt));
        System.err.println("explained variance: " + log.stream().map(e -> String.format(Locale.ROOT, "%.2f", e.extra().get("explained_variance"))).toList());
        assertThat(log.get(0).extra().get("explained_variance")).isLessThan(0.5);
        assertThat(lastMean(log, "explained_variance", 2)).isGreaterThan(0.5);
        assertThat(lastMean(log, "value_error", 2)).isLessThan(log.get(0).extra().get("value_error"));
        assertThat(log.get(0).extra().get("policy_loss")).isNaN(); // critic-only warm-up: no policy update
    }

    // ---- controls in the trainer ------------------------------------------------------------------------

    @Test
    void controlsAct() throws IOException {
        // adaptive KL: the coefficient moves away from its start; approx-KL early stop with a tiny target ends the
        // step's updates; every reply of 2 tokens is cut, so mask leaves nothing to train and penalty lowers the reward
        TrainConfig c = config("ppo", "controls", """
                rollout: {max_new_tokens: 2, prompts_per_step: 8, top_k: 8, eval_every: 2}
                ppo: {epochs: 4, minibatch_size: 4, kl_mode: loss, kl_coef: 0.1, kl_target: 0.001, kl_horizon: 100, target_kl: 1.0e-6,
                      clip_eps_high: 0.28, dual_clip: 3.0, loss_agg: seq_mean_token_mean}
                train: {max_steps: 3, save_every: 3, progress: false}
                """);
        List<MetricsLog.Entry> log = train(c, rmOnly(contextTarget()));
        assertThat(log.get(0).extra().get("kl_coef")).isEqualTo(0.1);
        assertThat(log.get(2).extra().get("kl_coef")).isNotEqualTo(0.1);
        assertThat(log.get(1).extra().get("early_stop_epochs")).isLessThan(4.0);
        assertThat(log.get(1).extra()).containsKeys("eval_reward_mean", "best_step", "dual_clip_frac", "approx_kl", "sampling_filter_kl");
        assertThat(log.get(0).extra()).doesNotContainKey("eval_reward_mean");
        assertThat(log.get(1).extra().get("sampling_filter_kl")).isGreaterThan(0.0);
        assertThat(c.output().resolve(RlMethod.BEST).resolve("policy/adapter_model.safetensors")).exists();

        TrainConfig mask = config("ppo", "overlong-mask", """
                rollout: {max_new_tokens: 2, prompts_per_step: 8, top_k: 8, overlong: mask}
                train: {max_steps: 1, save_every: 1, progress: false}
                """);
        // every reply is cut at 2 tokens: masked, nothing is left to train on, and the step says so
        assertThatThrownBy(() -> train(mask, rmOnly(contextTarget()))).hasMessageContaining("rollout.overlong: mask");
        RewardModel one = samples -> samples.stream().map(i -> SourceResult.ok("rm", 1.0, List.of(), 0)).toList();
        TrainConfig penalty = config("ppo", "overlong-penalty", """
                rollout: {max_new_tokens: 2, prompts_per_step: 8, top_k: 8, overlong: penalty, overlong_penalty: -0.75}
                ppo: {reward_clip: 0.5}
                train: {max_steps: 1, save_every: 1, progress: false}
                """);
        MetricsLog.Entry pen = train(penalty, rmOnly(one)).get(0);
        assertThat(pen.extra().get("truncation_rate")).isEqualTo(1.0);
        assertThat(pen.extra().get("reward_mean")).isCloseTo(0.5 - 0.75, within(1e-12)); // clipped to 0.5, then −0.75
    }
}
