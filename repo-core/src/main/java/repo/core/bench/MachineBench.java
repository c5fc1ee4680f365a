package repo.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;

/**
 * What the machine can do, measured in the running process: GEMM FLOP/s, memory bandwidth of a large copy, the
 * host cost of one small native op, and the process's peak memory.
 */
public final class MachineBench {
    private MachineBench() {
    }

    /** FLOP/s of an n×n×n fp32 matmul on {@code m}'s device (best of {@code reps}, after a warm-up). */
    public static double gemmFlopsPerSecond(NDManager m, int n, int reps) {
        double best = Double.MAX_VALUE;
        try (NDScope scope = new NDScope()) {
            NDArray a = m.randomNormal(new Shape(n, n)), b = m.randomNormal(new Shape(n, n));
            a.matMul(b).getFloat(0, 0); // warm-up
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                a.matMul(b).getFloat(0, 0);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
        }
        return 2.0 * n * n * n / best;
    }

    /**
     * Bytes per second of an in-place add b += a over {@code mib} MiB arrays (two reads and one write per element, into
     * memory already touched), best of {@code reps}: the bound for a memory-bound kernel such as batch-1 decode, which
     * reads every weight once per token.
     */
    public static double copyBytesPerSecond(NDManager m, int mib, int reps) {
        long n = (long) mib << 18; // floats
        double best = Double.MAX_VALUE;
        try (NDScope scope = new NDScope()) {
            NDArray a = m.randomUniform(0f, 1f, new Shape(n));
            NDArray b = m.zeros(new Shape(n));
            for (int i = 0; i < reps + 1; i++) {
                long t0 = System.nanoTime();
                b.addi(a);
                b.getFloat(0);
                double s = (System.nanoTime() - t0) / 1e9;
                if (i > 0) {
                    best = Math.min(best, s);
                }
            }
        }
        return 3.0 * 4 * n / best;
    }

    /** Host seconds per tiny native op (an add of two 1-element arrays, closed at once), best of {@code reps} batches. */
    public static double secondsPerOp(NDManager m, int reps) {
        double best = Double.MAX_VALUE;
        try (NDScope scope = new NDScope()) {
            NDArray a = m.ones(new Shape(1)), b = m.ones(new Shape(1));
            int n = 2000;
            for (int r = 0; r < reps + 1; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    a.add(b).close();
                }
                double s = (System.nanoTime() - t0) / 1e9 / n;
                if (r > 0) {
                    best = Math.min(best, s);
                }
            }
        }
        return best;
    }

    /** Peak resident set size of this process in MiB (Linux {@code VmHWM}), NaN where /proc is unavailable. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** Sum of the heap pools' peak usage in MiB since the JVM started. */
    public static double peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum / (1024.0 * 1024.0);
    }

    /**
     * Arrays registered with the innermost open {@link NDScope} so far (every op result is registered, so this counts
     * native ops of the scope's body), or -1 when DJL's internals differ from 0.36's.
     */
    public static int arraysInScope(NDScope scope) {
        try {
            return SCOPE_RESOURCES == null ? -1 : ((IdentityHashMap<?, ?>) SCOPE_RESOURCES.get(scope)).size();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** NDScope's registry of arrays, looked up once (the decode bench counts it inside its timed loop). */
    private static final Field SCOPE_RESOURCES = scopeResources();

    private static Field scopeResources() {
        try {
            Field f = NDScope.class.getDeclaredField("resources");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
