package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import repo.core.model.ModelOptions.Precision;

/**
 * Full-parameter training gives the same embedding gradient, bit for bit, every time on several threads. Looking rows
 * up with an index made libtorch's CPU backward add repeated ids' rows with atomic float adds from two threads, in an
 * order that changed run to run: the main job's pretraining then differed between runs from its second step.
 */
class EmbeddingGradientDeterminismTest {

    @Test
    void embeddingGradientIsTheSameOnEveryRunWithTwoThreads() {
        Engine.getInstance(); // loads libtorch
        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(2); // the race needs two threads; the backward of the old index ran them above 32,768 values
        try (Qwen3Model model = LoraTestModels.model(LoraTestModels.TIED, Precision.FP32, 5);
                NDManager m = NDManager.newBaseManager()) {
            model.enableFullParameterTraining();
            int b = 8, t = 256;                                   // 2,048 tokens x h 32 = 65,536 gradient values
            long[] v = new long[b * t];
            SplittableRandom r = new SplittableRandom(3);
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(6);                              // few distinct ids: every row is hit from both threads
            }
            NDArray ids = m.create(v, new Shape(b, t));
            NDArray mask = m.ones(new Shape(b, t), ai.djl.ndarray.types.DataType.INT64);
            NDArray weights = m.randomNormal(new Shape(b, t, LoraTestModels.TIED.vocabSize()));
            NDArray embed = model.weights().get("model.embed_tokens.weight");
            float[] first = null;
            for (int run = 0; run < 8; run++) {
                model.trainableBaseParameters().forEach(p -> JniUtils.zeroGrad((PtNDArray) p)); // gradients accumulate
                try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(model.base().forward(ids, mask, null).mul(weights).sum());
                    float[] g = embed.getGradient().toFloatArray();
                    if (first == null) {
                        first = g;
                    }
                    assertThat(Arrays.equals(g, first)).as("run %d's embedding gradient equals run 0's bit for bit", run).isTrue();
                }
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }
}
