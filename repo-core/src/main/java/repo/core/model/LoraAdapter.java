package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * One adapter's weights on one projection, as PEFT's {@code lora.Linear} holds them:
 * {@code A} (r, in) and {@code B} (out, r), both trainable leaves in the model's compute dtype.
 *
 * <pre>
 * update(x) = scaling · B(A(dropout(x)))        (..., in) -> (..., out)
 * delta     = scaling · B·A                      (out, in), what merging adds to W
 * </pre>
 *
 * <p>Dropout is torch's {@code dropout} ({@code JniUtils.dropout}), so its masks come from torch's global generator:
 * seed it once with {@code Engine.getInstance().setRandomSeed(s)} for reproducible training runs.
 */
public final class LoraAdapter {
    private final String adapter;
    private final String module;
    private final NDArray a;       // (r, in)
    private final NDArray b;       // (out, r)
    private final double scaling;
    private final double dropout;

    LoraAdapter(String adapter, String module, NDArray a, NDArray b, double scaling, double dropout) {
        this.adapter = adapter;
        this.module = module;
        this.a = a;
        this.b = b;
        this.scaling = scaling;
        this.dropout = dropout;
    }

    /** The scaled low-rank update for input x: (..., in) -> (..., out). */
    NDArray update(NDArray x, boolean training) {
        NDArray in = training && dropout > 0 ? JniUtils.dropout((PtNDArray) x, dropout, true) : x;
        NDArray low = JniUtils.linear((PtNDArray) in, (PtNDArray) a, null);   // (..., r)
        return Scalars.mul(JniUtils.linear((PtNDArray) low, (PtNDArray) b, null), scaling); // (..., out)
    }

    /** scaling · B·A, (out, in); call with grad mode off (merging is not differentiable). */
    NDArray delta() {
        return b.matMul(a).mul(scaling);
    }

    /** The adapter's name, e.g. "default". */
    public String adapter() {
        return adapter;
    }

    /** The projection it adapts, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public String module() {
        return module;
    }

    /** lora_A.weight, (r, in). */
    public NDArray a() {
        return a;
    }

    /** lora_B.weight, (out, r). */
    public NDArray b() {
        return b;
    }

    public double scaling() {
        return scaling;
    }
}
