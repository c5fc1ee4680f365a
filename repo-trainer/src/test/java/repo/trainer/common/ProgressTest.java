package repo.trainer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String[] lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toArray(String[]::new);
    }

    @Test
    void linesModePrintsEveryNStepsAndTheLastWithEta() {
        AtomicLong nanos = new AtomicLong();
        try (Progress progress = Progress.start("sft", 10, 0, Progress.Options.lines(4, out), nanos::get)) {
            assertThat(progress.isBar()).isFalse();
            for (int step = 1; step <= 10; step++) {
                nanos.addAndGet(2_000_000_000L); // 2 s per step
                progress.update(step, "loss 0.5");
            }
        }
        assertThat(lines()).containsExactly(
                "sft: step 4/10 (40.0%) loss 0.5 elapsed 0:00:08 eta 0:00:12",
                "sft: step 8/10 (80.0%) loss 0.5 elapsed 0:00:16 eta 0:00:04",
                "sft: step 10/10 (100.0%) loss 0.5 elapsed 0:00:20 eta 0:00:00");
    }

    @Test
    void aResumedRunCountsFromItsStartStepForTheEta() {
        AtomicLong nanos = new AtomicLong();
        try (Progress progress = Progress.start("dpo", 100, 90, Progress.Options.lines(5, out), nanos::get)) {
            nanos.set(10_000_000_000L);
            progress.update(95, "");
        }
        // 5 steps in 10 s since the resume: 5 left → 10 s
        assertThat(lines()).containsExactly("dpo: step 95/100 (95.0%) elapsed 0:00:10 eta 0:00:10");
    }

    @Test
    void autoModeOffATerminalFallsBackToLines() {
        // surefire's forked JVM has no console
        try (Progress progress = Progress.start("x", 3, 0, new Progress.Options(Progress.Mode.AUTO, 1, out))) {
            assertThat(progress.isBar()).isEqualTo(System.console() != null);
            progress.update(1, "loss 1");
        }
        if (System.console() == null) {
            assertThat(lines()).hasSize(1);
            assertThat(lines()[0]).startsWith("x: step 1/3 (33.3%) loss 1 elapsed 0:00:00");
        }
    }

    @Test
    void barModeDrawsTheTaskStepAndMessage() {
        try (Progress progress = Progress.start("grpo", 4, 0, new Progress.Options(Progress.Mode.BAR, 1, out))) {
            assertThat(progress.isBar()).isTrue();
            progress.update(3, "reward 0.9");
        }
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertThat(drawn).contains("grpo").contains("3/4").contains("reward 0.9");
    }

    @Test
    void rejectsBadRanges() {
        assertThatThrownBy(() -> Progress.start("x", 0, 0, Progress.Options.lines(1, out)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Progress.start("x", 5, 6, Progress.Options.lines(1, out)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Progress.Options.lines(0, out)).isInstanceOf(IllegalArgumentException.class);
    }
}
