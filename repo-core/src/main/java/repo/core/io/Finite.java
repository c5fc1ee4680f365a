package repo.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * The finiteness check for trained state: an adapter, head, optimizer state or checkpoint that holds NaN or infinity
 * is refused when it is loaded and never written, so a diverged run cannot be merged, served or resumed from.
 */
public final class Finite {
    private Finite() {
    }

    /** How many entries of a floating-point array are NaN or infinite (0 for other types). */
    public static long countNonFinite(NDArray a) {
        DataType t = a.getDataType();
        if (!t.isFloating() || a.size() == 0) {
            return 0;
        }
        try (NDScope scope = new NDScope()) {
            NDArray f = t == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
            return f.isNaN().logicalOr(f.isInfinite()).countNonzero().getLong();
        }
    }

    /**
     * @param where the file (or thing) the tensor belongs to, for the message
     * @throws IllegalArgumentException naming the tensor and how many values are not finite
     */
    public static NDArray require(NDArray a, String name, Object where) {
        long bad = countNonFinite(a);
        if (bad > 0) {
            throw new IllegalArgumentException(where + ": tensor '" + name + "' has " + bad + " non-finite value"
                    + (bad == 1 ? "" : "s") + " (NaN or infinity) of " + a.size() + "; refusing it (a diverged run: "
                    + "resume from an earlier checkpoint)");
        }
        return a;
    }

    /** The same check for plain floats. */
    public static void require(float[] values, String name, Object where) {
        long bad = 0;
        for (float v : values) {
            if (!Float.isFinite(v)) {
                bad++;
            }
        }
        if (bad > 0) {
            throw new IllegalArgumentException(where + ": tensor '" + name + "' has " + bad + " non-finite value"
                    + (bad == 1 ? "" : "s") + " (NaN or infinity) of " + values.length + "; refusing it");
        }
    }
}
