package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static repo.core.model.ChunkedLogProbsTest.WHOLE;
import static repo.core.model.ChunkedLogProbsTest.assertSame;
import static repo.core.model.ChunkedLogProbsTest.grads;
import static repo.core.model.ChunkedLogProbsTest.saving;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gradient checkpointing per decoder layer gives the plain forward's loss and adapter gradients (FP64, LoRA with
 * B ≠ 0, padded batch; loss and fixtures as in ChunkedLogProbsTest), alone and under the chunked LM head, and with LoRA
 * dropout on (the recompute repeats the forward's masks).
 */
class CheckpointedForwardTest {
    @Test
    void checkpointingGivesTheSameLossAndGradients() {
        List<double[]> want = grads(0, 1.0, WHOLE);
        assertSame(grads(0, 1.0, saving(new ActivationMemory(true, 0))), want);
        // with the chunked head on top: neither the layers' graphs nor a (B, T, V) array are held
        assertSame(grads(0, 1.0, saving(new ActivationMemory(true, 4))), want);
    }

    @Test
    void checkpointingRepeatsLoraDropoutMasks() {
        List<double[]> want = grads(0.3, 1.0, WHOLE);
        assertSame(grads(0.3, 1.0, saving(new ActivationMemory(true, 0))), want);
        assertSame(grads(0.3, 1.0, saving(new ActivationMemory(true, 5))), want);
        // and dropout does act: without it the gradients differ
        assertThat(LoraTestModels.maxAbsDiff(grads(0, 1.0, WHOLE).get(1), want.get(1))).isGreaterThan(1e-6);
    }

    /** Torch's generator is left as the plain forward leaves it, so later draws (the next micro-batch's masks) agree. */
    @Test
    void theGeneratorContinuesAsAfterThePlainForward() {
        double[][] next = new double[2][];
        for (int k = 0; k < 2; k++) {
            try (Qwen3Model model = ChunkedLogProbsTest.model(0.3); NDManager m = model.manager().newSubManager()) {
                ChunkedLogProbsTest.Batch b = ChunkedLogProbsTest.Batch.of(m, 1.0);
                Engine.getInstance().setRandomSeed(11);
                try (NDScope s = new NDScope(); ai.djl.training.GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    (k == 0 ? WHOLE : saving(new ActivationMemory(true, 0))).run(b, model.with("a").dropout(true), gc);
                }
                try (NDArray r = m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(4))) {
                    next[k] = r.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
                }
            }
        }
        assertThat(next[1]).containsExactly(next[0]);
    }

    @Test
    void savingNeedsSomewhereToPutTheDeferredBackward() {
        try (Qwen3Model model = ChunkedLogProbsTest.model(0)) {
            assertThatThrownBy(() -> model.with("a").saving(new ActivationMemory(true, 0), null))
                    .hasMessageContaining("DeferredBackward");
            assertThatThrownBy(() -> new ActivationMemory(false, -1)).hasMessageContaining("logitsChunk");
        }
    }
}
