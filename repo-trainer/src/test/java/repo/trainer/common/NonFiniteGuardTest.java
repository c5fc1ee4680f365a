package repo.trainer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A skipped update is printed with the step and the first non-finite tensor, counted, and K in a row stop the run. */
class NonFiniteGuardTest {
    @Test
    void namesTheTensorCountsAndStopsAfterKInARow() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        NonFiniteGuard guard = new NonFiniteGuard(2, new PrintStream(console, true, StandardCharsets.UTF_8));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ok = m.create(new float[] {1, 2});
            NDArray bad = m.create(new float[] {3, 4, 5});
            bad.setName("lora_B");
            ok.setRequiresGradient(true);
            bad.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(ok.sum().add(bad.mul(Float.POSITIVE_INFINITY).sum()));
            }
            List<NDArray> params = List.of(ok, bad);
            double norm = GradClip.globalNorm(params);
            assertThat(norm).isInfinite();

            assertThat(guard.endStep(1, Map.of("x", 1.0))).containsEntry(NonFiniteGuard.METRIC, 0.0).containsEntry("x", 1.0);
            guard.skipped("policy", params, norm);
            assertThat(guard.endStep(2, Map.of())).containsEntry(NonFiniteGuard.METRIC, 1.0);
            assertThat(console.toString(StandardCharsets.UTF_8)).isEqualTo(
                    "step 2: non-finite gradient (global norm Infinity) in policy, first at tensor #1 (lora_B, shape (3)); update skipped\n");
            guard.skipped("critic", params, norm);
            guard.skipped("policy", params, norm);
            assertThatThrownBy(() -> guard.endStep(3, Map.of())).isInstanceOf(IllegalStateException.class).hasMessage(
                    "step 3: 2 steps in a row had non-finite gradients (train.max_nonfinite_in_a_row = 2); the run stops here, its last "
                            + "checkpoint is intact");
        }
    }

    @Test
    void aFiniteStepResetsTheRun() {
        NonFiniteGuard guard = new NonFiniteGuard(2, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1});
            p.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(p.mul(Float.NaN).sum());
            }
            for (int step = 1; step <= 6; step++) {
                if (step % 2 == 1) {
                    guard.skipped("policy", List.of(p), Double.NaN);
                }
                assertThat(guard.endStep(step, Map.of())).containsEntry(NonFiniteGuard.METRIC, step % 2 == 1 ? 1.0 : 0.0);
            }
        }
    }
}
