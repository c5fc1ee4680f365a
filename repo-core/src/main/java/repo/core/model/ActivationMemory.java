package repo.core.model;

/**
 * How a training forward trades compute for activation memory; both choices leave the loss and the gradients as they
 * are (CheckpointedForwardTest, ChunkedLogProbsTest).
 *
 * @param checkpointing keep only each decoder layer's input during the forward and recompute the layer in the
 *     backward ({@link CheckpointedForward}): L × (B, T, h) saved plus one layer's graph, in place of every layer's
 * @param logitsChunk run the LM head and its log-softmax this many rows (positions) at a time
 *     ({@link ChunkedLogProbs}), so no (B, T, V) array exists; 0 = all rows at once
 */
public record ActivationMemory(boolean checkpointing, int logitsChunk) {
    /** Everything at once: the plain forward and backward. */
    public static final ActivationMemory NONE = new ActivationMemory(false, 0);

    public ActivationMemory {
        if (logitsChunk < 0) {
            throw new IllegalArgumentException("logitsChunk must be 0 (all rows at once) or a positive row count, got " + logitsChunk);
        }
    }

    /** Whether any part of the backward is deferred (then forwards need a {@link DeferredBackward}). */
    public boolean defers() {
        return checkpointing || logitsChunk > 0;
    }
}
