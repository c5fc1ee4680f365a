package repo.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A forward pass of a {@link Qwen3Model} that names what it runs with: one LoRA adapter or the base weights
 * alone, and whether LoRA dropout is on. Immutable; get one from {@link Qwen3Model#with} or
 * {@link Qwen3Model#base}. Forwards with different adapters may be interleaved in any order: nothing one of them
 * does changes what another computes.
 */
public final class Forward {
    private final Qwen3Model model;
    private final String adapter;
    private final boolean dropout;

    Forward(Qwen3Model model, String adapter, boolean dropout) {
        this.model = model;
        this.adapter = adapter;
        this.dropout = dropout;
    }

    /** The same adapter with LoRA dropout on (training) or off (evaluation, the default). */
    public Forward dropout(boolean on) {
        return new Forward(model, adapter, on);
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

    /**
     * Final hidden states (post final norm).
     *
     * @param ids (B, T) int64 token ids
     * @param attentionMask (B, P+T) 1 = real token, 0 = padding; null means all ones
     * @param cache KV cache holding P tokens (appended to), or null for a full forward (training)
     * @return (B, T, h)
     */
    public NDArray hidden(NDArray ids, NDArray attentionMask, KvCache cache) {
        return model.hidden(ids, attentionMask, cache, this);
    }

    /** Logits for every position: (B, T) ids -> (B, T, V). See {@link #hidden}. */
    public NDArray forward(NDArray ids, NDArray attentionMask, KvCache cache) {
        return model.logits(hidden(ids, attentionMask, cache));
    }

    @Override
    public String toString() {
        return (adapter == null ? "base" : "adapter " + adapter) + (dropout ? " (dropout)" : "");
    }
}
