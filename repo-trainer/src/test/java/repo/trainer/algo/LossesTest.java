package repo.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LossesTest {

    private static final double LN2 = Math.log(2);

    @Test
    void bradleyTerryIsMinusLogSigmoidOfTheRewardGap() {
        // equal rewards: −log σ(0) = log 2 = 0.69314718
        assertThat(Losses.bradleyTerry(1.5, 1.5)).isCloseTo(LN2, within(1e-15));
        // gap 2: −log σ(2) = log(1 + e^−2) = log(1.13533528) = 0.12692801
        assertThat(Losses.bradleyTerry(3, 1)).isCloseTo(0.12692801104297, within(1e-12));
        // gap −2: log(1 + e^2) = log(8.3890561) = 2.12692801 (= 2 + the above)
        assertThat(Losses.bradleyTerry(1, 3)).isCloseTo(2.12692801104297, within(1e-12));
        assertThat(Losses.bradleyTerry(new double[] {3, 1}, new double[] {1, 3}))
                .containsExactly(new double[] {0.12692801104297, 2.12692801104297}, within(1e-12));
    }

    @Test
    void bradleyTerryIsStableForHugeGaps() {
        // gap −1000: log(1 + e^1000) = 1000 + log(1 + e^−1000) = 1000 (a naive form overflows to ∞)
        assertThat(Losses.bradleyTerry(0, 1000)).isEqualTo(1000.0);
        // gap 40: log(1 + e^−40) ≈ e^−40 = 4.248354e-18 (a naive form rounds to 0)
        assertThat(Losses.bradleyTerry(40, 0)).isCloseTo(4.248354255291589e-18, within(1e-30));
        assertThat(Losses.logSigmoid(-800)).isEqualTo(-800.0);
    }

    /*
     * β = 0.1, three pairs (policy chosen, policy rejected, ref chosen, ref rejected):
     *   pair 0: (−10, −12, −11, −11): chosen reward 0.1·(−10 + 11) = 0.1, rejected 0.1·(−12 + 11) = −0.1,
     *           margin 0.2, loss = log(1 + e^−0.2) = log(1.81873075) = 0.59813887, accuracy 1
     *   pair 1: (−5, −5, −5, −5): all 0, margin 0, loss log 2 = 0.69314718, accuracy 0 (not strictly greater)
     *   pair 2: (−20, −8, −18, −9): chosen 0.1·(−2) = −0.2, rejected 0.1·(1) = 0.1, margin −0.3,
     *           loss = log(1 + e^0.3) = log(2.34985881) = 0.85435524, accuracy 0
     *   means: loss 0.71521376, margin −0.03333333, accuracy 1/3
     */
    @Test
    void dpoMatchesHandValues() {
        Losses.Dpo dpo = Losses.dpo(new double[] {-10, -5, -20}, new double[] {-12, -5, -8},
                new double[] {-11, -5, -18}, new double[] {-11, -5, -9}, 0.1);

        assertThat(dpo.chosenReward()).containsExactly(new double[] {0.1, 0, -0.2}, within(1e-12));
        assertThat(dpo.rejectedReward()).containsExactly(new double[] {-0.1, 0, 0.1}, within(1e-12));
        assertThat(dpo.margin()).containsExactly(new double[] {0.2, 0, -0.3}, within(1e-12));
        assertThat(dpo.loss()).containsExactly(new double[] {0.59813887, LN2, 0.85435524}, within(1e-8));
        assertThat(dpo.accuracy()).containsExactly(1, 0, 0);
        assertThat(dpo.meanLoss()).isCloseTo(0.71521376, within(1e-8));
        assertThat(dpo.meanMargin()).isCloseTo(-0.1 / 3, within(1e-12));
        assertThat(dpo.meanAccuracy()).isCloseTo(1.0 / 3, within(1e-15));
    }

    @Test
    void dpoWithPolicyEqualToReferenceIsLogTwo() {
        double[] logp = {-3, -7};
        Losses.Dpo dpo = Losses.dpo(logp, new double[] {-1, -9}, logp, new double[] {-1, -9}, 0.5);
        assertThat(dpo.loss()).containsExactly(new double[] {LN2, LN2}, within(1e-15));
    }

    @Test
    void rejectsMismatchedLengthsAndBadBeta() {
        double[] one = {1};
        assertThatThrownBy(() -> Losses.dpo(one, new double[] {1, 2}, one, one, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length 1 and 2");
        assertThatThrownBy(() -> Losses.dpo(one, one, one, one, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta is 0.0");
        assertThatThrownBy(() -> Losses.bradleyTerry(one, new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
