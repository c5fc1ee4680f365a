package repo.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import repo.core.model.ActivationMemory;
import repo.core.model.DeferredBackward;
import repo.core.model.Forward;
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

    /** Matmul FLOPs of a forward over {@code t} new tokens with {@code past} cached, LM head on {@code headRows} rows. */
    public static double forwardFlops(Qwen3Config c, long t, long past, long headRows) {
        long h = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        double linear = 2.0 * t * (h * q + 2 * h * kv + q * h + 3.0 * h * c.intermediateSize()) * c.numHiddenLayers();
        double keysSeen = t * past + t * (t + 1) / 2.0;                           // causal: query i sees past + i + 1 keys
        double attention = 4.0 * c.numHiddenLayers() * c.numAttentionHeads() * c.headDim() * keysSeen;
        return linear + attention + 2.0 * headRows * h * c.vocabSize();
    }

    /**
     * Prefill of {@code batch} × {@code t} tokens and {@code steps} decode steps, each timed best-of-reps, and a LoRA
     * training step on {@code trainBatch} × {@code trainT} tokens; ratios against {@code gemm} FLOP/s
     * ({@link MachineBench#gemmFlopsPerSecond}).
     */
    public static List<Figure> run(Qwen3Model model, int batch, int t, int steps, int reps, int trainBatch, int trainT, double gemm) {
        NDManager m = model.manager();
        Qwen3Config c = model.config();
        List<Figure> out = new ArrayList<>();
        long[] ids = flatIds(batch, t, c.vocabSize());
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
        out.add(loraTrainStep(model, trainBatch, trainT, reps, gemm));
        return out;
    }

    private static long[] flatIds(int batch, int t, int vocab) {
        long[] ids = new long[batch * t];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(DecodeBench.ids(t, r, vocab), 0, ids, r * t, t);
        }
        return ids;
    }

    /**
     * One LoRA training step's forward and backward (rank 16 on all seven projections, next-token loss on every
     * position, the LM head through {@link repo.core.model.ChunkedLogProbs} 1,024 rows at a time, so no (B, T, V)
     * array). The base is frozen, so backward computes input gradients only: about the forward's matmul FLOPs again,
     * counted as 2 × forward (LoRA's own FLOPs and the chunked head's recompute are left out).
     */
    private static Figure loraTrainStep(Qwen3Model model, int batch, int t, int reps, double gemm) {
        long[] ids = flatIds(batch, t, model.config().vocabSize());
        model.addAdapter("bench", repo.core.model.LoraConfig.of(16, 32), 0);
        double best = Double.MAX_VALUE;
        try {
            for (int r = 0; r < reps + 1; r++) {
                try (NDManager sub = model.manager().newSubManager(); NDScope scope = new NDScope();
                     ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    NDArray input = sub.create(ids, new Shape(batch, t));
                    long t0 = System.nanoTime();
                    DeferredBackward rest = new DeferredBackward();
                    Forward pass = model.with("bench").saving(new ActivationMemory(false, 1024), rest);
                    NDArray hidden = pass.hidden(input, null, null).get(new NDIndex(":, :-1, :"));  // (B, T-1, h)
                    NDArray next = input.get(new NDIndex(":, 1:"));                                  // (B, T-1)
                    rest.backward(gc, pass.tokenLogProbs(hidden, next, 1.0, false).logProbs().mean().neg());
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
