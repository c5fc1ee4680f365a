package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TRL's {@code ValueHead} for PPO critics: {@code v_head.summary} = Linear(h, 1) with bias, applied to the
 * post-norm hidden states at every position, giving per-token values (B, T).
 *
 * <p>Init: {@link #create} uses TRL's default ({@code v_head_init_strategy=None}, i.e. PyTorch's default Linear init:
 * weight and bias ~ U(±1/√h)); {@link #createNormal} is TRL's {@code "normal"} strategy (weight N(0, std), TRL's
 * default std 0.2, bias 0). TRL also puts a dropout (summary_dropout_prob, 0.1 when the config lacks it) before
 * the Linear; here it is off unless {@link #setDropout} is called, and like LoRA dropout it acts only in training
 * mode ({@link #setTraining}) and draws from torch's global generator.
 */
public final class ValueHead implements AutoCloseable {
    public static final String WEIGHT = "v_head.summary.weight";
    public static final String BIAS = "v_head.summary.bias";
    /** TRL's v_head_initializer_range for the "normal" init strategy. */
    public static final double NORMAL_INIT_STD = 0.2;

    private final NDManager manager;
    private final NDArray weight; // (1, h)
    private final NDArray bias;   // (1)
    private double dropout;
    private boolean training;

    private ValueHead(NDManager manager, NDArray weight, NDArray bias) {
        this.manager = manager;
        this.weight = weight;
        this.bias = bias;
    }

    /** TRL's default init: weight, bias ~ U(±1/√h), drawn from {@code seed}; owned by a sub-manager of parent. */
    public static ValueHead create(NDManager parent, int hidden, DataType dtype, long seed) {
        Heads.checkDtype(dtype);
        NDManager m = parent.newSubManager();
        double bound = 1.0 / Math.sqrt(hidden);
        return new ValueHead(m, Params.uniform(m, new Shape(1, hidden), dtype, bound, Params.mix(seed, WEIGHT)),
                Params.uniform(m, new Shape(1), dtype, bound, Params.mix(seed, BIAS)));
    }

    /** TRL's "normal" init: weight ~ N(0, std), bias = 0. */
    public static ValueHead createNormal(NDManager parent, int hidden, DataType dtype, double std, long seed) {
        Heads.checkDtype(dtype);
        NDManager m = parent.newSubManager();
        return new ValueHead(m, Params.normal(m, new Shape(1, hidden), dtype, std, Params.mix(seed, WEIGHT)),
                Params.zeros(m, new Shape(1), dtype));
    }

    /** Loads a file written by {@link #save}: exactly v_head.summary.weight (1, h) and v_head.summary.bias (1). */
    public static ValueHead load(Path file, NDManager parent, DataType dtype) {
        NDManager m = parent.newSubManager();
        try {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            shapes.put(WEIGHT, new long[] {1, -1});
            shapes.put(BIAS, new long[] {1});
            Map<String, NDArray> t = Heads.load(file, shapes, "value head", m, dtype);
            return new ValueHead(m, t.get(WEIGHT), t.get(BIAS));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Writes both tensors as F32 safetensors under TRL's names. */
    public void save(Path file) throws IOException {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put(WEIGHT, weight);
        t.put(BIAS, bias);
        Heads.save(file, t);
    }

    /** Warm start from a reward model: weight = score.weight, bias = 0 (in place, no grad). */
    public void copyFrom(ScoreHead score) {
        if (score.hiddenSize() != hiddenSize()) {
            throw new IllegalArgumentException("score head has hidden size " + score.hiddenSize() + ", value head "
                    + hiddenSize());
        }
        NoGrad.copy(weight, score.weight());
        NoGrad.run(() -> bias.set(new ai.djl.ndarray.index.NDIndex("..."), 0));
    }

    /** Per-token values: hidden (B, T, h) -> (B, T). */
    public NDArray values(NDArray hidden) {
        NDArray in = training && dropout > 0 ? JniUtils.dropout((PtNDArray) hidden, dropout, true) : hidden;
        return JniUtils.linear((PtNDArray) in, (PtNDArray) weight, (PtNDArray) bias).squeeze(-1);
    }

    public void setDropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        }
        this.dropout = p;
    }

    public void setTraining(boolean training) {
        this.training = training;
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }

    public int hiddenSize() {
        return (int) weight.getShape().get(1);
    }

    /** The trainable leaves: [weight, bias]. */
    public List<NDArray> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public void close() {
        manager.close();
    }
}
