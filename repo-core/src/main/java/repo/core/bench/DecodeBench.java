package repo.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.model.KvCache;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;

/** Decode speed as users see it: through {@link Generator} (sampling and stopping included), and the KV cache's gain. */
public final class DecodeBench {
    private DecodeBench() {
    }

    /** Deterministic ids of a {@code t}-token input, row {@code row}, below {@code vocab} (and the Qwen3 text range). */
    public static long[] ids(int t, int row, int vocab) {
        long[] ids = new long[t];
        for (int i = 0; i < t; i++) {
            ids[i] = ((i + 31L * row) * 7919L) % Math.min(150_000, vocab);
        }
        return ids;
    }

    /**
     * Decode tokens/s at {@code batch} rows: (time of {@code steps} new tokens − time of 1 new token), so the prompt's
     * prefill is not counted; top-k 50 sampling at temperature 1, no stop token (every row runs to the end).
     */
    public static double tokensPerSecond(Qwen3Model model, QwenTokenizer tok, int batch, int promptTokens, int steps, int reps) {
        List<long[]> prompts = new ArrayList<>();
        for (int r = 0; r < batch; r++) {
            prompts.add(ids(promptTokens, r, model.config().vocabSize()));
        }
        Generator g = new Generator(model.base(), tok);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps + 1; r++) {
            long seed = r;
            double one = time(() -> g.generate(prompts, params(1, seed)));
            double all = time(() -> g.generate(prompts, params(steps, seed)));
            if (r > 0) {
                best = Math.min(best, all - one);
            }
        }
        return (double) batch * (steps - 1) / best;
    }

    private static SamplingParams params(int n, long seed) {
        return new SamplingParams(n, false, 1f, 1f, 50, seed, java.util.Set.of(), List.of());
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Result of {@link #kvCache}: seconds with the cache, seconds of full recompute, native ops per cached step. */
    public record KvFigures(double cachedSeconds, double recomputeSeconds, double cachedStepSeconds, double opsPerStep) {
        public double speedup() {
            return recomputeSeconds / cachedSeconds;
        }
    }

    /**
     * {@code newTokens} greedy tokens after a {@code promptTokens} prompt at batch 1: with the KV cache (prefill + one
     * step per token), and by full recompute (a forward over the whole sequence per token). Recompute time is the mean
     * of forwards at {@code samples} evenly spaced lengths times {@code newTokens} (exact for a cost linear in length).
     */
    public static KvFigures kvCache(Qwen3Model model, int promptTokens, int newTokens, int samples) {
        return NoGrad.get(() -> {
            NDManager m = model.manager();
            Qwen3Config c = model.config();
            long[] ids = ids(promptTokens, 0, c.vocabSize());
            double cached = Double.MAX_VALUE, step = Double.MAX_VALUE;
            double ops = -1;
            for (int r = 0; r < 2; r++) {
                try (NDManager sub = m.newSubManager(); KvCache cache = model.newCache(sub, 1, promptTokens + newTokens + 1)) {
                    long t0 = System.nanoTime();
                    long next = lastArgMax(model, sub.create(ids, new Shape(1, ids.length)), cache);
                    List<Double> steps = new ArrayList<>();
                    for (int s = 0; s < newTokens; s++) {
                        long t1 = System.nanoTime();
                        int[] count = {-1};
                        next = lastArgMax(model, sub.create(new long[] {next}, new Shape(1, 1)), cache, count);
                        if (s == newTokens / 2) {
                            ops = count[0];
                        }
                        steps.add((System.nanoTime() - t1) / 1e9);
                    }
                    double total = (System.nanoTime() - t0) / 1e9;
                    if (r > 0) {
                        cached = total;
                        Collections.sort(steps);
                        step = steps.get(steps.size() / 2);
                    }
                }
            }
            double sum = 0;
            for (int k = 0; k < samples; k++) {
                int len = promptTokens + 1 + (int) ((long) (newTokens - 1) * k / Math.max(1, samples - 1));
                long[] seq = ids(len, 0, c.vocabSize());
                double best = Double.MAX_VALUE;
                for (int r = 0; r < 2; r++) {
                    long t0 = System.nanoTime();
                    try (NDManager sub = m.newSubManager()) {
                        lastArgMax(model, sub.create(seq, new Shape(1, len)), null);
                    }
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
                sum += best;
            }
            return new KvFigures(cached, sum / samples * newTokens, step, ops);
        });
    }

    private static long lastArgMax(Qwen3Model model, NDArray ids, KvCache cache) {
        return lastArgMax(model, ids, cache, new int[1]);
    }

    /** Greedy next token; {@code opsOut[0]} receives the number of arrays the step created (≈ native ops). */
    private static long lastArgMax(Qwen3Model model, NDArray ids, KvCache cache, int[] opsOut) {
        try (NDScope scope = new NDScope()) {
            NDArray h = model.base().hidden(ids, null, cache);                                     // (1, T, h)
            long next = model.logits(h.get(new NDIndex(":, -1:, :"))).argMax(-1).toType(DataType.INT64, false).getLong(0, 0);
            opsOut[0] = MachineBench.arraysInScope(scope);
            return next;
        }
    }

    /**
     * Bytes a batch-1 decode step must read: every projection and norm weight, the LM head (the embedding when tied;
     * an untied embedding is read one row per token, so it is left out) and the KV cache at {@code cached} tokens.
     */
    public static double bytesPerToken(Qwen3Model model, int cached) {
        Qwen3Config c = model.config();
        double bytes = 0;
        for (var e : model.weights().entrySet()) {
            if (e.getKey().equals("model.embed_tokens.weight") && !c.tieWordEmbeddings()) {
                continue;
            }
            NDArray w = e.getValue();
            bytes += (double) w.size() * w.getDataType().getNumOfBytes();
        }
        return bytes + 2.0 * c.numHiddenLayers() * c.numKeyValueHeads() * c.headDim() * cached
                * model.options().kvCacheType().getNumOfBytes();
    }
}
