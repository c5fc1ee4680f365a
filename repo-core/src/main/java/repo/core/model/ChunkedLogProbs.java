package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Token log-probs and entropies of {@code softmax(h·Wᵀ / T)} (W the LM head, T a sampling temperature), the figures
 * every training loss reads.
 *
 * <p>{@link #whole} takes the (B, T, V) logits and keeps the graph. {@link #compute} and {@link #trainable} run the LM
 * head {@code chunkRows} positions at a time, so the largest array is (chunkRows, V) and no (B, T, V) array exists. For
 * training, {@link #trainable} hands out the results as leaves and defers the rest of the backward
 * ({@link DeferredBackward}): it recomputes each chunk's softmax and pushes the exact gradient
 *
 * <pre>
 * dL/dz = g_lp·(onehot(y) − p) − g_H·p·(log p + H)      z = h·Wᵀ / T, per row; g the leaves' gradients
 * dL/dh = dL/dz · W / T
 * </pre>
 *
 * into the hidden states, so the backward's peak is one chunk as well. Values and gradients equal the whole
 * log-softmax's (ChunkedLogProbsTest). The LM head must be frozen (LoRA training: no adapter touches it).
 */
public final class ChunkedLogProbs {
    private ChunkedLogProbs() {
    }

    /**
     * @param logProbs (B, T) log p(target)
     * @param entropy (B, T) entropy of each position's distribution, or null when not asked for
     */
    public record Result(NDArray logProbs, NDArray entropy) {
    }

    /** From (B, T, V) logits, differentiable: {@code log_softmax(logits / T)} at {@code targets} (B, T), and entropies. */
    public static Result whole(NDArray logits, NDArray targets, double temperature, boolean entropy) {
        NDArray ls = (temperature == 1.0 ? logits : Scalars.div(logits, (float) temperature)).logSoftmax(-1); // (B, T, V)
        NDArray lp = ls.gather(targets.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1);   // (B, T)
        return new Result(lp, entropy ? entropyOf(ls) : null);
    }

    /** −Σ p·log p over the last axis, from log-probs: (..., V) -> (...). */
    private static NDArray entropyOf(NDArray logProbs) {
        return logProbs.exp().mul(logProbs).sum(new int[] {-1}).neg();
    }

    /** From hidden states (B, T, h), {@code chunkRows} positions at a time, without a graph; see {@link #whole}. */
    public static Result compute(Qwen3Model model, NDArray hidden, NDArray targets, double temperature, boolean entropy,
                                 int chunkRows) {
        return NoGrad.get(() -> {
            NDArray[] v = run(model, hidden, targets, temperature, entropy, chunkRows, null, null, null);
            return new Result(v[0], v[1]);
        });
    }

    /**
     * As {@link #compute}, the results as trainable leaves; the gradient reaches {@code hidden} (and what it was
     * computed from) once {@code rest} runs after the loss's backward.
     */
    public static Result trainable(Qwen3Model model, NDArray hidden, NDArray targets, double temperature, boolean entropy,
                                   int chunkRows, DeferredBackward rest) {
        if (model.lmHeadTrainable()) {
            throw new IllegalStateException("a chunked LM head needs a frozen LM head (LoRA training); with full-parameter "
                    + "training set train.logits_chunk: 0");
        }
        Result r = compute(model, hidden, targets, temperature, entropy, chunkRows);
        r.logProbs().setRequiresGradient(true);
        if (entropy) {
            r.entropy().setRequiresGradient(true);
        }
        rest.defer(() -> {
            NDArray gLp = DeferredBackward.gradientOf(r.logProbs());                       // zeros when the loss did not use it
            NDArray gH = entropy ? DeferredBackward.gradientOf(r.entropy()) : null;
            NDArray dh = NoGrad.get(() -> run(model, hidden, targets, temperature, entropy, chunkRows, gLp, gH,
                    r.entropy())[0]);                                                     // (B, T, h)
            DeferredBackward.into(hidden, dh);
        });
        return r;
    }

    /**
     * Forward ({@code gLp} null): {log-probs, entropies or null}, (B, T) each. Backward: {dL/dhidden} (B, T, h) from the
     * leaves' gradients (B, T) and the forward's entropies.
     */
    private static NDArray[] run(Qwen3Model model, NDArray hidden, NDArray targets, double temperature, boolean entropy,
                                 int chunkRows, NDArray gLp, NDArray gH, NDArray ent) {
        if (chunkRows <= 0) {
            throw new IllegalArgumentException("chunkRows must be > 0, got " + chunkRows);
        }
        long b = hidden.getShape().get(0), t = hidden.getShape().get(1), h = hidden.getShape().get(2);
        long n = b * t;
        boolean backward = gLp != null;
        float temp = (float) temperature;
        NDArray w = model.lmHeadWeight();                                                  // (V, h)
        NDArray flat = hidden.stopGradient().reshape(n, h);                                // (N, h)
        NDArray ids = targets.toType(DataType.INT64, false).reshape(n, 1);                 // (N, 1)
        NDList first = new NDList(), second = new NDList();
        for (long r = 0; r < n; r += chunkRows) {
            NDIndex rows = new NDIndex("{}:{}", r, Math.min(n, r + chunkRows));
            NDArray one, two = null;                                                       // this chunk's results
            try (NDScope scope = new NDScope()) {
                NDArray z = JniUtils.linear((PtNDArray) flat.get(rows), (PtNDArray) w, null); // (c, V)
                NDArray lsm = (temperature == 1.0 ? z : z.div(temp)).logSoftmax(-1);       // (c, V)
                NDArray y = ids.get(rows);                                                 // (c, 1)
                if (!backward) {
                    one = lsm.gather(y, -1).squeeze(-1);                                   // (c)
                    two = entropy ? entropyOf(lsm) : null;                                 // (c)
                } else {
                    NDArray p = lsm.exp();                                                 // (c, V)
                    NDArray onehot = p.zerosLike().scatter(y, y.onesLike().toType(p.getDataType(), false), -1);
                    NDArray dz = onehot.sub(p).mul(gLp.reshape(n, 1).get(rows));           // (c, V)
                    if (entropy) {
                        dz = dz.sub(p.mul(lsm.add(ent.reshape(n, 1).get(rows))).mul(gH.reshape(n, 1).get(rows)));
                    }
                    one = dz.matMul(w);                                                    // (c, h)
                    one = temperature == 1.0 ? one : one.div(temp);
                }
                NDScope.unregister(one);
                if (two != null) {
                    NDScope.unregister(two);
                    second.add(two);
                }
                first.add(one);
            }
        }
        NDArray[] out = backward
                ? new NDArray[] {NDArrays.concat(first, 0).reshape(b, t, h), null}
                : new NDArray[] {NDArrays.concat(first, 0).reshape(b, t), entropy ? NDArrays.concat(second, 0).reshape(b, t) : null};
        first.close();                                                                     // the chunks; the results are copies
        second.close();
        return out;
    }
}
