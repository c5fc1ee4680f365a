package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A number multiplied into a differentiable graph keeps its value until the backward pass even when the garbage
 * collector runs in between and the freed small direct buffers are reused (filled with 1e30 here). With DJL's own
 * {@code x.mul(3f)} the scalar autograd saved lives in such a buffer, and the gradient comes out as garbage.
 */
class ScalarsTest {
    static float[] gradAfterChurn(BiFunction<NDArray, Float, NDArray> times) throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = times.apply(x, 3f).sum();
                churn();
                gc.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }

    /** Collects garbage (freeing unreachable direct buffers) and refills small native blocks with 1e30. */
    static void churn() throws InterruptedException {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            System.gc();
            Thread.sleep(100); // the Cleaner thread frees the buffers' native memory
            for (int i = 0; i < 20_000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                b.putFloat(0, 1e30f);
                keep.add(b);
            }
        }
    }

    @Test
    void theSavedScalarSurvivesACollection() throws InterruptedException {
        assertThat(gradAfterChurn(Scalars::mul)).containsExactly(3f, 3f, 3f);
        assertThat(gradAfterChurn((x, v) -> Scalars.div(x, 1 / v))).containsExactly(3f, 3f, 3f);
        System.err.println("ScalarsTest: DJL's x.mul(3f) gave the gradient " + java.util.Arrays.toString(gradAfterChurn(NDArray::mul))
                + " after the same churn");
    }
}
