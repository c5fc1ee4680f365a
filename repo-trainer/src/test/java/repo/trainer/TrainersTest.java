package repo.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
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
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;
import repo.core.text.ChatFormat;
import repo.core.text.QwenTokenizer;
import repo.rewards.rm.ScoreHeadRewardModel;
import repo.rewards.rm.ScoreStats;
import repo.trainer.common.MetricsLog;
import repo.trainer.data.Jsonl;
import repo.trainer.data.PreferencePair;
import repo.trainer.loop.Sequences;
import repo.trainer.config.TrainConfig;
import repo.trainer.dpo.DpoTrainer;
import repo.trainer.loop.TrainableModel;
import repo.trainer.loop.TrainingLoop;
import repo.trainer.rm.RmTrainer;
import repo.trainer.sft.SftTrainer;

/** SFT, RM and DPO learn on small fixed data sets; base weights stay put; resume equals an uninterrupted run. */
class TrainersTest {
    @TempDir static Path tmp;
    static Path model, sft, prefsTrain, prefsEval;

    @BeforeAll
    static void setUp() throws IOException {
        model = tmp.resolve("tiny");
        // std 0.3: with transformers' 0.02 a random tiny model's logits span too little for a test to learn in a few steps
        TestFixtures.tinyModel(model, 5);
        sft = write("sft.jsonl", List.of(
                dialogue("豪华大床房的到手价是多少？", "到手价是每晚680元。"),
                dialogue("Can you match the competitor at 599?", "We can offer 620 for those dates."),
                dialogue("标准间周末有优惠吗？", "周末标准间可以降到每晚450元。"),
                dialogue("Is breakfast included?", "Yes, breakfast for two is included.")));
        List<String> train = new ArrayList<>(), eval = new ArrayList<>();
        String[] asks = {"价格能再低一点吗？", "Can you lower the rate?", "大床房多少钱？", "What about the suite?", "周末呢？",
                "连住三晚有折扣吗？", "Is there a group rate?", "含早餐吗？", "Any late checkout?", "能给个最低价吗？"};
        for (int i = 0; i < asks.length; i++) {
            String pair = pair(asks[i], "好的，我们可以给您每晚" + (500 + 10 * i) + "元，谢谢理解。", "不行。");
            (i < 7 ? train : eval).add(pair);
        }
        prefsTrain = write("prefs-train.jsonl", train);
        prefsEval = write("prefs-eval.jsonl", eval);
    }

    static String dialogue(String user, String assistant) {
        return "{\"messages\": [{\"role\": \"user\", \"content\": \"" + user + "\"}, {\"role\": \"assistant\", \"content\": \""
                + assistant + "\"}]}";
    }

    static String pair(String user, String chosen, String rejected) {
        return "{\"prompt\": [{\"role\": \"user\", \"content\": \"" + user + "\"}], \"chosen\": \"" + chosen
                + "\", \"rejected\": \"" + rejected + "\"}";
    }

    static Path write(String name, List<String> lines) throws IOException {
        return Files.write(tmp.resolve(name), lines);
    }

    static TrainConfig config(String algorithm, String out, String extra) {
        String yaml = "algorithm: " + algorithm + "\nmodel: " + model + "\noutput: " + tmp.resolve(out) + "\nseed: 1\n" + extra
                + (extra.contains("progress") ? "" : "\n");
        return TrainConfig.parse(yaml, out + ".yaml");
    }

    static List<MetricsLog.Entry> metrics(TrainConfig c) throws IOException {
        return MetricsLog.read(c.output().resolve("metrics.jsonl"));
    }

    static Map<String, float[]> snapshot(Qwen3Model m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.weights().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void sftWithLoraHalvesTheLossAndLeavesBaseWeightsBitIdentical() throws IOException {
        TrainConfig c = config("sft", "sft-lora", """
                data: {train: %s}
                lora: {r: 8, alpha: 16}
                optim: {lr: 0.01, schedule: constant}
                train: {batch_size: 4, max_steps: 30, save_every: 15, progress: false}
                """.formatted(sft));
        try (TrainableModel tm = TrainableModel.open(c, "sft")) {
            Map<String, float[]> before = snapshot(tm.model());
            List<float[]> adapterBefore = tm.parameters().stream().map(NDArray::toFloatArray).toList();
            TrainingLoop.Result r = SftTrainer.train(c, tm, false, Integer.MAX_VALUE);
            Map<String, float[]> after = snapshot(tm.model());
            assertThat(after.keySet()).isEqualTo(before.keySet());
            before.forEach((k, v) -> assertThat(after.get(k)).as(k).isEqualTo(v));
            List<NDArray> params = tm.parameters();
            for (int i = 0; i < params.size(); i++) {
                assertThat(params.get(i).toFloatArray()).as("adapter tensor %d changed", i).isNotEqualTo(adapterBefore.get(i));
            }
            assertThat(r.finalDir().resolve("adapter/adapter_model.safetensors")).exists();
        }
        List<MetricsLog.Entry> m = metrics(c);
        assertThat(m).hasSize(30);
        assertThat(m.get(29).loss()).isLessThanOrEqualTo(0.5 * m.get(0).loss());
    }

    @Test
    void sftFullParameterHalvesTheLoss() throws IOException {
        TrainConfig c = config("sft", "sft-full", """
                data: {train: %s}
                full_parameter: true
                optim: {lr: 0.003, schedule: constant}
                train: {batch_size: 4, max_steps: 25, save_every: 25, progress: false}
                """.formatted(sft));
        TrainingLoop.Result r = SftTrainer.train(c, false);
        List<MetricsLog.Entry> m = metrics(c);
        assertThat(m.get(m.size() - 1).loss()).isLessThanOrEqualTo(0.5 * m.get(0).loss());
        try (Qwen3Model trained = Qwen3Model.load(r.finalDir().resolve("model"), ModelOptions.cpu())) {
            assertThat(trained.config()).isEqualTo(Qwen3Config.Preset.TINY.config().withDtype("float32"));
        }
    }

    @Test
    void rewardModelSeparatesPairs() throws IOException {
        TrainConfig c = config("rm", "rm", """
                data: {train: %s, eval: %s}
                lora: {r: 8, alpha: 16}
                optim: {lr: 0.005, schedule: constant}
                train: {batch_size: 7, max_steps: 20, save_every: 10, progress: false}
                """.formatted(prefsTrain, prefsEval));
        TrainingLoop.Result r = RmTrainer.train(c, false);
        MetricsLog.Entry last = metrics(c).get(19);
        metrics(c).forEach(e -> assertThat(e.gradNorm()).as("grad norm at step %d", e.step()).isFinite());
        assertThat(last.extra().get("accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(last.extra().get("eval_accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(r.finalDir().resolve(RmTrainer.HEAD_FILE)).exists();
        // the saved RM carries the mean and std of its own scores on the training replies, chosen and rejected
        ScoreStats saved = ScoreStats.besideHead(r.finalDir().resolve(RmTrainer.HEAD_FILE)).orElseThrow();
        try (ScoreHeadRewardModel rm = ScoreHeadRewardModel.load(model, r.finalDir().resolve("adapter"),
                r.finalDir().resolve(RmTrainer.HEAD_FILE), ModelOptions.cpu(), 8);
             QwenTokenizer tok = QwenTokenizer.fromDirectory(model)) {
            List<long[]> seqs = new ArrayList<>();
            for (PreferencePair p : Jsonl.readPreferences(prefsTrain)) {
                seqs.add(Sequences.promptAndReply(p.prompt(), p.chosen(), tok, new ChatFormat()).ids());
                seqs.add(Sequences.promptAndReply(p.prompt(), p.rejected(), tok, new ChatFormat()).ids());
            }
            double[] scores = new double[seqs.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = rm.scoreTokens(List.of(seqs.get(i)))[0];
            }
            ScoreStats expected = ScoreStats.of(scores);
            assertThat(saved.count()).isEqualTo(scores.length);
            assertThat(saved.mean()).isCloseTo(expected.mean(), within(1e-5));
            assertThat(saved.std()).isCloseTo(expected.std(), within(1e-5));
            assertThat(saved.std()).isGreaterThan(0.0);
        }
    }

    @Test
    void dpoPrefersTheChosenReplies() throws IOException {
        TrainConfig c = config("dpo", "dpo", """
                data: {train: %s, eval: %s}
                lora: {r: 8, alpha: 16}
                optim: {lr: 0.005, schedule: constant}
                dpo: {beta: 0.1}
                train: {batch_size: 7, max_steps: 20, save_every: 10, progress: false}
                """.formatted(prefsTrain, prefsEval));
        DpoTrainer.train(c, false);
        List<MetricsLog.Entry> m = metrics(c);
        assertThat(m.get(0).extra().get("reward_margin")).isCloseTo(0.0, within(1e-4)); // B = 0: policy == reference
        m.forEach(e -> assertThat(e.gradNorm()).as("grad norm at step %d", e.step()).isFinite());
        assertThat(m.get(19).extra().get("accuracy")).isGreaterThan(0.9);
        assertThat(m.get(19).extra().get("eval_accuracy")).isGreaterThan(0.9);
    }

    @Test
    void resumeEqualsAnUninterruptedRun() throws IOException {
        String body = """
                data: {train: %s}
                lora: {r: 4, alpha: 8, dropout: 0.1}
                optim: {lr: 0.01, warmup_steps: 2}
                train: {batch_size: 3, max_steps: 6, save_every: 2, progress: false}
                """.formatted(sft);
        TrainConfig straight = config("sft", "straight", body), split = config("sft", "split", body);
        SftTrainer.train(straight, false);
        try (TrainableModel tm = TrainableModel.open(split, "sft")) {
            TrainingLoop.Result stopped = SftTrainer.train(split, tm, false, 3);
            assertThat(stopped.steps()).isEqualTo(3);
            assertThat(stopped.finalDir()).isNull();
        }
        SftTrainer.train(split, true); // a fresh process would do the same: new model, newest checkpoint
        List<MetricsLog.Entry> a = metrics(straight), b = metrics(split);
        assertThat(b).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(b.get(i).step()).isEqualTo(a.get(i).step());
            assertThat(b.get(i).loss()).as("loss at step %d", i + 1).isEqualTo(a.get(i).loss());
            assertThat(b.get(i).lr()).isEqualTo(a.get(i).lr());
            assertThat(b.get(i).gradNorm()).isEqualTo(a.get(i).gradNorm());
        }
        assertThat(Files.readAllBytes(straight.output().resolve("final/adapter/adapter_model.safetensors")))
                .isEqualTo(Files.readAllBytes(split.output().resolve("final/adapter/adapter_model.safetensors")));
    }

    @Test
    void aRunFolderWithCheckpointsNeedsResume() throws IOException {
        TrainConfig c = config("sft", "twice", """
                data: {train: %s}
                train: {batch_size: 2, max_steps: 1, save_every: 1, progress: false}
                """.formatted(sft));
        SftTrainer.train(c, false);
        assertThatThrownBy(() -> SftTrainer.train(c, false)).hasMessageContaining("--resume");
    }

    @Test
    void badConfigsNameTheKey() {
        assertThatThrownBy(() -> TrainConfig.parse("algorithm: sft\nmodel: m\noutput: o\ndata: {train: t}\ntrain: {batchsize: 2}\n", "c.yaml"))
                .hasMessageContaining("c.yaml").hasMessageContaining("batchsize").hasMessageContaining("batch_size");
        assertThatThrownBy(() -> TrainConfig.parse("algorithm: sft\nmodel: m\noutput: o\ndata: {train: t}\ntrain: {max_steps: lots}\n", "c.yaml"))
                .hasMessageContaining("train.max_steps");
        assertThatThrownBy(() -> TrainConfig.parse("algorithm: ppx\nmodel: m\noutput: o\ndata: {train: t}\n", "c.yaml"))
                .hasMessageContaining("ppx").hasMessageContaining("sft, rm, dpo");
        assertThatThrownBy(() -> TrainConfig.parse("algorithm: sft\noutput: o\ndata: {train: t}\n", "c.yaml"))
                .hasMessageContaining("model: missing");
        assertThatThrownBy(() -> TrainConfig.parse("algorithm: sft\nmodel: m\noutput: o\ndata: {train: t}\nlora: {target_modules: [qproj]}\n", "c.yaml"))
                .hasMessageContaining("lora").hasMessageContaining("qproj");
        assertThatThrownBy(() -> TrainConfig.parse("algorithm: sft\nmodel: m\noutput: o\ndata: {train: t}\noptim: {lr: -1}\n", "c.yaml"))
                .hasMessageContaining("optim.lr");
    }
}
