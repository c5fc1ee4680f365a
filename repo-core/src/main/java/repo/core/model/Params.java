package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Trainable leaves drawn from a Java {@link SplittableRandom}: reproducible from a seed on any device, and
 * independent of torch's global generator (which dropout and sampling use).
 */
final class Params {
    private Params() {
    }

    /** U(-bound, bound): PyTorch's default Linear init (kaiming_uniform with a=√5) has bound = 1/√fan_in. */
    static NDArray uniform(NDManager m, Shape shape, DataType dtype, double bound, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return fill(m, shape, dtype, () -> bound * (2 * rng.nextDouble() - 1));
    }

    /** N(0, std). */
    static NDArray normal(NDManager m, Shape shape, DataType dtype, double std, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return fill(m, shape, dtype, () -> std * rng.nextGaussian());
    }

    static NDArray zeros(NDManager m, Shape shape, DataType dtype) {
        return leaf(m.zeros(shape, dtype));
    }

    private static NDArray fill(NDManager m, Shape shape, DataType dtype, DoubleSupplier draw) {
        double[] v = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = draw.getAsDouble();
        }
        NDArray staged = m.create(v, shape);                     // FLOAT64 in a Java buffer
        NDArray owned = dtype == DataType.FLOAT64 ? staged.duplicate() : staged.toType(dtype, false); // torch-owned
        staged.close();
        return leaf(owned);
    }

    /** Out of any NDScope (the owner's manager frees it), then trainable: created on its device first, as DJL needs. */
    static NDArray leaf(NDArray x) {
        NDScope.unregister(x);
        x.setRequiresGradient(true);
        return x;
    }

    /** A seed for one named tensor, from a run seed (SplitMix64 finaliser over seed and name). */
    static long mix(long seed, String name) {
        long z = seed * 0x9E3779B97F4A7C15L + name.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
