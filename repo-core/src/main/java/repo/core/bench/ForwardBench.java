package repo.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import repo.core.model.KvCache;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;

/**
 * Speed of the model relative to the machine: every figure is achieved FLOP/s divided by the FLOP/s of a
 * plain square GEMM measured in the same process, so numbers from different machines compare.
 */
public final class ForwardBench {
    private ForwardBench() {
    }

    /** One measured figure. */
    public record Figure(String name, double seconds, double flops, double gemmFlopsPerSecond, String unitRate) {
        public double ratio() {
            return flops / seconds / gemmFlopsPerSecond;
        }
    }

    /** FLOP/s of an n×n×n fp32 matmul on the model's device (best of {@code reps}). */
    public static double gemmFlopsPerSecond(NDManager m, int n, int reps) {
        double best = Double.MAX_VALUE;
        try (NDScope scope = new NDScope()) {
            NDArray a = m.randomNormal(new Shape(n, n)), b = m.randomNormal(new Shape(n, n));
            a.matMul(b).getFloat(0, 0); // warm-up
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                a.matMul(b).getFloat(0, 0);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
        }
        return 2.0 * n * n * n / best;
    }

    /** Matmul FLOPs of a forward over {@code t} new tokens with {@code past} cached, LM head on {@code headRows} rows. */
    public static double forwardFlops(Qwen3Config c, long t, long past, long headRows) {
        long h = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        double linear = 2.0 * t * (h * q + 2 * h * kv + q * h + 3.0 * h * c.intermediateSize()) * c.numHiddenLayers();
        double keysSeen = t * past + t * (t + 1) / 2.0;                           // causal: query i sees past + i + 1 keys
        double attention = 4.0 * c.numHiddenLayers() * c.numAttentionHeads() * c.headDim() * keysSeen;
        return linear + attention + 2.0 * headRows * h * c.vocabSize();
    }

    /** Prefill of {@code batch} × {@code t} tokens and {@code steps} decode steps, each timed best-of-reps. */
    public static List<Figure> run(Qwen3Model model, int batch, int t, int steps, int reps) {
        NDManager m = model.manager();
        Qwen3Config c = model.config();
        double gemm = gemmFlopsPerSecond(m, 1024, 5);
        List<Figure> out = new ArrayList<>();
        long[] ids = new long[batch * t];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7919L) % 150000;
        }
        double prefill = Double.MAX_VALUE, decode = Double.MAX_VALUE;
        for (int r = 0; r < reps + 1; r++) {
            try (NDManager sub = m.newSubManager(); KvCache cache = model.newCache(sub, batch, t + steps)) {
                NDArray input = sub.create(ids, new Shape(batch, t));
                long t0 = System.nanoTime();
                long next;
                try (NDScope scope = new NDScope()) {
                    NDArray hidden = model.base().hidden(input, null, cache);
                    next = model.logits(hidden.get(new NDIndex(":, -1:, :"))).argMax(-1).getLong(0, 0);
                }
                long t1 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    try (NDScope scope = new NDScope()) {
                        long[] tok = new long[batch];
                        java.util.Arrays.fill(tok, next);
                        NDArray logits = model.base().forward(sub.create(tok, new Shape(batch, 1)), null, cache);
                        next = logits.argMax(-1).toType(DataType.INT64, false).getLong(0, 0);
                    }
                }
                long t2 = System.nanoTime();
                if (r > 0) { // the first round warms up
                    prefill = Math.min(prefill, (t1 - t0) / 1e9);
                    decode = Math.min(decode, (t2 - t1) / 1e9);
                }
            }
        }
        out.add(new Figure("prefill " + batch + "x" + t, prefill, batch * forwardFlops(c, t, 0, 1), gemm,
                String.format(java.util.Locale.ROOT, "%.0f tokens/s", batch * t / prefill)));
        double decodeFlops = 0;
        for (int s = 0; s < steps; s++) {
            decodeFlops += batch * forwardFlops(c, 1, t + s, 1);
        }
        out.add(new Figure("decode " + batch + "x" + steps, decode, decodeFlops, gemm,
                String.format(java.util.Locale.ROOT, "%.1f tokens/s", batch * steps / decode)));
        out.add(loraTrainStep(model, ids, batch, t, reps, gemm));
        return out;
    }

    /**
     * One LoRA training step's forward and backward (rank 16 on all seven projections, next-token loss on every
     * position). The base is frozen, so backward computes input gradients only: about the forward's matmul FLOPs
     * again, counted as 2 × forward (LoRA's own FLOPs are negligible and left out).
     */
    private static Figure loraTrainStep(Qwen3Model model, long[] ids, int batch, int t, int reps, double gemm) {
        model.addAdapter("bench", repo.core.model.LoraConfig.of(16, 32), 0);
        double best = Double.MAX_VALUE;
        try {
            for (int r = 0; r < reps + 1; r++) {
                try (NDManager sub = model.manager().newSubManager(); NDScope scope = new NDScope();
                     ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    NDArray input = sub.create(ids, new Shape(batch, t));
                    long t0 = System.nanoTime();
                    NDArray logits = model.with("bench").forward(input, null, null);             // (B, T, V)
                    NDArray next = input.get(new NDIndex(":, 1:")).expandDims(-1);               // (B, T-1, 1)
                    NDArray loss = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1).gather(next, -1).mean().neg();
                    gc.backward(loss);
                    if (r > 0) {
                        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                    }
                }
                for (NDArray p : model.adapterParameters("bench")) {
                    ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p);
                }
            }
        } finally {
            model.removeAdapter("bench");
        }
        return new Figure("lora step " + batch + "x" + t, best, 2 * batch * forwardFlops(model.config(), t, 0, t), gemm,
                String.format(java.util.Locale.ROOT, "%.0f tokens/s", batch * t / best));
    }
}
