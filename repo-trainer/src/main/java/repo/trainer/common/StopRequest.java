package repo.trainer.common;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to stop a run gracefully: the training loops finish the current step, write a checkpoint and return
 * early (without {@code final/}), so {@code --resume} continues exactly. {@code repo train} sets it on the first
 * SIGINT or SIGTERM; embedding applications may call {@link #request(String)} from any thread.
 */
public final class StopRequest {
    private static final AtomicReference<String> REASON = new AtomicReference<>();

    private StopRequest() {
    }

    /** Asks the running loop to stop after its current step; the first reason given is kept. */
    public static void request(String reason) {
        REASON.compareAndSet(null, reason);
    }

    /** Whether a stop was requested. */
    public static boolean requested() {
        return REASON.get() != null;
    }

    /** Why the run was asked to stop, or null. */
    public static String reason() {
        return REASON.get();
    }

    /** Forgets a request (tests, and applications that run several trainings in one process). */
    public static void clear() {
        REASON.set(null);
    }
}
