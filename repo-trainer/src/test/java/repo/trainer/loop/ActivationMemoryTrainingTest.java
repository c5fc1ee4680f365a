package repo.trainer.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.trainer.TestFixtures;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.TrainConfig;
import repo.trainer.dpo.DpoTrainer;
import repo.trainer.sft.SftTrainer;

/**
 * {@code train.gradient_checkpointing} and {@code train.logits_chunk} change memory, not results: two SFT and two DPO
 * steps (LoRA dropout on, several micro-batches per step) give the same losses, gradient norms and adapter weights with
 * both on as with both off; bad values are refused naming the key. The trainers compute in fp32, so "the same" is up
 * to fp32 rounding (the chunked head's backward adds in another order): losses to 1e-6 and gradient norms to 1e-5
 * relative, weights to 1e-5 (AdamW at lr 0.001 moves a weight up to 0.001 per step; a wrong dropout mask or a missing
 * gradient moves them by far more). Exact equivalence in FP64: ChunkedLogProbsTest, CheckpointedForwardTest.
 */
class ActivationMemoryTrainingTest {
    static final double LOSS = 1e-6, GRAD_NORM = 1e-5, WEIGHT = 1e-5;
    @TempDir static Path tmp;
    static Path model, sft, prefs;

    @BeforeAll
    static void setUp() throws IOException {
        model = TestFixtures.tinyModel(tmp.resolve("tiny"), 5);
        sft = TestFixtures.sftDialogues(tmp.resolve("sft.jsonl"), 3);
        prefs = Files.write(tmp.resolve("prefs.jsonl"), List.of(
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"能便宜点吗？\"}], \"chosen\": \"可以，每晚620元。\", \"rejected\": \"不行。\"}",
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"Any late checkout?\"}], \"chosen\": \"Yes, until 2 pm.\", \"rejected\": \"No.\"}",
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"含早餐吗？\"}], \"chosen\": \"含双早。\", \"rejected\": \"不知道。\"}"));
    }

    static TrainConfig config(String algorithm, String out, Path data, String memory) {
        return TrainConfig.parse("""
                algorithm: %s
                model: %s
                output: %s
                seed: 3
                data: {train: %s}
                lora: {r: 4, alpha: 8, dropout: 0.1}
                optim: {lr: 0.001}
                %strain: {batch_size: 3, micro_batch_tokens: 40, max_steps: 2, save_every: 2, progress: false%s}
                """.formatted(algorithm, model, tmp.resolve(out), data,
                algorithm.equals("dpo") ? "dpo: {beta: 0.5}\n" : "", memory), out + ".yaml");
    }

    /** Metrics and the final adapter weights (FP64) of a run. */
    record Run(List<MetricsLog.Entry> metrics, List<double[]> weights) {
    }

    static Run run(TrainConfig c) throws IOException {
        try (TrainableModel tm = TrainableModel.open(c, c.algorithm().yamlName())) {
            if (c.algorithm() == repo.trainer.config.Algorithm.SFT) {
                SftTrainer.train(c, tm, false, Integer.MAX_VALUE);
            } else {
                DpoTrainer.train(c, tm, false, Integer.MAX_VALUE);
            }
            List<double[]> w = new ArrayList<>();
            for (NDArray p : tm.parameters()) {
                w.add(p.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray());
            }
            return new Run(MetricsLog.read(c.output().resolve("metrics.jsonl")), w);
        }
    }

    static void assertSameRun(Run got, Run want) {
        assertThat(got.metrics()).hasSameSizeAs(want.metrics()).hasSize(2);
        for (int i = 0; i < want.metrics().size(); i++) {
            MetricsLog.Entry a = got.metrics().get(i), b = want.metrics().get(i);
            assertThat(a.loss()).as("loss at step %d", i + 1).isCloseTo(b.loss(), org.assertj.core.api.Assertions.within(LOSS * Math.abs(b.loss())));
            assertThat(a.gradNorm()).as("grad norm at step %d", i + 1).isCloseTo(b.gradNorm(),
                    org.assertj.core.api.Assertions.within(GRAD_NORM * Math.abs(b.gradNorm())));
        }
        double diff = 0, moved = 0;
        for (int i = 0; i < want.weights().size(); i++) {
            for (int k = 0; k < want.weights().get(i).length; k++) {
                diff = Math.max(diff, Math.abs(got.weights().get(i)[k] - want.weights().get(i)[k]));
                moved = Math.max(moved, Math.abs(want.weights().get(i)[k]));
            }
        }
        assertThat(moved).as("the adapter trained").isGreaterThan(1e-3);
        assertThat(diff).as("largest adapter weight difference").isLessThan(WEIGHT);
    }

    static final String SAVING = ", gradient_checkpointing: true, logits_chunk: 3";

    @Test
    void sftWithCheckpointingAndAChunkedHeadEqualsThePlainRun() throws IOException {
        assertSameRun(run(config("sft", "sft-saving", sft, SAVING)), run(config("sft", "sft-plain", sft, "")));
    }

    @Test
    void dpoWithCheckpointingAndAChunkedHeadEqualsThePlainRun() throws IOException {
        assertSameRun(run(config("dpo", "dpo-saving", prefs, SAVING)), run(config("dpo", "dpo-plain", prefs, "")));
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> config("sft", "bad", sft, ", logits_chunk: -1")).hasMessageContaining("train.logits_chunk")
                .hasMessageContaining("[0, 1000000000]");
        assertThatThrownBy(() -> config("sft", "bad", sft, ", gradient_checkpointing: maybe"))
                .hasMessageContaining("gradient_checkpointing");
        assertThatThrownBy(() -> TrainConfig.parse("algorithm: sft\nmodel: m\noutput: o\nfull_parameter: true\ndata: {train: t}\n"
                + "train: {logits_chunk: 8}\n", "full.yaml")).hasMessageContaining("train.logits_chunk").hasMessageContaining("frozen");
    }
}
