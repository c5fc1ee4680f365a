package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The reward-model head of {@code Qwen3ForSequenceClassification} with one label: {@code score.weight} (1, h), no
 * bias, init N(0, 0.02) (transformers' initializer_range). Applied to the post-norm hidden states
 * ({@link Qwen3Model#hidden}) and read at the last real token of each row.
 */
public final class ScoreHead implements AutoCloseable {
    public static final String WEIGHT = "score.weight";
    /** transformers' initializer_range for Qwen3. */
    public static final double INIT_STD = 0.02;

    private final NDManager manager;
    private final NDArray weight; // (1, h)

    private ScoreHead(NDManager manager, NDArray weight) {
        this.manager = manager;
        this.weight = weight;
    }

    /** A new head with weight ~ N(0, 0.02) drawn from {@code seed}, owned by a sub-manager of {@code parent}. */
    public static ScoreHead create(NDManager parent, int hidden, DataType dtype, long seed) {
        Heads.checkDtype(dtype);
        NDManager m = parent.newSubManager();
        return new ScoreHead(m, Params.normal(m, new Shape(1, hidden), dtype, INIT_STD, Params.mix(seed, WEIGHT)));
    }

    /** Loads a file written by {@link #save}: exactly {@code score.weight} (1, h). */
    public static ScoreHead load(Path file, NDManager parent, DataType dtype) {
        NDManager m = parent.newSubManager();
        try {
            Map<String, NDArray> t = Heads.load(file, Map.of(WEIGHT, new long[] {1, -1}), "score head", m, dtype);
            return new ScoreHead(m, t.get(WEIGHT));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Writes {@code score.weight} as F32 safetensors. */
    public void save(Path file) throws IOException {
        Heads.save(file, Map.of(WEIGHT, weight));
    }

    /** Score at every position: hidden (B, T, h) -> (B, T). */
    public NDArray perToken(NDArray hidden) {
        return JniUtils.linear((PtNDArray) hidden, (PtNDArray) weight, null).squeeze(-1);
    }

    /**
     * One score per row, read at the rightmost position whose mask is 1, as transformers pools sequence
     * classification logits (works for left and right padding): hidden (B, T, h), mask (B, T) or null (last
     * position) -> (B).
     */
    public NDArray scores(NDArray hidden, NDArray attentionMask) {
        NDArray all = perToken(hidden);                                        // (B, T)
        NDArray idx = lastTokenIndex(attentionMask, hidden.getShape().get(0), hidden.getShape().get(1), hidden.getManager());
        return all.gather(idx.expandDims(-1), 1).squeeze(-1);                  // (B)
    }

    /**
     * argmax_t (t · mask[b, t]): the rightmost real position per row (0 for an all-padding row); (B) int64.
     * Without a mask every row ends at T-1.
     */
    public static NDArray lastTokenIndex(NDArray attentionMask, long batch, long t, NDManager m) {
        if (attentionMask == null) {
            return m.full(new Shape(batch), t - 1, DataType.INT64);
        }
        if (attentionMask.getShape().dimension() != 2 || attentionMask.getShape().get(1) != t) {
            throw new IllegalArgumentException("attention mask must be (B, " + t + "), got " + attentionMask.getShape());
        }
        NDArray pos = attentionMask.getManager().arange(0, (int) t, 1, DataType.INT64).expandDims(0); // (1, T)
        return pos.mul(attentionMask.toType(DataType.INT64, false)).argMax(1).toType(DataType.INT64, false); // (B)
    }

    public NDArray weight() {
        return weight;
    }

    public int hiddenSize() {
        return (int) weight.getShape().get(1);
    }

    /** The trainable leaves: [score.weight]. */
    public List<NDArray> parameters() {
        return List.of(weight);
    }

    @Override
    public void close() {
        manager.close();
    }
}
