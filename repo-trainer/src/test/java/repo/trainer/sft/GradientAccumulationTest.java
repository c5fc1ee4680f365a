package repo.trainer.sft;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.text.ChatFormat;
import repo.core.text.Message;
import repo.trainer.TestFixtures;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.Sequences;
import repo.trainer.loop.SupervisedMethod;
import repo.trainer.loop.TrainableModel;

/**
 * Gradient accumulation is invisible: one micro-batch of 8 dialogues and 8 micro-batches of 1 give the same loss and
 * the same gradients (1e-6), because every micro-batch's loss is divided by the whole step's target-token count.
 */
class GradientAccumulationTest {
    @TempDir Path tmp;

    @Test
    void eightByOneEqualsOneByEight() throws IOException {
        Path model = TestFixtures.tinyModel(tmp.resolve("tiny"), 5);
        Files.writeString(tmp.resolve("unused.jsonl"), "");
        TrainConfig c = TrainConfig.parse("algorithm: sft\nmodel: " + model + "\noutput: " + tmp.resolve("out")
                + "\nseed: 2\ndata: {train: " + tmp.resolve("unused.jsonl") + "}\nlora: {r: 4, alpha: 8}\n", "sft.yaml");
        try (TrainableModel tm = TrainableModel.open(c, "sft")) {
            // B = 0 makes every A gradient zero: give the adapter a trained B first
            tm.model().adapterModules("sft").values().forEach(a -> repo.core.model.NoGrad.copy(a.b(),
                    a.b().getManager().randomNormal(0, 0.2f, a.b().getShape(), a.b().getDataType())));
            List<Sequences.Tokens> rows = new ArrayList<>();
            String[] replies = {"好的", "每晚680元。", "Yes, breakfast is included.", "可以", "We can offer 620.", "周末450元。", "No.", "谢谢理解。"};
            for (int i = 0; i < 8; i++) {
                rows.add(Sequences.dialogue(List.of(Message.user("问题 " + i), Message.assistant(replies[i])), tm.tokenizer(),
                        new ChatFormat()));
            }
            SftTrainer.SftObjective objective = new SftTrainer.SftObjective(tm, List.of());
            double normalizer = objective.normalizer(rows);
            SupervisedMethod.Accumulated one = SupervisedMethod.accumulate(objective, List.of(rows), normalizer);
            List<float[]> oneGrads = grads(tm.parameters());
            List<List<Sequences.Tokens>> singles = rows.stream().map(List::of).toList();
            SupervisedMethod.Accumulated eight = SupervisedMethod.accumulate(objective, singles, normalizer);
            List<float[]> eightGrads = grads(tm.parameters());

            // fp32 sums in another order: a loss near 15 has an ulp near 1e-6, so the bound is relative
            assertThat(eight.loss()).isCloseTo(one.loss(), org.assertj.core.api.Assertions.within(1e-6 * Math.abs(one.loss())));
            assertThat(one.loss()).isGreaterThan(0.1);
            double largest = oneGrads.stream().flatMapToDouble(g -> java.util.stream.IntStream.range(0, g.length).mapToDouble(k -> Math.abs(g[k])))
                    .max().orElse(0);
            assertThat(largest).as("the gradients are not trivially zero").isGreaterThan(1e-3);
            // fp32 sums in another order: gradients agree to 1e-5 of the largest (1e-6 absolute is below fp32 rounding here)
            for (int i = 0; i < oneGrads.size(); i++) {
                for (int k = 0; k < oneGrads.get(i).length; k++) {
                    assertThat((double) eightGrads.get(i)[k]).as("param %d [%d]", i, k)
                            .isCloseTo(oneGrads.get(i)[k], org.assertj.core.api.Assertions.within(1e-5 * largest));
                }
            }
        }
    }

    /** The parameters' gradients, then zeroes them. */
    static List<float[]> grads(List<NDArray> params) {
        List<float[]> out = new ArrayList<>();
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                out.add(g.toFloatArray());
            }
            JniUtils.zeroGrad((PtNDArray) p);
        }
        return out;
    }
}
