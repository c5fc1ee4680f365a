package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A forward pass of a {@link Qwen3Model} that names what it runs with: one LoRA adapter or the base weights
 * alone, whether LoRA dropout is on, and how a training forward saves activation memory ({@link #saving}).
 * Immutable; get one from {@link Qwen3Model#with} or {@link Qwen3Model#base}. Forwards with different adapters may
 * be interleaved in any order: nothing one of them does changes what another computes.
 */
public final class Forward {
    private final Qwen3Model model;
    private final String adapter;
    private final boolean dropout;
    private final ActivationMemory memory;
    private final DeferredBackward rest;   // where a saving forward's deferred backward goes; null with NONE

    Forward(Qwen3Model model, String adapter, boolean dropout) {
        this(model, adapter, dropout, ActivationMemory.NONE, null);
    }

    private Forward(Qwen3Model model, String adapter, boolean dropout, ActivationMemory memory, DeferredBackward rest) {
        this.model = model;
        this.adapter = adapter;
        this.dropout = dropout;
        this.memory = memory;
        this.rest = rest;
    }

    /** The same adapter with LoRA dropout on (training) or off (evaluation, the default). */
    public Forward dropout(boolean on) {
        return new Forward(model, adapter, on, memory, rest);
    }

    /**
     * The same forward saving activation memory as {@code memory} says when it runs with gradients: checkpointed
     * decoder layers, a chunked LM head in {@link #tokenLogProbs}. The part of the backward they defer goes to
     * {@code rest}, which the caller runs in place of the gradient collector's backward. Without gradients (evaluation,
     * rollouts) the layers run plainly; the LM head is still chunked. Losses and gradients are unchanged.
     */
    public Forward saving(ActivationMemory memory, DeferredBackward rest) {
        if (memory.defers() && rest == null) {
            throw new IllegalArgumentException("a forward that saves activation memory needs a DeferredBackward to run after the loss's backward");
        }
        return new Forward(model, adapter, dropout, memory, rest);
    }

    public Qwen3Model model() {
        return model;
    }

    /** The adapter's name, or null for the base weights. */
    public String adapter() {
        return adapter;
    }

    /** Whether LoRA dropout is applied. */
    public boolean dropout() {
        return dropout;
    }

    /** How this forward saves activation memory ({@link ActivationMemory#NONE} unless {@link #saving}). */
    public ActivationMemory memory() {
        return memory;
    }

    /**
     * Final hidden states (post final norm); with checkpointing, through {@link CheckpointedForward} when the forward
     * trains something (gradient mode on, a trainable adapter or base), without a cache.
     *
     * @param ids (B, T) int64 token ids
     * @param attentionMask (B, P+T) 1 = real token, 0 = padding; null means all ones
     * @param cache KV cache holding P tokens (appended to), or null for a full forward (training)
     * @return (B, T, h)
     */
    public NDArray hidden(NDArray ids, NDArray attentionMask, KvCache cache) {
        if (memory.checkpointing() && cache == null && JniUtils.isGradMode() && model.trains(this)) {
            return CheckpointedForward.hidden(model, ids, attentionMask, this, rest);
        }
        return model.hidden(ids, attentionMask, cache, this);
    }

    /** Logits for every position: (B, T) ids -> (B, T, V). See {@link #hidden}. */
    public NDArray forward(NDArray ids, NDArray attentionMask, KvCache cache) {
        return model.logits(hidden(ids, attentionMask, cache));
    }

    /**
     * Log-probs of {@code targets} (B, T) and, when asked, entropies under {@code softmax(logits / temperature)} at
     * {@code hidden} (B, T, h): through the whole (B, T, V) logits, or with {@link ActivationMemory#logitsChunk} rows
     * at a time ({@link ChunkedLogProbs}; trainable when this forward trains something and gradient mode is on).
     */
    public ChunkedLogProbs.Result tokenLogProbs(NDArray hidden, NDArray targets, double temperature, boolean entropy) {
        int chunk = memory.logitsChunk();
        if (chunk == 0) {
            return ChunkedLogProbs.whole(model.logits(hidden), targets, temperature, entropy);
        }
        if (JniUtils.isGradMode() && model.trains(this)) {
            return ChunkedLogProbs.trainable(model, hidden, targets, temperature, entropy, chunk, rest);
        }
        return ChunkedLogProbs.compute(model, hidden, targets, temperature, entropy, chunk);
    }

    @Override
    public String toString() {
        return (adapter == null ? "base" : "adapter " + adapter) + (dropout ? " (dropout)" : "")
                + (memory.defers() ? " " + memory : "");
    }
}
