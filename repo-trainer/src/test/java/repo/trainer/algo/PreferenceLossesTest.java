package repo.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/** The trainers' tensor losses equal the double-precision reference {@link Losses} (itself checked by hand in LossesTest). */
class PreferenceLossesTest {

    @Test
    void dpoTensorLossEqualsTheReference() {
        double[] pc = {-10, -5, -20, -3.25}, pr = {-12, -5, -8, -40}, rc = {-11, -5, -18, -3}, rr = {-11, -5, -9, -1};
        Losses.Dpo want = Losses.dpo(pc, pr, rc, rr, 0.1);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray policy = m.create(concat(pc, pr)).toType(DataType.FLOAT32, false);
            NDArray reference = m.create(concat(rc, rr)).toType(DataType.FLOAT32, false);
            NDArray margins = PreferenceLosses.dpoMargins(policy, reference, 0.1f);
            assertThat(toDouble(margins)).containsExactly(want.margin(), within(1e-6));
            assertThat(toDouble(PreferenceLosses.negLogSigmoid(margins))).containsExactly(want.loss(), within(1e-6));
        }
    }

    @Test
    void bradleyTerryTensorLossEqualsTheReferenceAlsoForHugeGaps() {
        double[] chosen = {3, 1, 1.5, 0, 40}, rejected = {1, 3, 1.5, 1000, 0};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray got = PreferenceLosses.bradleyTerry(m.create(chosen).toType(DataType.FLOAT32, false),
                    m.create(rejected).toType(DataType.FLOAT32, false));
            assertThat(toDouble(got)).containsExactly(Losses.bradleyTerry(chosen, rejected), within(1e-6));
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] toDouble(NDArray x) {
        return x.toType(DataType.FLOAT64, false).toDoubleArray();
    }
}
