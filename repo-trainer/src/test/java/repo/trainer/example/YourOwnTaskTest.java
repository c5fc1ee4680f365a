package repo.trainer.example;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import repo.core.model.NoGrad;
import repo.core.text.ChatFormat;
import repo.core.text.Message;
import repo.rewards.RewardPipeline;
import repo.rewards.api.Finding;
import repo.rewards.api.PromptRenderer;
import repo.rewards.api.RewardSource;
import repo.rewards.api.Sample;
import repo.rewards.api.Severity;
import repo.rewards.api.SourceResult;
import repo.rewards.combine.EnhancementCombiner;
import repo.rewards.combine.OnSourceFailure;
import repo.rewards.combine.Roles;
import repo.trainer.TestFixtures;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.TrainConfig;
import repo.trainer.rl.RlModels;
import repo.trainer.rl.RlTrainer;
import repo.trainer.rl.RolloutScorer;

/**
 * A task that is not the OTA negotiation, trained through the public API only (this package sees nothing else): a
 * concierge bot whose prompt records are {@code {"guest": ..., "ask": ...}}, a prompt renderer written for them,
 * a reward model written by the user (per prompt, it likes replies that open with one particular token, the
 * policy's second choice at first: it reads the prompt's id from the sample) and, for REPO, a user's reward function that feeds the enhancement E. PPO and REPO both learn it.
 */
class YourOwnTaskTest {
    @TempDir static Path tmp;
    static Path model, prompts;
    static final Map<String, Long> LIKED = new HashMap<>(); // prompt id -> the first token the user's reward model likes

    /** The user's prompt renderer: their own record format to chat messages. */
    static final PromptRenderer CONCIERGE = record -> List.of(
            Message.system("You are the hotel concierge. Answer in one short sentence."),
            Message.user(record.get("guest").asText() + " asks: " + record.get("ask").asText()));

    /** The user's reward model: 1 when the reply opens with the token liked for its prompt, else 0. */
    static RewardSource likes() {
        return RewardSource.model("likes", samples -> samples.stream()
                .map(s -> SourceResult.ok("likes", s.completionIds().length > 0 && s.completionIds()[0] == LIKED.get(s.id()) ? 1 : 0,
                        List.of(), 0))
                .toList());
    }

    /** The user's reward function: −20 points for a reply that shouts (an exclamation mark). */
    static RewardSource calm() {
        return RewardSource.function("calm", s -> s.completion().contains("!")
                ? List.of(new Finding("shouting", Severity.LOW, -20, "the reply shouts", null)) : List.of());
    }

    @BeforeAll
    static void setUp() throws IOException {
        model = TestFixtures.tinyModel(tmp.resolve("tiny"), 5);
        prompts = Files.write(tmp.resolve("concierge.jsonl"), List.of(
                "{\"id\": \"q1\", \"guest\": \"Ms. Chen\", \"ask\": \"Where is breakfast served?\"}",
                "{\"id\": \"q2\", \"guest\": \"Mr. Okafor\", \"ask\": \"Can I check out late?\"}"));
        try (RlModels m = RlModels.open(config("ppo", "probe")); NDScope scope = new NDScope()) {
            for (Sample p : RlTrainer.prompts(config("ppo", "probe"), CONCIERGE)) {
                long[] ids = m.tokenizer().encode(new ChatFormat().render(p.prompt(), true, false));
                NDArray next = NoGrad.get(() -> m.policy().forward(m.model().manager().create(ids, new Shape(1, ids.length)), null, null)
                        .get(new NDIndex("0, -1, :")));
                LIKED.put(p.id(), next.argSort(-1, false).getLong(1));
            }
        }
    }

    static TrainConfig config(String algorithm, String out) {
        return TrainConfig.parse("""
                algorithm: %s
                model: %s
                output: %s
                seed: 3
                data: {train: %s}
                lora: {r: 8, alpha: 16}
                optim: {lr: 0.003, schedule: constant}
                rollout: {max_new_tokens: 2, prompts_per_step: 8, top_k: 8}
                ppo: {epochs: 2, minibatch_size: 8}
                train: {max_steps: 12, save_every: 12, progress: false}
                rewards: {traces: false}
                """.formatted(algorithm, model, tmp.resolve(out), prompts), out + ".yaml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ppo", "repo"})
    void ownPromptsAndOwnRewardSourcesTrainThroughThePublicApi(String algorithm) throws IOException {
        TrainConfig config = config(algorithm, algorithm);
        List<RewardSource> sources = algorithm.equals("ppo") ? List.of(likes()) : List.of(likes(), calm());
        Roles roles = Roles.of(sources, "likes", null, "concierge");  // R_model = likes; E = the other sources
        RewardPipeline rewards = new RewardPipeline(sources, new EnhancementCombiner(100, roles, OnSourceFailure.DROP_SAMPLE, null));
        try (RlModels models = RlModels.open(config)) {
            List<Sample> prompts = RlTrainer.prompts(config, CONCIERGE);
            RlTrainer.train(config, models, prompts, RolloutScorer.of(rewards), false, Integer.MAX_VALUE);
        }
        List<MetricsLog.Entry> m = MetricsLog.read(config.output().resolve("metrics.jsonl"));
        double first = m.get(0).extra().get("reward_mean");
        double last3 = m.subList(9, 12).stream().mapToDouble(e -> e.extra().get("reward_mean")).average().orElseThrow();
        assertThat(last3).as("%s learns the user's reward", algorithm).isGreaterThanOrEqualTo(0.9).isGreaterThanOrEqualTo(first + 0.2);
        assertThat(m.get(11).extra()).containsKey("source/likes/mean");
        if (algorithm.equals("repo")) {
            assertThat(m.get(11).extra()).containsKeys("e_enh_mean", "source/calm/mean");
        }
        assertThat(config.output().resolve("final/policy/adapter_model.safetensors")).exists();
    }
}
