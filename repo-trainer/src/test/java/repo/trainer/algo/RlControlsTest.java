package repo.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import repo.core.model.ChunkedLogProbs;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;
import repo.trainer.algo.PolicyLoss.Aggregation;
import repo.trainer.algo.PolicyLoss.Clip;
import repo.trainer.algo.RewardShaping.Overlong;

/** The PPO/GRPO controls (temperature, clip-higher, dual clip, aggregation, KL control, reward shaping) on hand-worked values. */
class RlControlsTest {
    static final double EPS = 1e-9;

    @Test
    void logProbsUnderTemperatureAreLogSoftmaxOfScaledLogits() {
        // logits [1,2,3], T 0.5 -> [2,4,6]; log Z = 6 + ln(1 + e^−2 + e^−4) = 6 + ln 1.15365092 = 6.14293163
        double[] expected = {2 - 6.142931628, 4 - 6.142931628, 6 - 6.142931628};
        assertThat(PolicyLoss.logProbs(new double[] {1, 2, 3}, 0.5)).containsExactly(expected, within(1e-8));
        // T 2 -> [0.5,1,1.5]; log Z = 1.5 + ln(1 + e^−0.5 + e^−1) = 1.5 + 0.68026967 = 2.18026967
        assertThat(PolicyLoss.logProbs(new double[] {1, 2, 3}, 2)).containsExactly(new double[] {-1.68026967, -1.18026967, -0.68026967},
                within(1e-8));
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            // the trainers' computation (ChunkedLogProbs.whole): rows [1,2,3] and [0,0,0], each at three positions whose
            // targets are 0, 1, 2, so the gathered log-probs are the whole rows
            NDArray logits = m.create(new float[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, new Shape(2, 3, 3));
            NDArray targets = m.create(new long[] {0, 1, 2, 0, 1, 2}, new Shape(2, 3));
            ChunkedLogProbs.Result r = ChunkedLogProbs.whole(logits, targets, 0.5, true);
            float[] got = r.logProbs().toFloatArray();
            assertThat(java.util.Arrays.copyOf(got, 3)).containsExactly(toFloat(expected), within(1e-6f));
            assertThat(java.util.Arrays.copyOfRange(got, 3, 6)).containsExactly(toFloat(new double[] {-Math.log(3), -Math.log(3), -Math.log(3)}),
                    within(1e-6f));
            assertThat(ChunkedLogProbs.whole(logits, targets, 1.0, false).logProbs().toFloatArray())
                    .containsExactly(logits.logSoftmax(-1).get(new ai.djl.ndarray.index.NDIndex("0, 0")).toFloatArray()[0],
                            logits.logSoftmax(-1).get(new ai.djl.ndarray.index.NDIndex("0, 1")).toFloatArray()[1],
                            logits.logSoftmax(-1).get(new ai.djl.ndarray.index.NDIndex("0, 2")).toFloatArray()[2],
                            (float) -Math.log(3), (float) -Math.log(3), (float) -Math.log(3));
            // entropy at T 0.5 of [1,2,3]: −Σ p ln p with p = e^{lp}
            double h = 0;
            for (double lp : expected) {
                h -= Math.exp(lp) * lp;
            }
            assertThat(r.entropy().getFloat(0, 0)).isCloseTo((float) h, within(1e-6f));
            assertThat(r.entropy().getFloat(1, 0)).isCloseTo((float) Math.log(3), within(1e-6f));
        }
        assertThatThrownBy(() -> PolicyLoss.logProbs(new double[] {1}, 0)).hasMessageContaining("temperature is 0.0");
    }

    @Test
    void samplingFilterKlIsMinusLogOfTheKeptMass() {
        // logits ln[4,3,2,1], T 1: π = [0.4, 0.3, 0.2, 0.1]
        // top-k 2 keeps 0.7 -> −ln 0.7 = 0.3566749; top-p 0.5 keeps 0.4 + 0.3 (mass above the 2nd is 0.4 < 0.5) -> same
        // top-k 3 then top-p 0.8 inside it: renormalised [4/9, 3/9, 2/9], mass above [0, .444, .778] all < 0.8 -> 0.9 -> 0.1053605
        // no filter -> 0
        double[] logits = {Math.log(4), Math.log(3), Math.log(2), Math.log(1)};
        assertThat(PolicyLoss.samplingFilterKl(logits, 1, 2, 1.0)).isCloseTo(0.3566749, within(1e-7));
        assertThat(PolicyLoss.samplingFilterKl(logits, 1, 0, 0.5)).isCloseTo(0.3566749, within(1e-7));
        assertThat(PolicyLoss.samplingFilterKl(logits, 1, 3, 0.8)).isCloseTo(0.1053605, within(1e-7));
        assertThat(PolicyLoss.samplingFilterKl(logits, 1, 0, 1.0)).isCloseTo(0.0, within(1e-12));
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            NDArray row = m.create(toFloat(logits), new Shape(1, 4));
            assertThat(PolicyLoss.samplingFilterKl(row, 1, 2, 1.0).getFloat(0)).isCloseTo(0.3566749f, within(1e-6f));
            assertThat(PolicyLoss.samplingFilterKl(row, 1, 0, 0.5).getFloat(0)).isCloseTo(0.3566749f, within(1e-6f));
            assertThat(PolicyLoss.samplingFilterKl(row, 1, 3, 0.8).getFloat(0)).isCloseTo(0.1053605f, within(1e-6f));
            assertThat(PolicyLoss.samplingFilterKl(row, 1, 0, 1.0).getFloat(0)).isCloseTo(0f, within(1e-6f));
            // temperature 0.5 sharpens first: the array version agrees with the reference
            assertThat(PolicyLoss.samplingFilterKl(row, 0.5, 2, 0.9).getFloat(0))
                    .isCloseTo((float) PolicyLoss.samplingFilterKl(logits, 0.5, 2, 0.9), within(1e-6f));
        }
    }

    @Test
    void clipHigherLetsPositiveAdvantageTokensRiseFurther() {
        // ratios 1.5, 0.5, 1.25; A = 1, −2, 1; ε_low 0.2, ε_high 0.28
        // t1: max(−1.5, −1.28) = −1.28 (clip); t2: max(1.0, 1.6) = 1.6 (clip); t3: max(−1.25, −1.25) = −1.25 (inside 1.28)
        // loss = (−1.28 + 1.6 − 1.25)/3 = −0.31, clip fraction 2/3
        // symmetric 0.2: t3 clips at 1.2 -> (−1.2 + 1.6 − 1.2)/3 = −0.2666667, clip fraction 1
        // approx KL (k3 of old vs new, 1/ρ + ln ρ − 1): 0.0721318, 0.3068528, 0.0231436 -> mean 0.1340427
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            NDArray logp = m.create(new float[] {(float) Math.log(1.5), (float) Math.log(0.5), (float) Math.log(1.25)});
            NDArray old = m.zeros(logp.getShape()), adv = m.create(new float[] {1, -2, 1}), mask = m.ones(logp.getShape());
            PolicyLoss.Result high = PolicyLoss.surrogate(logp, old, adv, mask, new Clip(0.2, 0.28, null), Aggregation.TOKEN_MEAN);
            assertThat(high.loss().getFloat()).isCloseTo(-0.31f, within(1e-6f));
            assertThat(high.clipFraction().getFloat()).isCloseTo(2f / 3, within(1e-6f));
            assertThat(high.dualClipFraction().getFloat()).isEqualTo(0f);
            assertThat(high.approxKl().getFloat()).isCloseTo(0.1340427f, within(1e-6f));
            PolicyLoss.Result sym = PolicyLoss.surrogate(logp, old, adv, mask, Clip.symmetric(0.2), Aggregation.TOKEN_MEAN);
            assertThat(sym.loss().getFloat()).isCloseTo(-0.8f / 3, within(1e-6f));
            assertThat(sym.clipFraction().getFloat()).isCloseTo(1f, within(1e-6f));
            // the symmetric clip equals the existing PPO loss
            assertThat(PpoLosses.policy(logp, old, adv, mask, 0.2f).loss().getFloat()).isCloseTo(sym.loss().getFloat(), within(1e-7f));
        }
    }

    @Test
    void dualClipCapsNegativeAdvantageLossAndItsGradient() {
        // ε 0.2, c 3: t1 ρ 4, A −1: max(4, 1.2) = 4 -> min(4, 3) = 3 (dual clip, no gradient)
        //             t2 ρ 2, A −1: max(2, 1.2) = 2 < 3 (unclipped: d/dlogp (−Aρ)/3 = 2/3)
        //             t3 ρ 4, A +1: max(−4, −1.2) = −1.2 (ratio clip, no gradient; dual clip only acts on A < 0)
        // loss (3 + 2 − 1.2)/3 = 1.2666667; dual clip fraction 1/3; ratio clip fraction 1/3 (t3 only: for t1 the
        // unclipped term is the larger, which is what the dual clip is for)
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            NDArray logp = m.create(new float[] {(float) Math.log(4), (float) Math.log(2), (float) Math.log(4)});
            logp.setRequiresGradient(true);
            NDArray old = m.zeros(logp.getShape()), adv = m.create(new float[] {-1, -1, 1}), mask = m.ones(logp.getShape());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                PolicyLoss.Result r = PolicyLoss.surrogate(logp, old, adv, mask, new Clip(0.2, 0.2, 3.0), Aggregation.TOKEN_MEAN);
                assertThat(r.loss().getFloat()).isCloseTo(3.8f / 3, within(1e-6f));
                assertThat(r.dualClipFraction().getFloat()).isCloseTo(1f / 3, within(1e-6f));
                assertThat(r.clipFraction().getFloat()).isCloseTo(1f / 3, within(1e-6f));
                gc.backward(r.loss());
            }
            assertThat(logp.getGradient().toFloatArray()).containsExactly(new float[] {0f, 2f / 3, 0f}, within(1e-6f));
            // without the dual clip t1 keeps its loss 4: (4 + 2 − 1.2)/3 = 1.6
            assertThat(PolicyLoss.surrogate(logp, old, adv, mask, Clip.symmetric(0.2), Aggregation.TOKEN_MEAN).loss().getFloat())
                    .isCloseTo(1.6f, within(1e-6f));
        }
        assertThatThrownBy(() -> new Clip(0.2, 0.2, 1.0)).hasMessageContaining("dual_clip is 1.0");
        assertThatThrownBy(() -> new Clip(1.0, 0.2, null)).hasMessageContaining("eps_low");
    }

    @Test
    void firstRatioIsExactlyOneWhenLogProbsAgree() {
        // ρ = exp(0) = 1 exactly: loss = −mean(A) = −(1 − 2 + 4)/3 = −1, nothing clipped, approx KL 0
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            NDArray logp = m.create(new float[] {-0.3f, -2.5f, -7.25f});
            PolicyLoss.Result r = PolicyLoss.surrogate(logp, logp.duplicate(), m.create(new float[] {1, -2, 4}), m.ones(logp.getShape()),
                    new Clip(0.2, 0.28, 3.0), Aggregation.TOKEN_MEAN);
            assertThat(r.loss().getFloat()).isEqualTo(-1f);
            assertThat(r.clipFraction().getFloat()).isEqualTo(0f);
            assertThat(r.approxKl().getFloat()).isEqualTo(0f);
        }
    }

    @Test
    void lossAggregationModes() {
        // rows [1,2,3] (3 tokens) and [4] (1 token, 2 padded)
        // token mean: 10/4 = 2.5; seq-mean-token-mean: (2 + 4)/2 = 3; seq-mean-token-sum: (6 + 4)/2 = 5
        double[][] rows = {{1, 2, 3}, {4}};
        assertThat(PolicyLoss.aggregate(rows, Aggregation.TOKEN_MEAN)).isCloseTo(2.5, within(EPS));
        assertThat(PolicyLoss.aggregate(rows, Aggregation.SEQ_MEAN_TOKEN_MEAN)).isCloseTo(3.0, within(EPS));
        assertThat(PolicyLoss.aggregate(rows, Aggregation.SEQ_MEAN_TOKEN_SUM)).isCloseTo(5.0, within(EPS));
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 9, 9}, new Shape(2, 3));
            NDArray mask = m.create(new float[] {1, 1, 1, 1, 0, 0}, new Shape(2, 3));
            assertThat(PolicyLoss.aggregate(x, mask, Aggregation.TOKEN_MEAN).getFloat()).isCloseTo(2.5f, within(1e-6f));
            assertThat(PolicyLoss.aggregate(x, mask, Aggregation.SEQ_MEAN_TOKEN_MEAN).getFloat()).isCloseTo(3f, within(1e-6f));
            assertThat(PolicyLoss.aggregate(x, mask, Aggregation.SEQ_MEAN_TOKEN_SUM).getFloat()).isCloseTo(5f, within(1e-6f));
        }
    }

    @Test
    void adaptiveKlController() {
        // β 0.1, target 6, n 64, horizon 10000
        // kl 9: e = clip(0.5) = 0.2 -> 0.1·(1 + 0.2·64/10000) = 0.100128
        // kl 3: e = clip(−0.5) = −0.2 -> 0.099872;  kl 6.6: e = 0.1 -> 0.100064;  kl 6: unchanged
        assertThat(KlControl.adaptiveBeta(0.1, 9, 6, 64, 10000)).isCloseTo(0.100128, within(EPS));
        assertThat(KlControl.adaptiveBeta(0.1, 3, 6, 64, 10000)).isCloseTo(0.099872, within(EPS));
        assertThat(KlControl.adaptiveBeta(0.1, 6.6, 6, 64, 10000)).isCloseTo(0.100064, within(EPS));
        assertThat(KlControl.adaptiveBeta(0.1, 6, 6, 64, 10000)).isEqualTo(0.1);
        assertThat(KlControl.adaptiveBeta(0.1, Double.NaN, 6, 64, 10000)).isEqualTo(0.1);
        assertThatThrownBy(() -> KlControl.adaptiveBeta(0.1, 1, 0, 64, 10000)).hasMessageContaining("target > 0");
    }

    @Test
    void approxKlEarlyStop() {
        // target 0.01: stop above 1.5·0.01 = 0.015
        assertThat(KlControl.stopEarly(0.016, 0.01)).isTrue();
        assertThat(KlControl.stopEarly(0.015, 0.01)).isFalse();
        assertThat(KlControl.stopEarly(99, null)).isFalse();
    }

    @Test
    void rewardClippingAndOverlongHandling() {
        assertThat(RewardShaping.clip(12, 10.0)).isEqualTo(10);
        assertThat(RewardShaping.clip(-12, 10.0)).isEqualTo(-10);
        assertThat(RewardShaping.clip(-3, null)).isEqualTo(-3);
        assertThatThrownBy(() -> RewardShaping.clip(1, 0.0)).hasMessageContaining("bound is 0.0");
        // truncated, reward 2 clipped to 1.5: as is 1.5; penalty −1 -> 0.5; mask: 1.5 but not trained
        assertThat(RewardShaping.shape(2, true, 1.5, Overlong.AS_IS, -1)).isEqualTo(new RewardShaping.Shaped(1.5, true));
        assertThat(RewardShaping.shape(2, true, 1.5, Overlong.PENALTY, -1)).isEqualTo(new RewardShaping.Shaped(0.5, true));
        assertThat(RewardShaping.shape(2, true, 1.5, Overlong.MASK, -1)).isEqualTo(new RewardShaping.Shaped(1.5, false));
        assertThat(RewardShaping.shape(2, false, 1.5, Overlong.MASK, -1)).isEqualTo(new RewardShaping.Shaped(1.5, true));
        assertThat(RewardShaping.truncationRate(new boolean[] {true, false, false, true})).isEqualTo(0.5);
        assertThat(RewardShaping.truncationRate(new boolean[0])).isNaN();
    }

    @Test
    void dynamicSamplingDropsGroupsWithoutSpread() {
        // [1,1,1] no spread; [0,1,0] spread 1; [0.5] alone; [2, 2 + 1e-7] below tolerance 1e-6
        boolean[] keep = RewardShaping.informativeGroups(List.of(new double[] {1, 1, 1}, new double[] {0, 1, 0}, new double[] {0.5},
                new double[] {2, 2 + 1e-7}), 1e-6);
        assertThat(keep).containsExactly(false, true, false, false);
        assertThat(RewardShaping.droppedShare(keep)).isEqualTo(0.75);
    }

    @Test
    void valueError() {
        // (1−2)² = 1, (2−4)² = 4 -> 2.5
        assertThat(Stats.valueError(new double[] {1, 2}, new double[] {2, 4})).isCloseTo(2.5, within(EPS));
        assertThat(Stats.valueError(new double[0], new double[0])).isNaN();
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
