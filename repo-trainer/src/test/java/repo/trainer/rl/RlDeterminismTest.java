package repo.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardPipeline;
import repo.rewards.api.RewardModel;
import repo.rewards.api.SourceResult;
import repo.trainer.TestFixtures;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.TrainConfig;

/**
 * Same configuration and seed, same run: PPO, GRPO and REPO each run twice from freshly opened models give identical
 * metrics (every field but the timing ones) and byte-identical trained files. The reward depends on every sampled
 * token, so a single differing sample, log-prob or update would show.
 */
class RlDeterminismTest {
    @TempDir static Path tmp;
    static Path model, prompts, pipeline;

    @BeforeAll
    static void setUp() throws IOException {
        model = TestFixtures.tinyModel(tmp.resolve("tiny"), 7);
        String task = "{\"hotel\": {\"name\": \"成都春熙路大酒店\", \"star_level\": 4, \"city\": \"成都\"}, \"tickets\": [{\"room_type\": "
                + "\"豪华大床房\", \"dates\": \"2026-12-01..2026-12-03\", \"sale_price\": 980, \"net_price\": 860, \"target_price\": 800, "
                + "\"floor_price\": 760}], \"competitors\": []}";
        prompts = Files.write(tmp.resolve("prompts.jsonl"), List.of(
                "{\"id\": \"p1\", \"task\": " + task + ", \"history\": [{\"role\": \"hotel\", \"content\": \"您好，请问有什么事？\"}]}",
                "{\"id\": \"p2\", \"task\": " + task + ", \"history\": [{\"role\": \"hotel\", \"content\": \"Hello, how can I help?\"}]}"));
        pipeline = Files.writeString(tmp.resolve("pipeline.yaml"), """
                sources: {rm: true, judge: false, rules: true}
                combiner: {kind: enhancement, n: 100}
                """);
    }

    /** A reward that depends on every reply token: (Σ ids mod 997) / 997 − ½. */
    static final RewardModel EVERY_TOKEN = items -> items.stream().map(i -> {
        long sum = 0;
        for (long id : i.completionIds()) {
            sum += id;
        }
        return SourceResult.ok("rm", (sum % 997) / 997.0 - 0.5, List.of(), 0);
    }).toList();

    static TrainConfig config(String algorithm, String out) {
        String extra = algorithm.equals("grpo") ? "grpo: {group_size: 4}\nrollout: {max_new_tokens: 3, prompts_per_step: 1, top_k: 50}\n"
                : "rollout: {max_new_tokens: 3, prompts_per_step: 4, top_k: 50}\n";
        return TrainConfig.parse("""
                algorithm: %s
                model: %s
                output: %s
                seed: 11
                data: {train: %s}
                lora: {r: 4, alpha: 8, dropout: 0.1}
                optim: {lr: 0.01, schedule: constant}
                ppo: {epochs: 2, minibatch_size: 2}
                rewards: {traces: false}
                train: {max_steps: 2, save_every: 1, progress: false}
                %s""".formatted(algorithm, model, tmp.resolve(out), prompts, extra), out + ".yaml");
    }

    static void run(TrainConfig c) throws IOException {
        try (RlModels m = RlModels.open(c)) {
            RewardPipeline p = new RewardPipeline(c.algorithm().yamlName().equals("repo") ? PipelineConfig.load(pipeline)
                    : PipelineConfig.defaults().withSources(true, false, false), EVERY_TOKEN, null);
            RlTrainer.train(c, m, RolloutScorer.of(p), false, Integer.MAX_VALUE);
        }
    }

    static List<Map<String, Double>> figures(TrainConfig c) throws IOException {
        return MetricsLog.read(c.output().resolve("metrics.jsonl")).stream().map(e -> {
            Map<String, Double> f = new LinkedHashMap<>(e.extra());
            f.keySet().removeIf(k -> k.endsWith("per_s") || k.startsWith("time_"));
            f.put("loss", e.loss());
            f.put("grad_norm", e.gradNorm());
            return f;
        }).toList();
    }

    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                out.put(dir.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }

    @Test
    void ppoGrpoAndRepoRepeatExactly() throws IOException {
        for (String algorithm : List.of("ppo", "grpo", "repo")) {
            TrainConfig a = config(algorithm, algorithm + "-a"), b = config(algorithm, algorithm + "-b");
            run(a);
            run(b);
            List<Map<String, Double>> fa = figures(a), fb = figures(b);
            assertThat(fa).as(algorithm).hasSize(2);
            assertThat(fa.get(0)).as(algorithm).containsKey("reward_mean");
            assertThat(fb).as(algorithm + ": metrics of the second run").isEqualTo(fa);
            Map<String, byte[]> ba = files(a.output().resolve("final")), bb = files(b.output().resolve("final"));
            assertThat(ba.keySet()).as(algorithm).isNotEmpty().isEqualTo(bb.keySet());
            ba.forEach((k, v) -> assertThat(bb.get(k)).as(algorithm + " " + k).isEqualTo(v));
        }
    }
}
