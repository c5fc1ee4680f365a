package repo.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tiny in-memory Qwen3 models and helpers for the LoRA, PEFT and head tests. */
public final class LoraTestModels {
    /** V=300, h=32, I=64, L=2, H=4, K=2, D=16, tied. */
    public static final Qwen3Config TIED = new Qwen3Config(300, 32, 64, 2, 4, 2, 16, 1e-6, 1e6, 4096, true, 151643, 151645, "float32");
    /** The same, untied (has lm_head.weight). */
    public static final Qwen3Config UNTIED = new Qwen3Config(300, 32, 64, 2, 4, 2, 16, 1e-6, 1e6, 4096, false, 151643, 151645, "float32");

    private LoraTestModels() {
    }

    static {
        Engine.getInstance();
    }

    /** A random model (std 0.1, perturbed norms) in the given precision; FP64 converts the weights first. */
    public static Qwen3Model model(Qwen3Config c, ModelOptions.Precision p, long seed) {
        return model(c, new ModelOptions(Device.cpu(), p), seed);
    }

    /** The same under any options (devices, KV cache dtype). */
    public static Qwen3Model model(Qwen3Config c, ModelOptions options, long seed) {
        ModelOptions.Precision p = options.precision();
        try (NDManager tmp = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> w = ModelInit.randomWeights(c, seed, 0.1, true, tmp);
            if (p != ModelOptions.Precision.FP32) {
                DataType t = p == ModelOptions.Precision.FP64 ? DataType.FLOAT64 : DataType.FLOAT16;
                Map<String, NDArray> conv = new LinkedHashMap<>();
                w.forEach((k, v) -> conv.put(k, p == ModelOptions.Precision.FP16_WEIGHTS && k.endsWith("norm.weight")
                        ? v : v.toType(t, false)));
                w = conv;
            }
            return Qwen3Model.fromWeights(c, w, options);
        }
    }

    public static Qwen3Model model(ModelOptions.Precision p, long seed) {
        return model(TIED, p, seed);
    }

    /** Gives every lora_B of {@code adapter} values ~ N(0, std), as training would. */
    public static void randomizeB(Qwen3Model model, String adapter, double std, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDScope s = new NDScope()) {
            model.adapterModules(adapter).values().forEach(a -> NoGrad.copy(a.b(),
                    model.manager().randomNormal(0f, (float) std, a.b().getShape(), DataType.FLOAT32)));
        }
    }

    /** (B, T) int64 ids in [0, V). */
    public static NDArray ids(NDManager m, int b, int t, long seed) {
        long[] v = new long[b * t];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(300);
        }
        return m.create(v, new Shape(b, t));
    }

    /** Logits as doubles (for FP32 and FP64 models) of a forward with the adapter (or base) {@code pass} names. */
    public static double[] logits(Forward pass, NDArray ids, NDArray mask) {
        try (NDScope s = new NDScope()) {
            return pass.forward(ids, mask, null).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    public static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
