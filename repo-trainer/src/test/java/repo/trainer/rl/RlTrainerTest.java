package repo.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Config;
import repo.core.text.ChatFormat;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardPipeline;
import repo.rewards.api.RewardModel;
import repo.rewards.api.Sample;
import repo.rewards.api.SourceResult;
import repo.rewards.PromptFormats;
import repo.trainer.TestFixtures;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.TrainConfig;

/**
 * RL learns: a programmatic reward that prefers replies starting with one particular token (initially the
 * policy's second most likely first token) rises to ≥ 0.9 of its maximum for PPO, GRPO and REPO. Also:
 * base weights bit-identical, one base copy in memory, resume equals an uninterrupted run.
 */
class RlTrainerTest {
    @TempDir static Path tmp;
    static Path model, prompts;
    static long target; // the first token the reward asks for

    @BeforeAll
    static void setUp() throws IOException {
        model = TestFixtures.tinyModel(tmp.resolve("tiny"), 5);
        String task = "{\"hotel\": {\"name\": \"成都春熙路大酒店\", \"star_level\": 4, \"city\": \"成都\"}, \"tickets\": [{\"room_type\": "
                + "\"豪华大床房\", \"dates\": \"2026-12-01..2026-12-03\", \"sale_price\": 980, \"net_price\": 860, \"target_price\": 800, "
                + "\"floor_price\": 760}], \"competitors\": [{\"hotel\": \"全季酒店\", \"room\": \"大床房\", \"price\": 799}]}";
        prompts = Files.write(tmp.resolve("prompts.jsonl"), List.of(
                "{\"id\": \"p1\", \"task\": " + task + ", \"history\": [{\"role\": \"hotel\", \"content\": \"您好，请问有什么事？\"}]}",
                "{\"id\": \"p2\", \"task\": " + task + ", \"history\": [{\"role\": \"hotel\", \"content\": \"您好，请问有什么事？\"}]}"));
        // the target: the second most likely first reply token under the initial policy (both prompts read the same)
        TrainConfig c = config("ppo", "probe", "");
        try (RlModels m = RlModels.open(c); NDScope scope = new NDScope()) {
            NDArray probs = null;
            for (Sample prompt : RlTrainer.prompts(c, PromptFormats.AUTO)) {
                long[] ids = m.tokenizer().encode(new ChatFormat().render(prompt.prompt(), true, false));
                NDArray p = NoGrad.get(() -> m.policy().forward(m.model().manager().create(ids, new Shape(1, ids.length)), null, null)
                        .get(new NDIndex("0, -1, :")).softmax(-1));
                probs = probs == null ? p : probs.add(p);
            }
            target = probs.argSort(-1, false).getLong(1);
        }
    }

    static TrainConfig config(String algorithm, String out, String extra) {
        return TrainConfig.parse("""
                algorithm: %s
                model: %s
                output: %s
                seed: 3
                data: {train: %s}
                lora: {r: 8, alpha: 16}
                optim: {lr: 0.003, schedule: constant}
                rollout: {max_new_tokens: 2, prompts_per_step: 8, top_k: 8}
                rewards: {traces: false}
                %s
                """.formatted(algorithm, model, tmp.resolve(out), prompts, extra), out + ".yaml");
    }

    /** The programmatic reward model: 1 (or {@code hit}) when the reply starts with the target token, else {@code miss}. */
    static RewardModel firstToken(double hit, double miss) {
        return samples -> samples.stream().map(i -> {
            long first = i.completionIds().length == 0 ? -1 : i.completionIds()[0];
            return SourceResult.ok("rm", first == target ? hit : miss, List.of(), 0);
        }).toList();
    }

    static RolloutScorer rmOnly(RewardModel rm) {
        return RolloutScorer.of(new RewardPipeline(PipelineConfig.defaults().withSources(true, false, false), rm, null));
    }

    static List<MetricsLog.Entry> metrics(TrainConfig c) throws IOException {
        return MetricsLog.read(c.output().resolve("metrics.jsonl"));
    }

    /** Mean reward over the last three steps. */
    static double finalReward(List<MetricsLog.Entry> m) {
        System.err.println("reward_mean by step: " + m.stream().map(e -> String.format(java.util.Locale.ROOT, "%.2f", e.extra().get("reward_mean"))).toList()
                + " kl: " + m.stream().map(e -> String.format(java.util.Locale.ROOT, "%.3f", e.extra().get("kl"))).toList());
        return m.subList(m.size() - 3, m.size()).stream().mapToDouble(e -> e.extra().get("reward_mean")).average().orElseThrow();
    }

    static Map<String, float[]> snapshot(RlModels m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.model().weights().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void ppoLearnsTheRewardWithBaseWeightsUntouchedAndOneBaseCopy() throws IOException {
        TrainConfig c = config("ppo", "ppo", """
                ppo: {epochs: 2, minibatch_size: 8}
                train: {max_steps: 20, save_every: 20, progress: false}
                """);
        try (RlModels m = RlModels.open(c)) {
            Map<String, float[]> before = snapshot(m);
            RlTrainer.train(c, m, rmOnly(firstToken(1, 0)), false, Integer.MAX_VALUE);
            Map<String, float[]> after = snapshot(m);
            before.forEach((k, v) -> assertThat(after.get(k)).as(k).isEqualTo(v));
            // one copy of the base: policy and critic are adapters on the same model; a single (V, h) embedding lives
            long embeddings = m.model().manager().getManagedArrays().stream()
                    .filter(a -> a.getShape().equals(new Shape(Qwen3Config.QWEN3_VOCAB, 64))).count();
            assertThat(embeddings).isEqualTo(1);
            assertThat(m.model().adapterNames()).containsExactlyInAnyOrder(RlModels.POLICY, RlModels.CRITIC);
        }
        List<MetricsLog.Entry> m = metrics(c);
        assertThat(m.get(0).extra().get("reward_mean")).isLessThan(0.6);
        assertThat(finalReward(m)).isGreaterThanOrEqualTo(0.9);
        MetricsLog.Entry last = m.get(m.size() - 1);
        assertThat(last.extra()).containsKeys("kl", "clip_frac", "explained_variance", "entropy", "value_loss",
                "gen_tokens_per_s", "train_tokens_per_s", "reply_len", "source/rm/mean");
        assertThat(last.extra().get("kl")).isGreaterThan(0.0);
        assertThat(c.output().resolve("final/policy/adapter_model.safetensors")).exists();
        assertThat(c.output().resolve("final/critic/adapter_model.safetensors")).exists();
        assertThat(c.output().resolve("final/value_head.safetensors")).exists();
    }

    @Test
    void grpoLearnsTheReward() throws IOException {
        TrainConfig c = config("grpo", "grpo", """
                grpo: {group_size: 4}
                ppo: {epochs: 2, minibatch_size: 8}
                train: {max_steps: 20, save_every: 20, progress: false}
                """.replace("prompts_per_step: 8", "prompts_per_step: 2"));
        try (RlModels m = RlModels.open(c)) {
            assertThat(m.hasCritic()).isFalse();
            RlTrainer.train(c, m, rmOnly(firstToken(1, 0)), false, Integer.MAX_VALUE);
        }
        List<MetricsLog.Entry> m = metrics(c);
        assertThat(finalReward(m)).isGreaterThanOrEqualTo(0.9);
        assertThat(m.get(m.size() - 1).extra()).doesNotContainKey("value_loss");
    }

    @Test
    void repoLearnsTheEnhancedReward() throws IOException {
        Path pipeline = Files.writeString(tmp.resolve("pipeline.yaml"), """
                sources: {rm: true, judge: false, rules: true}
                combiner: {kind: enhancement, n: 100}
                rules:
                  length: {min_chars: 1, max_chars: 400}
                """);
        TrainConfig c = config("repo", "repo", """
                ppo: {epochs: 2, minibatch_size: 8}
                train: {max_steps: 20, save_every: 20, progress: false}
                """);
        try (RlModels m = RlModels.open(c)) {
            RewardPipeline p = new RewardPipeline(PipelineConfig.load(pipeline), firstToken(1, -1), null);
            RlTrainer.train(c, m, RolloutScorer.of(p), false, Integer.MAX_VALUE);
        }
        List<MetricsLog.Entry> m = metrics(c);
        // maximum of R_total for a hit with no rule findings is R_model = 1
        assertThat(finalReward(m)).isGreaterThanOrEqualTo(0.9);
        assertThat(m.get(m.size() - 1).extra()).containsKeys("e_enh_mean", "source/rules/mean");
    }

    @Test
    void resumeEqualsAnUninterruptedRun() throws IOException {
        String body = """
                ppo: {epochs: 2, minibatch_size: 4}
                train: {max_steps: 4, save_every: 2, progress: false}
                """;
        TrainConfig straight = config("ppo", "rl-straight", body), split = config("ppo", "rl-split", body);
        try (RlModels m = RlModels.open(straight)) {
            RlTrainer.train(straight, m, rmOnly(firstToken(1, 0)), false, Integer.MAX_VALUE);
        }
        try (RlModels m = RlModels.open(split)) {
            assertThat(RlTrainer.train(split, m, rmOnly(firstToken(1, 0)), false, 2).finalDir()).isNull();
        }
        try (RlModels m = RlModels.open(split)) { // a fresh process: new models, newest checkpoint
            RlTrainer.train(split, m, rmOnly(firstToken(1, 0)), true, Integer.MAX_VALUE);
        }
        List<MetricsLog.Entry> a = metrics(straight), b = metrics(split);
        assertThat(b).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(b.get(i).loss()).as("loss at step %d", i + 1).isEqualTo(a.get(i).loss());
            assertThat(b.get(i).gradNorm()).isEqualTo(a.get(i).gradNorm());
            assertThat(b.get(i).extra().get("reward_mean")).isEqualTo(a.get(i).extra().get("reward_mean"));
            assertThat(b.get(i).extra().get("kl")).isEqualTo(a.get(i).extra().get("kl"));
        }
        assertThat(Files.readAllBytes(straight.output().resolve("final/policy/adapter_model.safetensors")))
                .isEqualTo(Files.readAllBytes(split.output().resolve("final/policy/adapter_model.safetensors")));
        assertThat(Files.readAllBytes(straight.output().resolve("final/value_head.safetensors")))
                .isEqualTo(Files.readAllBytes(split.output().resolve("final/value_head.safetensors")));
    }
}
