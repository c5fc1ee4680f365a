package repo.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Runs code with torch's grad mode off on the current thread (torch.no_grad), restoring it afterwards.
 *
 * <p>Needed for in-place writes to trainable leaves (merging, loading, warm starts): torch refuses an in-place op
 * on a leaf that requires grad while grad mode is on, and grad mode is on by default on every thread but the one
 * that loaded the engine.
 */
public final class NoGrad {
    private NoGrad() {
    }

    public static void run(Runnable body) {
        get(() -> {
            body.run();
            return null;
        });
    }

    public static <T> T get(Supplier<T> body) {
        Engine.getInstance();
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    /** dst[...] = src, in place, without recording autograd; src is cast to dst's dtype and device first. */
    public static void copy(NDArray dst, NDArray src) {
        if (!dst.getShape().equals(src.getShape())) {
            throw new IllegalArgumentException("cannot copy " + src.getShape() + " into " + dst.getShape());
        }
        run(() -> {
            NDArray moved = src.toDevice(dst.getDevice(), false);       // src itself when already there
            NDArray cast = moved.toType(dst.getDataType(), false);      // moved itself when the dtype matches
            dst.set(new NDIndex("..."), cast);
            if (cast != src) {
                cast.close();
            }
            if (moved != src && moved != cast) {
                moved.close();
            }
        });
    }
}
