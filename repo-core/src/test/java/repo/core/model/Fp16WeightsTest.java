package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FP16_WEIGHTS stores weights in fp16 but keeps norms, softmax, the residual stream and every accumulation in fp32:
 * a model whose MLP writes about 10⁶ (fp16 tops out at 65,504) into the residual stream stays finite and equal to the
 * fp32 model, while the same MLP computed in fp16 overflows to infinity.
 */
class Fp16WeightsTest {
    static final Qwen3Config C = LoraTestModels.TIED; // V=300, h=32, I=64, L=2

    static {
        Engine.getInstance();
    }

    /**
     * Random weights, except: embeddings 1 + N(0, 0.1) (so RMSNorm(x) ≈ 1 everywhere), o_proj 0 (attention adds
     * nothing), gate and up 4, down 1, norms 1. Each MLP then adds silu(32·4)·(32·4)·64 ≈ 1,048,576 to the residual
     * stream, and every value is exact in fp16.
     */
    static Map<String, NDArray> planted(NDManager m, DataType weights) {
        Map<String, NDArray> w = ModelInit.randomWeights(C, 3, 0.1, false, m);
        Map<String, NDArray> out = new LinkedHashMap<>();
        w.forEach((name, a) -> {
            NDArray v = name.endsWith("embed_tokens.weight") ? a.add(1f)
                    : name.endsWith("o_proj.weight") ? a.zerosLike()
                    : name.endsWith("gate_proj.weight") || name.endsWith("up_proj.weight") ? a.onesLike().mul(4f)
                    : name.endsWith("down_proj.weight") ? a.onesLike() : a;
            // round through fp16 so both models see the same weight values; norms stay fp32 as the loader keeps them
            NDArray r = v.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
            out.put(name, name.endsWith("norm.weight") ? r : r.toType(weights, false));
        });
        return out;
    }

    @Test
    void activationsAboveTheFp16MaximumStayFinite() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray ids = m.create(new long[] {1, 7, 42, 299}, new Shape(1, 4));
            float[] fp32, fp16w;
            try (Qwen3Model a = Qwen3Model.fromWeights(C, planted(m, DataType.FLOAT32), ModelOptions.cpu());
                 Qwen3Model b = Qwen3Model.fromWeights(C, planted(m, DataType.FLOAT16),
                         new ModelOptions(Device.cpu(), ModelOptions.Precision.FP16_WEIGHTS))) {
                assertThat(b.weights().get("model.layers.0.mlp.down_proj.weight").getDataType()).isEqualTo(DataType.FLOAT16);
                fp32 = a.base().forward(ids, null, null).toFloatArray();
                fp16w = b.base().forward(ids, null, null).toFloatArray();

                // the planted MLP output, from the model's own fp16 weights: m = ones (RMSNorm of a near-constant row)
                NDArray gate = b.weights().get("model.layers.0.mlp.gate_proj.weight");    // (I, h) fp16
                NDArray up = b.weights().get("model.layers.0.mlp.up_proj.weight");        // (I, h) fp16
                NDArray down = b.weights().get("model.layers.0.mlp.down_proj.weight");    // (h, I) fp16
                NDArray ones16 = m.ones(new Shape(1, C.hiddenSize()), DataType.FLOAT16);  // (1, h)
                float inFp32 = mlp(ones16.toType(DataType.FLOAT32, false), gate.toType(DataType.FLOAT32, false),
                        up.toType(DataType.FLOAT32, false), down.toType(DataType.FLOAT32, false)).max().getFloat();
                float inFp16 = mlp(ones16, gate, up, down).toType(DataType.FLOAT32, false).max().getFloat();
                assertThat(inFp32).as("planted activation").isGreaterThan(65_504f).isCloseTo(1_048_576f,
                        org.assertj.core.data.Percentage.withPercentage(0.1));
                assertThat(inFp16).as("the same MLP in pure fp16").isInfinite();
            }
            for (float v : fp16w) {
                assertThat(v).isFinite();
            }
            // fp16 storage of fp16-exact weights, fp32 maths: the FP32 model's logits to the bit
            assertThat(fp16w).containsExactly(fp32);
        }
    }

    /** down(silu(gate(x)) · up(x)) in x's dtype: (1, h) -> (1, h). */
    private static NDArray mlp(NDArray x, NDArray gate, NDArray up, NDArray down) {
        NDArray g = JniUtils.linear((PtNDArray) x, (PtNDArray) gate, null);            // (1, I)
        NDArray u = JniUtils.linear((PtNDArray) x, (PtNDArray) up, null);              // (1, I)
        return JniUtils.linear((PtNDArray) g.mul(Activation.sigmoid(g)).mul(u), (PtNDArray) down, null); // (1, h)
    }
}
