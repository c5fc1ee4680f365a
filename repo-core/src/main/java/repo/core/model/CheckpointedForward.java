package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Gradient checkpointing per decoder layer. The forward keeps only each layer's input (B, T, h), and builds no graph
 * through the layers; after the loss's backward ({@link DeferredBackward}) the layers are recomputed last to first,
 * one at a time, each with a graph that its backward frees at once. Loss and gradients equal the plain forward's
 * (CheckpointedForwardTest, also with LoRA dropout: each layer draws its masks from its own seed,
 * {@code Qwen3Model.Stages}, so the recompute repeats them).
 *
 * <p>Activation memory: L × (B, T, h) saved inputs plus one layer's graph, against every layer's graph at once. Cost:
 * one more forward through the layers.
 */
final class CheckpointedForward {
    private CheckpointedForward() {
    }

    /**
     * Final hidden states (B, T, h), post final norm, differentiable: the loss's backward reaches the final norm and
     * stops at the last layer's output; the layers' own backward is deferred to {@code rest}. Needs grad mode (inside a
     * gradient collector) and no KV cache.
     */
    static NDArray hidden(Qwen3Model model, NDArray ids, NDArray attentionMask, Forward pass, DeferredBackward rest) {
        if (!JniUtils.isGradMode()) {
            throw new IllegalStateException("a checkpointed forward needs grad mode: run it inside a GradientCollector");
        }
        Qwen3Model.Stages st = model.stages(ids, attentionMask, null, pass);
        NDArray embedded = st.embedded();                    // (B, T, h), with a graph when the embedding is trainable
        int n = model.numLayers();
        NDArray[] inputs = new NDArray[n];                   // layer inputs, no graph
        NDArray x = NoGrad.get(embedded::duplicate);
        for (int i = 0; i < n; i++) {
            inputs[i] = x;
            int layer = i;
            NDArray in = x;
            x = NoGrad.get(() -> Scopes.keep(() -> st.layer(layer, in))); // (B, T, h); the layer's activations freed
        }
        NDArray last = x;                                    // the last layer's output as a leaf
        last.setRequiresGradient(true);
        NDArray hidden = st.finish(last);                    // (B, T, h)
        rest.defer(() -> {
            NDArray g = DeferredBackward.gradientOf(last);   // dL/d(last layer's output)
            for (int i = n - 1; i >= 0; i--) {
                NDArray gOut = g, saved = inputs[i];
                int layer = i;
                g = Scopes.keep(() -> {
                    NDArray in = saved.stopGradient();
                    in.setRequiresGradient(true);
                    DeferredBackward.into(st.layer(layer, in), gOut);  // recompute layer i and push dL/d(output) through it
                    return DeferredBackward.gradientOf(in);
                });
                gOut.close();
            }
            st.reseedAfterLayers();                          // torch's generator as the plain forward left it
            if (model.embeddingTrainable()) {
                DeferredBackward.into(embedded, g);
            }
        });
        return hidden;
    }
}
