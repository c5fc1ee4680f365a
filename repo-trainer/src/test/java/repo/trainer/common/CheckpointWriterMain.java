package repo.trainer.common;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child process of {@link CheckpointsKillTest}: saves checkpoints of steps 1, 2, 3, ... forever with a slow writer,
 * so that the parent can kill it while a checkpoint is half written.
 *
 * <p>Each checkpoint holds {@code payload.bin} ({@value #CHUNKS} chunks of {@value #CHUNK} bytes, every byte equal to
 * {@code step % 251}, with a pause after each chunk) and a {@link TrainerState}.
 */
public final class CheckpointWriterMain {

    static final int CHUNKS = 8;
    static final int CHUNK = 4096;

    private CheckpointWriterMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path runDir = Path.of(args[0]);
        long pauseMillis = Long.parseLong(args[1]);
        Checkpoints checkpoints = new Checkpoints(3);
        for (int step = 1; ; step++) {
            int current = step;
            checkpoints.save(runDir, step, dir -> {
                new TrainerState(current, 0, current, 7L, 8L, null, 0).write(dir);
                byte[] chunk = new byte[CHUNK];
                java.util.Arrays.fill(chunk, (byte) (current % 251));
                try (OutputStream out = Files.newOutputStream(dir.resolve("payload.bin"))) {
                    for (int i = 0; i < CHUNKS; i++) {
                        out.write(chunk);
                        out.flush();
                        sleep(pauseMillis);
                    }
                }
            });
            System.out.println("saved " + step);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
