package repo.trainer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {

    private static final AdamW.Config HAND = new AdamW.Config(0.9, 0.999, 1e-8, 0.1);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /*
     * Hand trajectory, lr = 0.1, weight decay 0.1 (decay factor 1 − lr·wd = 0.99), β = (0.9, 0.999), ε = 1e-8,
     * p0 = [1, −2, 0.5], gradients g1 = [0.5, 0, 2], g2 = [−0.5, 0, 1], g3 = [0.25, 0, −3].
     *
     * Step 1 (1 − β1 = 0.1, 1 − β2 = 0.001, so m̂ = g, v̂ = g²; update = lr·g/(|g| + ε) ≈ lr·sign(g)):
     *   p[0] = 1·0.99 − 0.1·0.5/(0.5 + 1e-8)   = 0.99 − 0.099999998 = 0.890000002
     *   p[1] = −2·0.99 − 0 (m = v = 0: only the decoupled decay acts) = −1.98
     *   p[2] = 0.5·0.99 − 0.1·2/(2 + 1e-8)      = 0.495 − 0.0999999995 = 0.3950000005
     * Step 2 (bias corrections 1 − 0.9² = 0.19 and 1 − 0.999² = 0.001999):
     *   [0] m = 0.9·0.05 − 0.05 = −0.005, m̂ = −0.005/0.19 = −0.0263157895
     *       v = 0.999·0.00025 + 0.001·0.25 = 0.00049975, v̂ = 0.00049975/0.001999 = 0.25, √v̂ = 0.5
     *       p = 0.890000002·0.99 + 0.1·0.0263157895/0.50000001 = 0.88110000198 + 0.00526315779 = 0.88636315977
     *   [1] p = −1.98·0.99 = −1.9602
     *   [2] m = 0.9·0.2 + 0.1·1 = 0.28, m̂ = 1.4736842105; v = 0.999·0.004 + 0.001·1 = 0.004996,
     *       v̂ = 0.004996/0.001999 = 2.4992496248, √v̂ = 1.5809015...
     *       p = 0.3950000005·0.99 − 0.1·1.4736842105/1.5809015 = 0.391050000495 − 0.0932179633 = 0.2978320372
     * Step 3 (bias corrections 0.271 and 0.002997001):
     *   [0] m = 0.9·(−0.005) + 0.1·0.25 = 0.0205, m̂ = 0.0756457565
     *       v = 0.999·0.00049975 + 0.001·0.0625 = 0.00056175025, v̂ = 0.1874374583, √v̂ = 0.4329405...
     *       p = 0.88636315977·0.99 − 0.1·0.0756457565/0.4329405 = 0.87749952817 − 0.0174725530 = 0.8600269752
     *   [1] p = −1.9602·0.99 = −1.940598
     *   [2] m = 0.9·0.28 − 0.3 = −0.048, m̂ = −0.1771217712; v = 0.999·0.004996 + 0.001·9 = 0.013991004,
     *       v̂ = 4.6683347787, √v̂ = 2.1606329...
     *       p = 0.2978320372·0.99 + 0.1·0.1771217712/2.1606329 = 0.2948537168 + 0.0081976797 = 0.3030513966
     */
    @Test
    void followsTheHandComputedTorchTrajectory() {
        NDArray p = Grads.leaf(manager, 1f, -2f, 0.5f);
        float[][] grads = {{0.5f, 0f, 2f}, {-0.5f, 0f, 1f}, {0.25f, 0f, -3f}};
        double[][] expected = {
                {0.890000002, -1.98, 0.3950000005},
                {0.88636315977, -1.9602, 0.2978320372},
                {0.8600269752, -1.940598, 0.3030513966}};
        try (AdamW adamW = new AdamW(List.of(p), HAND)) {
            for (int t = 0; t < 3; t++) {
                Grads.set(manager, List.of(p), grads[t]);
                adamW.step(0.1);
                assertThat(adamW.stepCount()).isEqualTo(t + 1);
                assertClose(p.toFloatArray(), expected[t], 1e-6);
                assertThat(Grads.of(p)).containsExactly(0f, 0f, 0f);
            }
        }
    }

    /*
     * A large ε tells torch's convention from DJL's. p0 = 0, g = 1, lr = 1, no decay, β2 = 0.999, ε = 0.1, step 1:
     *   torch (ε after the bias correction): m̂ = 1, √v̂ = 1, update = 1/(1 + 0.1) = 0.909090909
     *   DJL (ε on the raw √v): √(1−β2)/(1−β1) · m/(√v + ε) = 0.0316228/0.1 · 0.1/(0.0316228 + 0.1) = 0.2402531
     */
    @Test
    void addsEpsilonAfterTheBiasCorrectionLikeTorch() {
        NDArray p = Grads.leaf(manager, 0f);
        Grads.set(manager, List.of(p), new float[] {1f});
        try (AdamW adamW = new AdamW(List.of(p), new AdamW.Config(0.9, 0.999, 0.1, 0))) {
            adamW.step(1.0);
        }
        assertClose(p.toFloatArray(), new double[] {-0.909090909}, 1e-6);
    }

    @Test
    void matchesAPureJavaDoubleReferenceOverManySteps() {
        Random random = new Random(7);
        NDArray a = manager.randomNormal(new Shape(4, 5));
        NDArray b = manager.randomNormal(new Shape(7));
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
        List<NDArray> params = List.of(a, b);
        AdamW.Config config = new AdamW.Config(0.8, 0.99, 1e-6, 0.05);
        Reference ref = new Reference(config, a.toFloatArray(), b.toFloatArray());
        LrSchedule schedule = new LrSchedule(LrSchedule.Kind.COSINE, 0.05, 3, 25, 0.1);
        try (AdamW adamW = new AdamW(params, config)) {
            for (int step = 1; step <= 25; step++) {
                float[][] grads = {gaussian(random, 20, 2), gaussian(random, 7, 0.01)};
                Grads.set(manager, params, grads);
                adamW.step(schedule.lr(step));
                ref.step(schedule.lr(step), grads);
            }
            assertClose(a.toFloatArray(), ref.params[0], 2e-5);
            assertClose(b.toFloatArray(), ref.params[1], 2e-5);
        }
    }

    @Test
    void savedStateResumesExactlyWhereTheRunWas(@TempDir Path dir) throws IOException {
        float[][] g = {{0.3f, -1f}, {2f, 0.5f}, {-0.7f, 0.1f}};
        NDArray straight = Grads.leaf(manager, 1f, 2f);
        try (AdamW adamW = new AdamW(List.of(straight), AdamW.Config.defaults())) {
            for (float[] grad : g) {
                Grads.set(manager, List.of(straight), grad);
                adamW.step(0.01);
            }
        }

        NDArray first = Grads.leaf(manager, 1f, 2f);
        Path file = dir.resolve("optimizer.safetensors");
        try (AdamW adamW = new AdamW(List.of(first), AdamW.Config.defaults())) {
            for (int t = 0; t < 2; t++) {
                Grads.set(manager, List.of(first), g[t]);
                adamW.step(0.01);
            }
            adamW.save(file);
        }
        NDArray resumed = Grads.leaf(manager, first.toFloatArray());
        try (AdamW adamW = new AdamW(List.of(resumed), AdamW.Config.defaults())) {
            adamW.load(file);
            assertThat(adamW.stepCount()).isEqualTo(2);
            Grads.set(manager, List.of(resumed), g[2]);
            adamW.step(0.01);
        }
        assertThat(resumed.toFloatArray()).containsExactly(straight.toFloatArray());
    }

    @Test
    void stateNamesTheMomentsPerParameter() {
        NDArray a = Grads.leaf(manager, 1f, 2f);
        NDArray b = Grads.leaf(manager, 3f);
        try (AdamW adamW = new AdamW(List.of(a, b), HAND)) {
            Grads.set(manager, List.of(a, b), new float[] {1f, -2f}, new float[] {4f});
            adamW.step(0.1);
            AdamW.State state = adamW.state();
            assertThat(state.step()).isEqualTo(1);
            assertThat(state.tensors()).containsOnlyKeys("0.exp_avg", "0.exp_avg_sq", "1.exp_avg", "1.exp_avg_sq");
            assertClose(state.tensors().get("0.exp_avg").toFloatArray(), new double[] {0.1, -0.2}, 1e-7);
            assertClose(state.tensors().get("1.exp_avg_sq").toFloatArray(), new double[] {0.016}, 1e-8);
        }
    }

    @Test
    void loadStateRejectsAStateOfOtherParameters() {
        NDArray a = Grads.leaf(manager, 1f, 2f);
        NDArray other = Grads.leaf(manager, 1f, 2f, 3f);
        try (AdamW small = new AdamW(List.of(a), HAND); AdamW big = new AdamW(List.of(other), HAND)) {
            assertThatThrownBy(() -> small.loadState(big.state()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0.exp_avg has shape (3)")
                    .hasMessageContaining("expected (2)");
            try (AdamW two = new AdamW(List.of(a, Grads.leaf(manager, 1f)), HAND)) {
                assertThatThrownBy(() -> small.loadState(two.state()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("expected [0.exp_avg, 0.exp_avg_sq]");
            }
        }
    }

    @Test
    void stepsEvenWhileACollectorHasGradModeOn() {
        NDArray p = Grads.leaf(manager, 1f);
        Grads.set(manager, List.of(p), new float[] {1f});
        try (AdamW adamW = new AdamW(List.of(p), HAND);
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            adamW.step(0.1);
        }
        assertClose(p.toFloatArray(), new double[] {0.99 - 0.1}, 1e-6);
    }

    @Test
    void rejectsBadParametersAndSettings() {
        NDArray frozen = manager.create(new float[] {1f});
        assertThatThrownBy(() -> new AdamW(List.of(frozen), HAND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not require a gradient");
        assertThatThrownBy(() -> new AdamW(List.of(), HAND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no parameters");
        assertThatThrownBy(() -> new AdamW.Config(1.0, 0.999, 1e-8, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta1 is 1.0");
        assertThatThrownBy(() -> new AdamW.Config(0.9, 0.999, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eps is 0.0");
        assertThatThrownBy(() -> new AdamW.Config(0.9, 0.999, 1e-8, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weightDecay is -1.0");
        try (AdamW adamW = new AdamW(List.of(Grads.leaf(manager, 1f)), HAND)) {
            assertThatThrownBy(() -> adamW.step(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** torch.optim.AdamW in doubles, written independently of the NDArray code. */
    private static final class Reference {
        final AdamW.Config c;
        final double[][] params;
        final double[][] m;
        final double[][] v;
        int t;

        Reference(AdamW.Config c, float[]... initial) {
            this.c = c;
            params = new double[initial.length][];
            m = new double[initial.length][];
            v = new double[initial.length][];
            for (int i = 0; i < initial.length; i++) {
                params[i] = new double[initial[i].length];
                for (int j = 0; j < initial[i].length; j++) {
                    params[i][j] = initial[i][j];
                }
                m[i] = new double[initial[i].length];
                v[i] = new double[initial[i].length];
            }
        }

        void step(double lr, float[][] grads) {
            t++;
            for (int i = 0; i < params.length; i++) {
                for (int j = 0; j < params[i].length; j++) {
                    double g = grads[i][j];
                    params[i][j] *= 1 - lr * c.weightDecay();
                    m[i][j] = c.beta1() * m[i][j] + (1 - c.beta1()) * g;
                    v[i][j] = c.beta2() * v[i][j] + (1 - c.beta2()) * g * g;
                    double mHat = m[i][j] / (1 - Math.pow(c.beta1(), t));
                    double vHat = v[i][j] / (1 - Math.pow(c.beta2(), t));
                    params[i][j] -= lr * mHat / (Math.sqrt(vHat) + c.eps());
                }
            }
        }
    }

    private static float[] gaussian(Random random, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextGaussian() * scale);
        }
        return out;
    }

    static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }
}
