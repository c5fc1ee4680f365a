package repo.core.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Model;

/** Checkpoint load speed against reading the same safetensors bytes raw (both from a warm page cache). */
public final class LoadBench {
    private LoadBench() {
    }

    /** Seconds to load, seconds to read the weight files raw, and the ratio raw ÷ load (1 = load as fast as a read). */
    public record Figures(double loadSeconds, double rawSeconds) {
        public double ratio() {
            return rawSeconds / loadSeconds;
        }
    }

    public static Figures run(Path dir, ModelOptions options, int reps) {
        double raw = Double.MAX_VALUE, load = Double.MAX_VALUE;
        for (int r = 0; r < reps + 1; r++) {
            long t0 = System.nanoTime();
            readRaw(dir);
            long t1 = System.nanoTime();
            try (Qwen3Model m = Qwen3Model.load(dir, options)) {
                long t2 = System.nanoTime();
                if (r > 0) { // the first round warms the page cache
                    raw = Math.min(raw, (t1 - t0) / 1e9);
                    load = Math.min(load, (t2 - t1) / 1e9);
                }
            }
        }
        return new Figures(load, raw);
    }

    /** Reads every *.safetensors file of {@code dir} into one reused direct buffer; returns the byte count. */
    static long readRaw(Path dir) {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 << 20);
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> weights = files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            for (Path p : weights) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    int n;
                    while ((n = ch.read(buf.clear())) > 0) {
                        total += n;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the weights of " + dir, e);
        }
        return total;
    }
}
