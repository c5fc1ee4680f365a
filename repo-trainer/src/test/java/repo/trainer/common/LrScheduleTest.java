package repo.trainer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import repo.trainer.common.LrSchedule.Kind;

class LrScheduleTest {

    /*
     * Multipliers of HF's lr_lambda at `step`, peak 1e-3 (so lr = 1e-3 · multiplier):
     *   warm-up 2: step 1 → 1/2.
     *   cosine, warm-up 2, total 10: progress = (step − 2)/8; ½(1 + cos(π·progress)):
     *     step 2 → 1; step 3 → ½(1 + cos(π/8)) = ½(1 + 0.92387953) = 0.96193977; step 6 → ½; step 10 → 0.
     *   with minLrRatio 0.1: 0.1 + 0.9·m: step 6 → 0.55, step 10 → 0.1.
     *   linear, warm-up 2, total 10: 1 − progress: step 6 → ½, step 9 → 1/8, step 10 → 0; minLrRatio 0.2 → step 6
     *     0.2 + 0.8·½ = 0.6, step 10 → 0.2.
     *   constant, warm-up 4: step 1 → ¼, step 3 → ¾, step 4 → 1, step 10 → 1 (minLrRatio ignored).
     *   cosine without warm-up, total 4: progress = step/4: step 1 → ½(1 + cos(π/4)) = 0.85355339, step 2 → ½,
     *     step 4 → 0.
     *   past the end (step 11, 50) the final value stays.
     */
    @ParameterizedTest(name = "{0} warmup {1} total {2} min {3}: lr({4}) = {5}e-3")
    @CsvSource(textBlock = """
            COSINE,   2, 10, 0.0,  1, 0.5
            COSINE,   2, 10, 0.0,  2, 1.0
            COSINE,   2, 10, 0.0,  3, 0.96193977
            COSINE,   2, 10, 0.0,  6, 0.5
            COSINE,   2, 10, 0.0, 10, 0.0
            COSINE,   2, 10, 0.0, 11, 0.0
            COSINE,   2, 10, 0.1,  1, 0.5
            COSINE,   2, 10, 0.1,  6, 0.55
            COSINE,   2, 10, 0.1, 10, 0.1
            COSINE,   2, 10, 0.1, 50, 0.1
            LINEAR,   2, 10, 0.0,  1, 0.5
            LINEAR,   2, 10, 0.0,  6, 0.5
            LINEAR,   2, 10, 0.0,  9, 0.125
            LINEAR,   2, 10, 0.0, 10, 0.0
            LINEAR,   2, 10, 0.2,  6, 0.6
            LINEAR,   2, 10, 0.2, 10, 0.2
            CONSTANT, 4, 10, 0.5,  1, 0.25
            CONSTANT, 4, 10, 0.5,  3, 0.75
            CONSTANT, 4, 10, 0.5,  4, 1.0
            CONSTANT, 4, 10, 0.5, 10, 1.0
            COSINE,   0,  4, 0.0,  1, 0.85355339
            COSINE,   0,  4, 0.0,  2, 0.5
            COSINE,   0,  4, 0.0,  4, 0.0
            LINEAR,   3,  3, 0.0,  3, 1.0
            """)
    void matchesHandValues(Kind kind, int warmup, int total, double minRatio, int step, double multiplier) {
        LrSchedule schedule = new LrSchedule(kind, 1e-3, warmup, total, minRatio);

        assertThat(schedule.lr(step)).isCloseTo(1e-3 * multiplier, within(1e-11));
    }

    @Test
    void warmupRisesLinearlyFromZeroAndPeaksAtTheLastWarmupStep() {
        LrSchedule schedule = new LrSchedule(Kind.COSINE, 1e-3, 10, 100, 0);
        for (int step = 1; step <= 10; step++) {
            assertThat(schedule.lr(step)).isCloseTo(1e-4 * step, within(1e-12));
        }
        for (int step = 11; step <= 100; step++) {
            assertThat(schedule.lr(step)).isLessThan(schedule.lr(step - 1));
        }
    }

    @Test
    void rejectsInvalidSettingsAndSteps() {
        assertThatThrownBy(() -> new LrSchedule(Kind.COSINE, 0, 0, 10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peakLr is 0.0");
        assertThatThrownBy(() -> new LrSchedule(Kind.COSINE, 1, 11, 10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warmupSteps is 11");
        assertThatThrownBy(() -> new LrSchedule(Kind.COSINE, 1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("totalSteps is 0");
        assertThatThrownBy(() -> new LrSchedule(Kind.LINEAR, 1, 0, 10, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minLrRatio is 1.5");
        assertThatThrownBy(() -> new LrSchedule(null, 1, 0, 10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind is null");
        assertThatThrownBy(() -> LrSchedule.constant(1, 10).lr(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counted from 1");
    }
}
