package repo.trainer.common;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: a console bar with ETA and an extra message (such as the loss) on a terminal, or plain log
 * lines every few steps elsewhere (a redirected stdout, CI, tests).
 *
 * <pre>{@code
 * try (Progress progress = Progress.start("sft", totalSteps, resumedStep, Progress.Options.auto())) {
 *     for (int step = resumedStep + 1; step <= totalSteps; step++) {
 *         ...
 *         progress.update(step, String.format("loss %.4f", loss));
 *     }
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {

    /** How progress is shown. */
    public enum Mode {
        /** {@link #BAR} when the JVM has a console (stdin and stdout are a terminal), otherwise {@link #LINES}. */
        AUTO,
        /** Always the progress bar. */
        BAR,
        /** One plain line every {@code logEvery} steps, and one for the last step. */
        LINES
    }

    /**
     * Display settings.
     *
     * @param mode how to show progress
     * @param logEvery in {@link Mode#LINES}, print a line every this many steps, {@code ≥ 1}
     * @param out where to print
     */
    public record Options(Mode mode, int logEvery, PrintStream out) {
        /** Checks the settings. */
        public Options {
            if (mode == null || out == null) {
                throw new IllegalArgumentException("mode and out must be given");
            }
            if (logEvery < 1) {
                throw new IllegalArgumentException("logEvery is " + logEvery + ": expected >= 1");
            }
        }

        /** A bar on a terminal, otherwise a line every 10 steps, on {@code System.out}. */
        public static Options auto() {
            return new Options(Mode.AUTO, 10, System.out);
        }

        /** Plain lines every {@code logEvery} steps on {@code out} (a disabled bar). */
        public static Options lines(int logEvery, PrintStream out) {
            return new Options(Mode.LINES, logEvery, out);
        }
    }

    private final String task;
    private final long total;
    private final long initial;
    private final Options options;
    private final ProgressBar bar;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long current;
    private long lastLogged;

    private Progress(String task, long total, long initial, Options options, LongSupplier nanoClock) {
        this.task = task;
        this.total = total;
        this.initial = initial;
        this.options = options;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.current = initial;
        this.lastLogged = initial;
        this.bar = useBar(options.mode()) ? new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .startsFrom(initial, Duration.ZERO)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setConsumer(new ConsoleProgressBarConsumer(options.out()))
                .setUpdateIntervalMillis(500)
                .build() : null;
    }

    /**
     * Starts showing progress of {@code task} towards {@code total} steps, from step {@code initial} (0 for a new
     * run, the resumed step otherwise).
     */
    public static Progress start(String task, long total, long initial, Options options) {
        return start(task, total, initial, options, System::nanoTime);
    }

    static Progress start(String task, long total, long initial, Options options, LongSupplier nanoClock) {
        if (total < 1 || initial < 0 || initial > total) {
            throw new IllegalArgumentException("total " + total + ", initial " + initial
                    + ": expected total >= 1 and 0 <= initial <= total");
        }
        return new Progress(task, total, initial, options, nanoClock);
    }

    private static boolean useBar(Mode mode) {
        return mode == Mode.BAR || (mode == Mode.AUTO && System.console() != null);
    }

    /** Whether this shows a bar (as opposed to log lines). */
    public boolean isBar() {
        return bar != null;
    }

    /** Reports that {@code step} is done, with a short message such as {@code "loss 0.4123"} (may be empty). */
    public void update(long step, String message) {
        current = step;
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(message);
            return;
        }
        if (step - lastLogged >= options.logEvery() || step == total) {
            lastLogged = step;
            options.out().println(line(message));
        }
    }

    String line(String message) {
        double elapsed = (nanoClock.getAsLong() - startNanos) / 1e9;
        long done = current - initial;
        StringBuilder sb = new StringBuilder(task).append(": step ").append(current).append('/').append(total)
                .append(String.format(java.util.Locale.ROOT, " (%.1f%%)", 100.0 * current / total));
        if (message != null && !message.isEmpty()) {
            sb.append(' ').append(message);
        }
        sb.append(" elapsed ").append(clock(elapsed));
        if (done > 0) {
            sb.append(" eta ").append(clock(elapsed / done * (total - current)));
        }
        return sb.toString();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** Finishes the bar (no-op for log lines). */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
