package repo.trainer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GradClipTest {

    private NDManager manager;
    private NDArray a;
    private NDArray b;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        a = Grads.leaf(manager, 0f, 0f);
        b = Grads.leaf(manager, 0f);
        // gradients [3, 0] and [4]: the global norm is √(9 + 0 + 16) = 5, though each alone is at most 4
        Grads.set(manager, List.of(a, b), new float[] {3f, 0f}, new float[] {4f});
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void scalesAllGradientsByMaxOverNormWhenAbove() {
        double norm = GradClip.clipGlobalNorm(List.of(a, b), 1.0);

        assertThat(norm).isCloseTo(5.0, within(1e-6));
        // each gradient times 1/5: [0.6, 0] and [0.8], whose global norm is exactly 1
        assertThat(Grads.of(a)).containsExactly(0.6f, 0f);
        assertThat(Grads.of(b)).containsExactly(0.8f);
        assertThat(GradClip.globalNorm(List.of(a, b))).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void leavesGradientsUntouchedAtOrBelowMax() {
        assertThat(GradClip.clipGlobalNorm(List.of(a, b), 10.0)).isCloseTo(5.0, within(1e-6));
        assertThat(GradClip.clipGlobalNorm(List.of(a, b), 5.0)).isCloseTo(5.0, within(1e-6));

        assertThat(Grads.of(a)).containsExactly(3f, 0f);
        assertThat(Grads.of(b)).containsExactly(4f);
    }

    @Test
    void normCoversEveryParameterNotJustTheLargest() {
        assertThat(GradClip.clipGlobalNorm(List.of(b), 100)).isCloseTo(4.0, within(1e-6));
        assertThat(GradClip.clipGlobalNorm(List.of(a), 100)).isCloseTo(3.0, within(1e-6));
    }

    @Test
    void nonFiniteNormIsReportedAndNothingIsScaled() {
        NDArray c = Grads.leaf(manager, 0f);
        Grads.set(manager, List.of(c), new float[] {Float.NaN});

        assertThat(GradClip.clipGlobalNorm(List.of(a, b, c), 1.0)).isNaN();
        assertThat(Grads.of(a)).containsExactly(3f, 0f);
    }

    @Test
    void rejectsNonPositiveMaxAndFrozenArrays() {
        assertThatThrownBy(() -> GradClip.clipGlobalNorm(List.of(a), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxNorm is 0.0");
        NDArray frozen = manager.create(new float[] {1f});
        assertThatThrownBy(() -> GradClip.clipGlobalNorm(List.of(a, frozen), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 1 has no gradient");
    }
}
