package repo.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.core.generate.Generation;
import repo.core.generate.SamplingParams;
import repo.core.io.PeftAdapters;
import repo.core.model.ModelOptions;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Model;
import repo.core.text.ChatFormat;
import repo.core.text.QwenTokenizer;
import repo.rewards.PipelineConfig;
import repo.rewards.PromptFormats;
import repo.rewards.api.Sample;
import repo.rewards.judge.server.OpenAiServer;
import repo.trainer.TestFixtures;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.OpenAiRolloutSection;
import repo.trainer.loop.TrainingLoop;
import repo.trainer.config.TrainConfig;

/**
 * The remote rollout backend against {@code repo serve} in this process, over 127.0.0.1, on a tiny random model: the
 * served replies follow the policy through adapter hot-loads (greedy replies equal the in-process generator's before
 * and after an update), the trainer's recomputed log-probs of served replies equal the server's at temperature 1, a
 * whole GRPO run samples on the server, and an unreachable server or a refused load stops the run with the reason.
 */
@Timeout(300)
class RemoteRolloutTest {
    @TempDir static Path tmp;
    static Path model, prompts;
    static Qwen3Model served;
    static QwenTokenizer servedTok;
    static OpenAiServer server, closedServer;

    @BeforeAll
    static void start() throws IOException {
        model = TestFixtures.tinyModel(tmp.resolve("tiny"), 5);
        prompts = Files.write(tmp.resolve("prompts.jsonl"), List.of(
                "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"大床房多少钱？\"}]}",
                "{\"id\": \"b\", \"messages\": [{\"role\": \"user\", \"content\": \"Is breakfast included?\"}]}",
                "{\"id\": \"c\", \"messages\": [{\"role\": \"user\", \"content\": \"周末呢？\"}]}"));
        served = Qwen3Model.load(model, ModelOptions.cpu());
        servedTok = QwenTokenizer.fromDirectory(model);
        server = OpenAiServer.start(served.base(), servedTok, OpenAiServer.Options.defaults(0, "tiny").withLoraLoading(true));
        closedServer = OpenAiServer.start(served.base(), servedTok, OpenAiServer.Options.defaults(0, "tiny")); // no LoRA loading
    }

    @AfterAll
    static void stop() {
        server.close();
        closedServer.close();
        servedTok.close();
        served.close();
    }

    static TrainConfig config(String out, String baseUrl, String extra) {
        return TrainConfig.parse("""
                algorithm: grpo
                model: %s
                output: %s
                seed: 7
                data: {train: %s}
                lora: {r: 4, alpha: 8}
                optim: {lr: 0.01, schedule: constant}
                grpo: {group_size: 2}
                ppo: {epochs: 1, minibatch_size: 4}
                rollout: {max_new_tokens: 4, prompts_per_step: 2, backend: openai,
                          openai: {base_url: "%s", adapter_dir: %s, max_retries: 0, timeout_ms: 60000}}
                rewards: {traces: false}
                train: {max_steps: 2, save_every: 1, progress: false}
                %s
                """.formatted(model, tmp.resolve(out), prompts, baseUrl, tmp.resolve(out + "-adapters"), extra), out + ".yaml");
    }

    static List<long[]> promptIds(RlModels m) {
        List<long[]> out = new ArrayList<>();
        for (Sample s : RlTrainer.prompts(config("x", server.baseUrl().toString(), ""), PromptFormats.AUTO)) {
            out.add(m.tokenizer().encode(new ChatFormat().render(s.prompt(), true, false)));
        }
        return out;
    }

    static RemoteRollouts remote(TrainConfig c, RlModels m) {
        return (RemoteRollouts) RolloutEngine.of(c, m);
    }

    static List<long[]> ids(List<Generation> gs) {
        return gs.stream().map(Generation::ids).toList();
    }

    static List<String> servedAdapters(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void servedRepliesFollowThePolicyThroughEachHotLoad() throws IOException {
        TrainConfig c = config("follow", server.baseUrl().toString(), "");
        try (RlModels m = RlModels.open(c)) {
            RemoteRollouts engine = remote(c, m);
            RolloutEngine local = RolloutEngine.local(m);
            List<long[]> ps = promptIds(m);
            SamplingParams greedy = SamplingParams.greedy(5);
            List<long[]> before = ids(engine.generate(ps, greedy));
            assertThat(before).containsExactlyElementsOf(ids(local.generate(ps, greedy)));
            String first = engine.served();

            perturbPolicy(m); // as an update would, but far enough to move every greedy reply
            engine.policyChanged();
            List<long[]> after = ids(engine.generate(ps, greedy));
            assertThat(after).containsExactlyElementsOf(ids(local.generate(ps, greedy)));
            assertThat(after).isNotEqualTo(before);
            assertThat(engine.served()).isNotEqualTo(first);
            assertThat(servedAdapters(c.rollout().openai().adapterDir())).as("the old version's folder is gone")
                    .containsExactly(engine.served());
            assertThat(served.adapterNames()).as("the server unloaded the old version").hasSize(1);

            List<long[]> again = ids(engine.generate(ps, greedy)); // no change, no reload
            assertThat(again).containsExactlyElementsOf(after);
            assertThat(served.adapterNames()).hasSize(1);
        }
    }

    @Test
    void theTrainerRecomputesServedLogProbsAsItsOwnAndAsTheServerReportedThem() throws IOException {
        TrainConfig c = config("logp", server.baseUrl().toString(), "");
        try (RlModels m = RlModels.open(c)) {
            perturbPolicy(m);
            RemoteRollouts engine = remote(c, m);
            List<long[]> ps = promptIds(m);
            SamplingParams t1 = new SamplingParams(6, false, 1f, 1f, 0, 99, SamplingParams.QWEN_STOP_IDS, List.of());
            List<Generation> gens = engine.generate(ps, t1);
            List<Rollout> remote = new ArrayList<>(), same = new ArrayList<>();
            for (int i = 0; i < gens.size(); i++) {
                Generation g = gens.get(i);
                Sample s = new Sample("r" + i, List.of(), g.text(), g.ids(), null);
                remote.add(Rollout.of(s, ps.get(i), g.ids(), g.finishReason()));
                same.add(Rollout.of(s, ps.get(i).clone(), g.ids().clone(), g.finishReason()));
            }
            RlPasses passes = new RlPasses(m);
            List<Rollout.OldPolicy> recomputed = passes.evaluate(remote, 2), own = passes.evaluate(same, 2);
            for (int i = 0; i < gens.size(); i++) {
                assertThat(recomputed.get(i).logp()).as("row %d: the same forward as for any rollout", i).containsExactly(own.get(i).logp());
                float[] reported = gens.get(i).logProbs();
                assertThat(reported).hasSize(gens.get(i).ids().length).doesNotContain(Float.NaN);
                for (int k = 0; k < reported.length; k++) {
                    assertThat(recomputed.get(i).logp()[k]).as("row %d token %d", i, k).isCloseTo(reported[k], within(2e-4f));
                }
            }
        }
    }

    @Test
    void aGrpoRunSamplesOnTheServerAndLoadsEachUpdatedPolicy() throws IOException {
        TrainConfig c = config("run", server.baseUrl().toString(), "");
        try (RlModels m = RlModels.open(c)) {
            RlTrainer.train(c, m, RolloutScorer.of(RlStepTest.rmPipeline(PipelineConfig.defaults().withSources(true, false, false))),
                    false, Integer.MAX_VALUE);
        }
        assertThat(MetricsLog.read(c.output().resolve("metrics.jsonl"))).hasSize(2);
        List<String> left = servedAdapters(c.rollout().openai().adapterDir());
        assertThat(left).as("step 2 sampled the policy after step 1's update").hasSize(1);
        assertThat(left.get(0)).endsWith("-2");
        Path step1 = c.output().resolve("checkpoints/step-000001/" + TrainingLoop.TRAINABLE + "/" + RlModels.POLICY + "/" + PeftAdapters.WEIGHTS);
        assertThat(Files.readAllBytes(c.rollout().openai().adapterDir().resolve(left.get(0)).resolve(PeftAdapters.WEIGHTS)))
                .isEqualTo(Files.readAllBytes(step1));
    }

    @Test
    void anUnreachableServerOrARefusedLoadStopsWithTheReason() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        TrainConfig gone = config("gone", "http://127.0.0.1:" + port + "/v1", "");
        try (RlModels m = RlModels.open(gone)) {
            RemoteRollouts engine = remote(gone, m);
            assertThatThrownBy(() -> engine.generate(promptIds(m), SamplingParams.greedy(2))).isInstanceOf(IOException.class)
                    .hasMessageContaining("load_lora_adapter").hasMessageContaining("[io]").hasMessageContaining("127.0.0.1:" + port);
        }
        TrainConfig refused = config("refused", closedServer.baseUrl().toString(), "");
        try (RlModels m = RlModels.open(refused)) {
            assertThatThrownBy(() -> RlTrainer.train(refused, m, RolloutScorer.of(RlStepTest.rmPipeline(
                    PipelineConfig.defaults().withSources(true, false, false))), false, Integer.MAX_VALUE))
                    .isInstanceOf(IOException.class).hasMessageContaining("HTTP 404").hasMessageContaining("--allow-lora-loading");
            assertThat(servedAdapters(refused.rollout().openai().adapterDir())).as("the refused version is not left behind").isEmpty();
        }
        OpenAiRolloutSection keyed = new OpenAiRolloutSection(server.baseUrl(), "REPO_TEST_ROLLOUT_KEY", tmp, null, null, null, null);
        assertThatThrownBy(() -> new RemoteRollouts(keyed, null, 1, dir -> { }, Map.<String, String>of()::get))
                .hasMessageContaining("rollout.openai.api_key_env names REPO_TEST_ROLLOUT_KEY");
    }

    @Test
    void theConfigNamesTheKeyAtFault() {
        assertThatThrownBy(() -> TrainConfig.parse("""
                algorithm: grpo
                model: m
                output: o
                data: {train: t.jsonl}
                rollout: {backend: openai}
                """, "x.yaml")).hasMessageContaining("rollout.openai");
        assertThatThrownBy(() -> config("bad-url", "ftp://host/v1", "")).hasMessageContaining("rollout.openai.base_url");
        assertThatThrownBy(() -> TrainConfig.parse("""
                algorithm: grpo
                model: m
                output: o
                data: {train: t.jsonl}
                rollout: {openai: {base_url: "http://h:1/v1", adapter_dir: a}}
                """, "x.yaml")).hasMessageContaining("rollout.openai").hasMessageContaining("rollout.backend is local");
        assertThatThrownBy(() -> TrainConfig.parse("""
                algorithm: grpo
                model: m
                output: o
                data: {train: t.jsonl}
                rollout: {backend: openai, openai: {base_url: "http://h:1/v1", adapter_dir: a, api_key_env: "sk-123"}}
                """, "x.yaml")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rollout.openai.api_key_env");
        assertThat(config("ok", "http://h:1/v1", "").rollout().openai().loraName()).isEqualTo("policy");
        assertThat(TrainConfig.defaults(TrainConfig.RolloutSection.class).backend()).isEqualTo(repo.trainer.config.RolloutBackend.LOCAL);
    }

    /** Moves the policy adapter's B matrices away from zero, far enough to change greedy replies. */
    static void perturbPolicy(RlModels m) {
        SplittableRandom rnd = new SplittableRandom(23);
        m.model().adapterModules(RlModels.POLICY).values().forEach(a -> {
            float[] v = new float[(int) a.b().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 0.8);
            }
            NoGrad.copy(a.b(), a.b().getManager().create(v, a.b().getShape()));
        });
    }
}
