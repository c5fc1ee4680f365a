package repo.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.model.NoGrad;
import repo.core.text.ChatFormat;
import repo.rewards.PipelineConfig;
import repo.rewards.PromptFormats;
import repo.rewards.RewardPipeline;
import repo.rewards.api.Sample;
import repo.rewards.api.SourceResult;
import repo.rewards.combine.Combined;
import repo.rewards.trace.RewardTrace;
import repo.trainer.TestFixtures;
import repo.trainer.common.Checkpoints;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.Sequences;
import repo.trainer.loop.TrainingLoop;

/**
 * The shape of an RL step: old log-probs equal the first update's with dropout configured, PPO's minibatch loss and
 * gradients do not depend on the micro-batch split, failing reward sources stop the run loudly with the last
 * checkpoint named, and resume is exact for GRPO and for REPO with a whitened RM.
 */
class RlStepTest {
    @TempDir static Path tmp;
    static Path model, prompts;

    @BeforeAll
    static void setUp() throws IOException {
        model = TestFixtures.tinyModel(tmp.resolve("tiny"), 5);
        prompts = Files.write(tmp.resolve("prompts.jsonl"), List.of(
                "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"大床房多少钱？\"}]}",
                "{\"id\": \"b\", \"messages\": [{\"role\": \"user\", \"content\": \"Is breakfast included?\"}]}",
                "{\"id\": \"c\", \"messages\": [{\"role\": \"system\", \"content\": \"简短回答。\"}, {\"role\": \"user\", \"content\": \"周末呢？\"}]}"));
    }

    static TrainConfig config(String algorithm, String out, String extra) {
        return TrainConfig.parse("""
                algorithm: %s
                model: %s
                output: %s
                seed: 7
                data: {train: %s}
                lora: {r: 4, alpha: 8, dropout: 0.5}
                optim: {lr: 0.003, schedule: constant}
                rollout: {max_new_tokens: 3, prompts_per_step: 4, top_k: 8}
                %s
                %s
                """.formatted(algorithm, model, tmp.resolve(out), prompts, extra.contains("rewards:") ? "" : "rewards: {traces: false}",
                extra), out + ".yaml");
    }

    /** A stateless reward: the reply's first token id modulo 7, as a reward model would score it. */
    static SourceResult firstTokenScore(Sample s) {
        return SourceResult.ok("rm", s.completionIds().length == 0 ? 0 : s.completionIds()[0] % 7 / 7.0, List.of(), 0);
    }

    static RewardPipeline rmPipeline(PipelineConfig c) {
        return new RewardPipeline(c, samples -> samples.stream().map(RlStepTest::firstTokenScore).toList(), null);
    }

    /** Eight experiences over the three prompts with seeded reply tokens, advantages and returns, old figures from phase 3. */
    static List<Rollout.Experience> experiences(RlModels m, RlPasses passes) {
        SplittableRandom rnd = new SplittableRandom(11);
        List<Rollout> rollouts = new ArrayList<>();
        List<Sample> ps = RlTrainer.prompts(config("ppo", "x", ""), PromptFormats.AUTO);
        for (int i = 0; i < 8; i++) {
            Sample p = ps.get(i % ps.size());
            long[] prompt = m.tokenizer().encode(new ChatFormat().render(p.prompt(), true, false));
            long[] reply = new long[1 + rnd.nextInt(5)];
            for (int k = 0; k < reply.length; k++) {
                reply[k] = rnd.nextInt(2000);
            }
            rollouts.add(Rollout.of(p.withCompletion("", reply), prompt, reply, repo.core.generate.FinishReason.STOP_TOKEN));
        }
        List<Rollout.OldPolicy> old = passes.evaluate(rollouts, 3);
        List<Rollout.Experience> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = rollouts.get(i).replyLength();
            double[] adv = new double[n], ret = new double[n];
            for (int k = 0; k < n; k++) {
                adv[k] = rnd.nextGaussian();
                ret[k] = rnd.nextGaussian();
            }
            RewardTrace trace = new RewardTrace(null, i, List.of(), new Combined(1.0, null, 1.0, null, null, false, List.of(), null));
            out.add(new Rollout.Experience(new Rollout.Evaluated(Rollout.Scored.of(rollouts.get(i), trace), old.get(i)), 1.0, adv, ret));
        }
        return out;
    }

    @Test
    void withDropoutConfiguredOldLogProbsEqualTheFirstUpdatesSoTheRatioIsExactlyOne() throws IOException {
        try (RlModels m = RlModels.open(config("ppo", "dropout", ""))) {
            randomizeAdapters(m);
            RlPasses passes = new RlPasses(m);
            List<Rollout.Experience> xs = experiences(m, passes);
            List<Rollout> mb = xs.subList(0, 3).stream().map(Rollout.Experience::rollout).toList();
            try (NDScope scope = new NDScope()) {
                Sequences.Batch b = passes.batch(mb);
                float[][] update = b.atTargets(passes.policy(b, false, new repo.core.model.DeferredBackward()).logp());        // the update's forward
                for (int r = 0; r < mb.size(); r++) {
                    assertThat(update[r]).as("row %d", r).containsExactly(xs.get(r).old().logp());
                }
                // the same forward with dropout (as lora.dropout would ask) gives other numbers: the choice matters
                float[][] dropped = b.atTargets(Sequences.tokenLogProbs(m.policy().dropout(true), b, false).logp());
                assertThat(dropped[0]).isNotEqualTo(update[0]);
            }
        }
    }

    @Test
    void ppoMinibatchLossAndGradientsDoNotDependOnTheMicroBatchSplit() throws IOException {
        try (RlModels m = RlModels.open(config("ppo", "accumulate", "ppo: {entropy_coef: 0.01, kl_mode: loss, kl_coef: 0.1}"))) {
            randomizeAdapters(m);
            RlPasses passes = new RlPasses(m);
            PpoUpdate update = new PpoUpdate(config("ppo", "accumulate", "ppo: {entropy_coef: 0.01, kl_mode: loss, kl_coef: 0.1}"), m, passes);
            List<Rollout.Experience> xs = experiences(m, passes);
            RlMetrics.Minibatch one = update.accumulate(xs, 1 << 20);               // 1 micro-batch of 8
            List<float[]> oneGrads = grads(m);
            RlMetrics.Minibatch eight = update.accumulate(xs, 1);                   // 8 micro-batches of 1
            List<float[]> eightGrads = grads(m);
            assertThat(eight.loss()).isCloseTo(one.loss(), within(1e-6));
            assertThat(eight.policyLoss()).isCloseTo(one.policyLoss(), within(1e-6));
            assertThat(eight.valueLoss()).isCloseTo(one.valueLoss(), within(1e-6));
            assertThat(Math.abs(one.loss())).isGreaterThan(1e-3);
            double largest = oneGrads.stream().flatMapToDouble(g -> java.util.stream.IntStream.range(0, g.length).mapToDouble(k -> Math.abs(g[k])))
                    .max().orElse(0);
            assertThat(largest).as("the gradients are not trivially zero").isGreaterThan(1e-3);
            // fp32 sums in another order (and separate policy and critic backward passes): gradients agree to 5e-5 of the
            // largest; 1e-6 absolute is below fp32 rounding here
            for (int i = 0; i < oneGrads.size(); i++) {
                for (int k = 0; k < oneGrads.get(i).length; k++) {
                    assertThat((double) eightGrads.get(i)[k]).as("param %d [%d]", i, k).isCloseTo(oneGrads.get(i)[k], within(5e-5 * largest));
                }
            }
        }
    }

    @Test
    void aRewardModelThatThrowsOnStepTwoStopsTheRunNamingTheCauseAndTheIntactStepOneCheckpoint() throws IOException {
        TrainConfig c = config("ppo", "throws", "train: {max_steps: 3, save_every: 1, progress: false}");
        AtomicInteger calls = new AtomicInteger();
        RewardPipeline p = new RewardPipeline(PipelineConfig.defaults().withSources(true, false, false), samples -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("CUDA out of memory in the reward model");
            }
            return samples.stream().map(RlStepTest::firstTokenScore).toList();
        }, null);
        try (RlModels m = RlModels.open(c)) {
            assertThatThrownBy(() -> RlTrainer.train(c, m, RolloutScorer.of(p), false, Integer.MAX_VALUE))
                    .isInstanceOf(TrainingLoop.Stopped.class)
                    .hasMessageStartingWith("ppo stopped at step 2: CUDA out of memory in the reward model; last checkpoint: ")
                    .hasMessageContaining("(step 1); --resume continues from it");
        }
        Checkpoints.Checkpoint last = Checkpoints.resume(c.output()).orElseThrow();
        assertThat(last.step()).isEqualTo(1);
        assertThat(last.dir().resolve("trainable/policy/adapter_model.safetensors")).exists();
        assertThat(last.dir().resolve("optimizer-policy.safetensors")).exists();
        assertThat(MetricsLog.read(c.output().resolve("metrics.jsonl"))).hasSize(1);
        assertThat(c.output().resolve("final")).doesNotExist();
    }

    @Test
    void sourceFailuresAboveTheThresholdStopTheRunAndNoSurvivorIsAnError() throws IOException {
        TrainConfig c = config("ppo", "failing", "train: {max_steps: 2, save_every: 1, progress: false}");
        RewardPipeline half = new RewardPipeline(PipelineConfig.defaults().withSources(true, false, false), samples -> {
            List<SourceResult> out = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                out.add(i % 2 == 0 ? SourceResult.failure("rm", "judge endpoint returned 503", 1) : firstTokenScore(samples.get(i)));
            }
            return out;
        }, null);
        try (RlModels m = RlModels.open(c)) {
            assertThatThrownBy(() -> RlTrainer.train(c, m, RolloutScorer.of(half), false, Integer.MAX_VALUE))
                    .hasMessageContaining("ppo stopped at step 1: reward source 'rm' failed on 2 of 4 completions, more than "
                            + "rewards.max_source_failures 0.2 allows; first error: judge endpoint returned 503")
                    .hasMessageContaining("no checkpoint was written yet");
        }
        TrainConfig lenient = config("ppo", "lenient", "train: {max_steps: 2, progress: false}\nrewards: {traces: false, max_source_failures: 1.0}");
        RewardPipeline all = new RewardPipeline(PipelineConfig.defaults().withSources(true, false, false),
                samples -> samples.stream().map(s -> SourceResult.failure("rm", "timeout", 1)).toList(), null);
        try (RlModels m = RlModels.open(lenient)) {
            assertThatThrownBy(() -> RlTrainer.train(lenient, m, RolloutScorer.of(all), false, Integer.MAX_VALUE))
                    .hasMessageContaining("ppo stopped at step 1: no completion survived to train on: 4 completions (4 × dropped: rm failed (timeout)");
        }
    }

    @Test
    void resumeIsExactForGrpoAndForRepoWithAWhitenedRm() throws IOException {
        // the prompts are not OTA items, so the OTA rules have nothing to read: the RM alone, whitened
        Path pipeline = Files.writeString(tmp.resolve("whiten.yaml"), """
                sources: {rm: true, judge: false, rules: false}
                combiner: {kind: enhancement, n: 100, whiten_rm: true}
                """);
        String[][] runs = {{"grpo", "grpo: {group_size: 2}"},
                {"repo", "rewards: {traces: false, pipeline: " + pipeline + "}"}};
        for (String[] run : runs) {
            String body = "ppo: {epochs: 2, minibatch_size: 2}\ntrain: {max_steps: 4, save_every: 2, progress: false}\n" + run[1];
            TrainConfig straight = config(run[0], run[0] + "-straight", body), split = config(run[0], run[0] + "-split", body);
            train(straight, false, Integer.MAX_VALUE);
            assertThat(train(split, false, 2).finalDir()).isNull();
            if (run[0].equals("repo")) {
                assertThat(Checkpoints.resume(split.output()).orElseThrow().dir().resolve(RewardPipeline.STATE_FILE)).exists();
            }
            train(split, true, Integer.MAX_VALUE); // a fresh process: new models, new pipeline, newest checkpoint
            List<MetricsLog.Entry> a = MetricsLog.read(straight.output().resolve("metrics.jsonl"));
            List<MetricsLog.Entry> b = MetricsLog.read(split.output().resolve("metrics.jsonl"));
            assertThat(b).hasSize(4);
            for (int i = 0; i < 4; i++) {
                assertThat(b.get(i).loss()).as("%s loss at step %d", run[0], i + 1).isEqualTo(a.get(i).loss());
                assertThat(b.get(i).extra().get("reward_mean")).as("%s reward at step %d", run[0], i + 1)
                        .isEqualTo(a.get(i).extra().get("reward_mean"));
            }
            assertThat(Files.readAllBytes(straight.output().resolve("final/policy/adapter_model.safetensors")))
                    .isEqualTo(Files.readAllBytes(split.output().resolve("final/policy/adapter_model.safetensors")));
        }
    }

    private static TrainingLoop.Result train(TrainConfig c, boolean resume, int stopAfter) throws IOException {
        try (RlModels m = RlModels.open(c)) {
            RewardPipeline p = c.rewards().pipeline() == null ? rmPipeline(PipelineConfig.defaults().withSources(true, false, false))
                    : rmPipeline(PipelineConfig.load(c.rewards().pipeline()));
            return RlTrainer.train(c, m, RolloutScorer.of(p), resume, stopAfter);
        }
    }

    /** Trained-looking adapters: B = 0 would hide dropout and make the A gradients zero. */
    private static void randomizeAdapters(RlModels m) {
        SplittableRandom rnd = new SplittableRandom(5);
        for (String name : List.of(RlModels.POLICY, RlModels.CRITIC)) {
            m.model().adapterModules(name).values().forEach(a -> {
                float[] v = new float[(int) a.b().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextGaussian() * 0.2);
                }
                NoGrad.copy(a.b(), a.b().getManager().create(v, a.b().getShape()));
            });
        }
    }

    /** Policy and critic gradients, then zeroes them. */
    private static List<float[]> grads(RlModels m) {
        List<float[]> out = new ArrayList<>();
        List<NDArray> params = new ArrayList<>(m.policyParameters());
        params.addAll(m.criticParameters());
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                out.add(g.toFloatArray());
            }
            JniUtils.zeroGrad((PtNDArray) p);
        }
        return out;
    }
}
