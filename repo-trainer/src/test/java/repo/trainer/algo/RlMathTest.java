package repo.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Every RL formula against values worked out by hand (the arithmetic is in the comments). */
class RlMathTest {
    static final double EPS = 1e-9;

    @Test
    void gaeGammaOneLambda095() {
        // rewards [0,0,1], values [0.5,0.6,0.7]
        // t2: δ = 1 − 0.7 = 0.3;            A = 0.3
        // t1: δ = 0.7 − 0.6 = 0.1;          A = 0.1 + 0.95·0.3 = 0.385
        // t0: δ = 0.6 − 0.5 = 0.1;          A = 0.1 + 0.95·0.385 = 0.46575
        Gae.Result r = Gae.compute(new double[] {0, 0, 1}, new double[] {0.5, 0.6, 0.7}, 1.0, 0.95);
        assertThat(r.advantages()).containsExactly(new double[] {0.46575, 0.385, 0.3}, within(EPS));
        assertThat(r.returns()).containsExactly(new double[] {0.96575, 0.985, 1.0}, within(EPS));
    }

    @Test
    void gaeWithDiscount() {
        // γ 0.9, λ 0.5: t2 δ=0.3 A=0.3; t1 δ=0.9·0.7−0.6=0.03 A=0.03+0.45·0.3=0.165; t0 δ=0.9·0.6−0.5=0.04 A=0.04+0.45·0.165=0.11425
        Gae.Result r = Gae.compute(new double[] {0, 0, 1}, new double[] {0.5, 0.6, 0.7}, 0.9, 0.5);
        assertThat(r.advantages()).containsExactly(new double[] {0.11425, 0.165, 0.3}, within(EPS));
    }

    @Test
    void gaeLambdaOneIsMonteCarlo() {
        // λ = γ = 1: A_t = R − V_t
        Gae.Result r = Gae.compute(Gae.terminalRewards(3, 1.0, null), new double[] {0.5, 0.6, 0.7}, 1.0, 1.0);
        assertThat(r.advantages()).containsExactly(new double[] {0.5, 0.4, 0.3}, within(EPS));
        assertThat(Gae.terminalRewards(3, 2.0, new double[] {-0.1, -0.2, -0.3})).containsExactly(new double[] {-0.1, -0.2, 1.7}, within(EPS));
        assertThatThrownBy(() -> Gae.compute(new double[2], new double[3], 1, 1)).hasMessageContaining("differ in length");
    }

    @Test
    void whitening() {
        // [1,2,3,4]: mean 2.5, unbiased var 5/3, std 1.2909944
        assertThat(Stats.whiten(new double[] {1, 2, 3, 4}, true))
                .containsExactly(new double[] {-1.161895, -0.387298, 0.387298, 1.161895}, within(1e-6));
        assertThat(Stats.whiten(new double[] {1, 2, 3, 4}, false))
                .containsExactly(new double[] {1.338105, 2.112702, 2.887298, 3.661895}, within(1e-6));
    }

    @Test
    void groupNormalization() {
        // group [1,2,3]: mean 2, std 1 -> ±1/1.0001; group [0,0,6]: mean 2, std √12 = 3.4641016
        double[] a = Stats.groupNormalize(new double[] {1, 2, 3, 0, 0, 6}, 3, true);
        assertThat(a).containsExactly(new double[] {-1 / 1.0001, 0, 1 / 1.0001, -2 / 3.4642016, -2 / 3.4642016, 4 / 3.4642016}, within(1e-6));
        assertThat(Stats.groupNormalize(new double[] {1, 2, 3, 0, 0, 6}, 3, false)).containsExactly(new double[] {-1, 0, 1, -2, -2, 4}, within(EPS));
        assertThat(Stats.groupNormalize(new double[] {5, 5}, 2, true)).containsExactly(new double[] {0, 0}, within(EPS));
        assertThatThrownBy(() -> Stats.groupNormalize(new double[5], 2, true)).hasMessageContaining("must divide");
    }

    @Test
    void explainedVariance() {
        // diff [0,0,1]: var 1/3; returns [1,2,4]: var 7/3 -> 1 − 1/7
        assertThat(Stats.explainedVariance(new double[] {1, 2, 3}, new double[] {1, 2, 4})).isCloseTo(6.0 / 7, within(EPS));
    }

    @Test
    void klEstimators() {
        // logp −1, ref −1.5: d = −0.5; k1 = 0.5; k3 = e^−0.5 + 0.5 − 1 = 0.10653066
        assertThat(Kl.estimate(Kl.Estimator.K1, -1.0, -1.5)).isCloseTo(0.5, within(EPS));
        assertThat(Kl.estimate(Kl.Estimator.K3, -1.0, -1.5)).isCloseTo(0.10653066, within(1e-8));
        assertThat(Kl.estimate(Kl.Estimator.K3, -2.0, -2.0)).isEqualTo(0.0);
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            NDArray k3 = Kl.estimate(Kl.Estimator.K3, m.create(new float[] {-1f, -2f}), m.create(new float[] {-1.5f, -2f}));
            assertThat(k3.toFloatArray()).containsExactly(new float[] {0.10653066f, 0f}, within(1e-6f));
        }
    }

    @Test
    void clippedPolicyLossAndItsGradient() {
        // ratios 1.5, 0.5, 1.1; A = 1, −2, 3; ε 0.2
        // t1: max(−1.5, −1.2) = −1.2 (clip binds); t2: max(1.0, 1.6) = 1.6 (binds); t3: max(−3.3, −3.3) = −3.3
        // loss = (−1.2 + 1.6 − 3.3) / 3 = −0.9666667; clip fraction 2/3
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            NDArray logp = m.create(new float[] {(float) Math.log(1.5), (float) Math.log(0.5), (float) Math.log(1.1)});
            logp.setRequiresGradient(true);
            NDArray old = m.zeros(logp.getShape()), adv = m.create(new float[] {1, -2, 3}), mask = m.ones(logp.getShape());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                PpoLosses.Clipped out = PpoLosses.policy(logp, old, adv, mask, 0.2f);
                assertThat(out.loss().getFloat()).isCloseTo(-0.9666667f, within(1e-6f));
                assertThat(out.clipFraction().getFloat()).isCloseTo(2f / 3, within(1e-6f));
                gc.backward(out.loss());
            }
            // only t3 is unclipped: d/dlogp (−A·ρ)/3 = −3·1.1/3 = −1.1
            try (NDArray g = logp.getGradient()) {
                assertThat(g.toFloatArray()).containsExactly(new float[] {0f, 0f, -1.1f}, within(1e-6f));
            }
            PpoLosses.Clipped masked = PpoLosses.policy(logp, old, adv, m.create(new float[] {1, 1, 0}), 0.2f);
            assertThat(masked.loss().getFloat()).isCloseTo(0.2f, within(1e-6f)); // (−1.2 + 1.6) / 2
            assertThat(masked.clipFraction().getFloat()).isCloseTo(1f, within(1e-6f));
        }
    }

    @Test
    void clippedValueLoss() {
        // t1: (1−2)² = 1; clipped V = 0.5 + 0.2 = 0.7 -> 1.69; max 1.69
        // t2: (2−1)² = 1; clipped V = 2.0 -> 1; max 1     loss = ½·(1.69 + 1)/2 = 0.6725; clip fraction ½
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            PpoLosses.Clipped out = PpoLosses.value(m.create(new float[] {1f, 2f}), m.create(new float[] {0.5f, 2f}),
                    m.create(new float[] {2f, 1f}), m.ones(new ai.djl.ndarray.types.Shape(2)), 0.2f);
            assertThat(out.loss().getFloat()).isCloseTo(0.6725f, within(1e-6f));
            assertThat(out.clipFraction().getFloat()).isCloseTo(0.5f, within(1e-6f));
        }
    }

    @Test
    void entropy() {
        // uniform over 2: ln 2; probs [¼, ¾]: −(¼ ln ¼ + ¾ ln ¾) = 0.5623351
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            NDArray logits = m.create(new float[] {0f, 0f, 0f, (float) Math.log(3)}, new ai.djl.ndarray.types.Shape(2, 2));
            assertThat(PpoLosses.entropy(logits).toFloatArray()).containsExactly(new float[] {0.6931472f, 0.5623351f}, within(1e-6f));
        }
    }
}
