package repo.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a number inside a differentiable graph, safely.
 *
 * <p>DJL's {@code x.mul(Number)} (also {@code div}, {@code pow}, {@code maximum}, ...) wraps the number in a 0-d tensor
 * over a Java direct buffer ({@code torch::from_blob}), applies the tensor op and closes the wrapper. When {@code x}
 * requires a gradient, autograd saves that 0-d tensor for the backward pass (d(x·c)/dx = c), but its memory belongs
 * to the buffer, which the garbage collector frees once the wrapper is closed. A collection between the forward and
 * the backward pass then leaves the saved scalar pointing at freed, reused memory: the gradient is multiplied by
 * whatever lies there (run-to-run differences, or NaN/inf gradients), depending only on GC timing. Here the number
 * is copied into libtorch-owned memory first, which autograd keeps alive by reference count for as long as it needs.
 */
public final class Scalars {
    private Scalars() {
    }

    /** {@code x · v}, with v held in libtorch memory (same dtype rules as {@code x.mul(v)}). */
    public static NDArray mul(NDArray x, Number v) {
        try (NDArray s = owned(x, v)) {
            return x.mul(s);
        }
    }

    /** {@code x / v}, with v held in libtorch memory. */
    public static NDArray div(NDArray x, Number v) {
        try (NDArray s = owned(x, v)) {
            return x.div(s);
        }
    }

    /** {@code x ^ v}, with v held in libtorch memory. */
    public static NDArray pow(NDArray x, Number v) {
        try (NDArray s = owned(x, v)) {
            return x.pow(s);
        }
    }

    /** A 0-d tensor holding {@code v} (its Java type decides the dtype, as DJL's create(Number) does) in libtorch memory. */
    private static NDArray owned(NDArray like, Number v) {
        try (NDArray staged = like.getManager().create(v)) { // over a Java buffer: only copied from, never saved
            return staged.duplicate();                            // torch::clone: libtorch-owned
        }
    }
}
