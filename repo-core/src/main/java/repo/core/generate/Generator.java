package repo.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import repo.core.model.Forward;
import repo.core.model.KvCache;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;

/**
 * Batched autoregressive decoding with a preallocated KV cache.
 *
 * <p>Prompts of different lengths are left-padded with {@code <|endoftext|>}; the attention mask hides
 * the padding and the model derives positions from it, so each row decodes exactly as it would alone.
 * Every step runs inside an {@link NDScope}: the number of live arrays does not grow with length.
 * Sampling draws its uniforms from a seeded {@link SplittableRandom}, so runs are reproducible on any device.
 */
public final class Generator {
    /** The Qwen3 id of the left padding, {@code <|endoftext|>} (a task vocabulary maps it, see {@link QwenTokenizer#modelId}). */
    public static final long PAD_ID = 151643L;

    private final Forward pass;
    private final Qwen3Model model;
    private final QwenTokenizer tokenizer;

    /** Decodes with the adapter (or the base) {@code pass} names; dropout stays off whatever {@code pass} says. */
    public Generator(Forward pass, QwenTokenizer tokenizer) {
        this.pass = pass.dropout(false);
        this.model = pass.model();
        this.tokenizer = tokenizer;
    }

    /** Generates from one prompt text (already chat-formatted if needed). */
    public Generation generate(String prompt, SamplingParams params) {
        return generate(List.of(tokenizer.encode(prompt)), params).get(0);
    }

    /** Generates a continuation for each prompt; results come back in prompt order. */
    public List<Generation> generate(List<long[]> prompts, SamplingParams params) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        int b = prompts.size();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        if (prompts.stream().anyMatch(p -> p.length == 0)) {
            throw new IllegalArgumentException("every prompt needs at least one token");
        }
        int capacity = longest + params.maxNewTokens();
        if (capacity > model.config().maxPositionEmbeddings()) {
            throw new IllegalArgumentException("prompt (" + longest + " tokens) + maxNewTokens (" + params.maxNewTokens()
                    + ") exceeds max_position_embeddings " + model.config().maxPositionEmbeddings());
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // no graphs through the cache, whatever thread we are on
        try (NDManager gen = model.manager().newSubManager();
             KvCache cache = model.newCache(gen, b, capacity)) {
            Rows rows = new Rows(prompts, params, tokenizer.modelIds(params.stopTokenIds()));
            NDArray mask = gen.create(leftPaddedMask(prompts, longest, capacity), new Shape(b, capacity)); // (B, Tmax)
            NDArray next = gen.create(leftPadded(prompts, longest, tokenizer.modelId(PAD_ID)), new Shape(b, longest));               // (B, P)
            SplittableRandom rng = new SplittableRandom(params.seed());
            for (int step = 0; step < params.maxNewTokens() && !rows.allDone(); step++) {
                if (Thread.currentThread().isInterrupted()) { // a server cancels a generation whose client went away
                    throw new java.util.concurrent.CancellationException("generation interrupted after " + step + " tokens");
                }
                try (NDScope scope = new NDScope()) {
                    NDArray hidden = pass.hidden(next, mask.get(new NDIndex(":, :{}", cache.length() + next.getShape().get(1))), cache);
                    NDArray logits = model.logits(hidden.get(new NDIndex(":, -1:, :"))).squeeze(1); // (B, V)
                    NDArray[] picked = pick(logits, params, rng);                                 // (B) ids, (B) log-probs
                    long[] tokens = picked[0].toLongArray();
                    rows.append(tokens, picked[1].toFloatArray(), tokenizer);
                    NDArray fed = gen.create(tokens, new Shape(b, 1));
                    NDScope.unregister(fed);
                    next.close();
                    next = fed;
                }
            }
            return rows.results(tokenizer);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Chooses the next token per row: (B, V) logits -> {(B) int64 ids, (B) fp32 log-probs}. */
    static NDArray[] pick(NDArray logits, SamplingParams p, SplittableRandom rng) {
        NDArray logp = logits.logSoftmax(-1);                                       // (B, V)
        NDArray ids;
        if (p.greedy()) {
            ids = logits.argMax(-1).expandDims(-1);                                  // (B, 1)
        } else {
            long v = logits.getShape().getLastDimension();
            NDArray z = logits.div(p.temperature());
            NDArray sortedZ, order;                                                  // (B, C) descending
            if (p.topK() > 0 && p.topK() < v) {
                NDList top = JniUtils.topK((PtNDArray) z, p.topK(), -1, true, true);
                sortedZ = top.get(0);
                order = top.get(1);
            } else {
                order = z.argSort(-1, false);
                sortedZ = z.gather(order, -1);
            }
            NDArray probs = sortedZ.softmax(-1);                                     // (B, C)
            NDArray before = probs.cumSum(-1).sub(probs);                            // mass ranked above each token
            NDArray kept = probs.mul(before.lt(p.topP()).toType(DataType.FLOAT32, false)); // nucleus (the top token always stays)
            NDArray cdf = kept.cumSum(-1);                                           // (B, C)
            float[] u = new float[(int) logits.getShape().get(0)];
            for (int i = 0; i < u.length; i++) {
                u[i] = (float) rng.nextDouble();
            }
            NDArray target = logits.getManager().create(u, new Shape(u.length, 1)).mul(cdf.get(":, -1:")); // (B, 1)
            NDArray rank = cdf.lte(target).sum(new int[] {-1}, true).minimum(cdf.getShape().getLastDimension() - 1); // (B, 1)
            ids = order.gather(rank.toType(DataType.INT64, false), -1);            // (B, 1)
        }
        NDArray lp = logp.gather(ids, -1).squeeze(-1);                              // (B)
        return new NDArray[] {ids.squeeze(-1).toType(DataType.INT64, false), lp};
    }

    private static long[] leftPadded(List<long[]> prompts, int width, long pad) {
        long[] out = new long[prompts.size() * width];
        Arrays.fill(out, pad);
        for (int r = 0; r < prompts.size(); r++) {
            long[] p = prompts.get(r);
            System.arraycopy(p, 0, out, r * width + width - p.length, p.length);
        }
        return out;
    }

    /** 0 over each row's left padding, 1 over its prompt and every future slot: (B, Tmax). */
    private static long[] leftPaddedMask(List<long[]> prompts, int width, int capacity) {
        long[] out = new long[prompts.size() * capacity];
        for (int r = 0; r < prompts.size(); r++) {
            Arrays.fill(out, r * capacity + width - prompts.get(r).length, (r + 1) * capacity, 1L);
        }
        return out;
    }

    /** Per-row bookkeeping: generated ids, log-probs and why a row stopped. */
    private static final class Rows {
        final List<long[]> prompts;
        final SamplingParams params;
        final java.util.Set<Long> stopIds; // params' stop ids in the model's id space
        final List<List<Long>> ids = new ArrayList<>();
        final List<List<Float>> logProbs = new ArrayList<>();
        final FinishReason[] finish;
        final int[] textEnd; // where a stop string begins in the decoded text, -1 if none

        Rows(List<long[]> prompts, SamplingParams params, java.util.Set<Long> stopIds) {
            this.prompts = prompts;
            this.params = params;
            this.stopIds = stopIds;
            this.finish = new FinishReason[prompts.size()];
            this.textEnd = new int[prompts.size()];
            Arrays.fill(textEnd, -1);
            for (int i = 0; i < prompts.size(); i++) {
                ids.add(new ArrayList<>());
                logProbs.add(new ArrayList<>());
            }
        }

        void append(long[] tokens, float[] lps, QwenTokenizer tokenizer) {
            for (int r = 0; r < tokens.length; r++) {
                if (finish[r] != null) {
                    continue;
                }
                ids.get(r).add(tokens[r]);
                logProbs.get(r).add(lps[r]);
                if (stopIds.contains(tokens[r])) {
                    finish[r] = FinishReason.STOP_TOKEN;
                } else if (!params.stopStrings().isEmpty()) {
                    String text = tokenizer.decode(toLongs(ids.get(r)), true);
                    int at = firstStop(text);
                    if (at >= 0) {
                        finish[r] = FinishReason.STOP_STRING;
                        textEnd[r] = at;
                    }
                }
                if (finish[r] == null && ids.get(r).size() >= params.maxNewTokens()) {
                    finish[r] = FinishReason.LENGTH;
                }
            }
        }

        private int firstStop(String text) {
            int best = -1;
            for (String s : params.stopStrings()) {
                int at = text.indexOf(s);
                if (at >= 0 && (best < 0 || at < best)) {
                    best = at;
                }
            }
            return best;
        }

        boolean allDone() {
            return Arrays.stream(finish).allMatch(f -> f != null);
        }

        List<Generation> results(QwenTokenizer tokenizer) {
            List<Generation> out = new ArrayList<>();
            for (int r = 0; r < finish.length; r++) {
                long[] gen = toLongs(ids.get(r));
                String text = tokenizer.decode(gen, true);
                if (textEnd[r] >= 0) {
                    text = text.substring(0, textEnd[r]);
                }
                float[] lp = new float[gen.length];
                for (int i = 0; i < lp.length; i++) {
                    lp[i] = logProbs.get(r).get(i);
                }
                out.add(new Generation(prompts.get(r).clone(), gen, text, lp,
                        finish[r] == null ? FinishReason.LENGTH : finish[r]));
            }
            return out;
        }

        private static long[] toLongs(List<Long> xs) {
            return xs.stream().mapToLong(Long::longValue).toArray();
        }
    }
}
