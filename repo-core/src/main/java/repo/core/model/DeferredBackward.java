package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The backward work that memory-saving forwards leave for after the loss's backward: checkpointed decoder layers
 * ({@link CheckpointedForward}) are recomputed, and a chunked LM head ({@link ChunkedLogProbs#trainable}) pushes its
 * gradient into the hidden states, chunk by chunk. Their forwards record no graph for that part, so the loss's own
 * backward stops at the leaves they handed out; {@link #backward} continues from there, last registered first.
 *
 * <pre>
 * try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
 *     DeferredBackward rest = new DeferredBackward();
 *     Forward pass = model.with("policy").saving(new ActivationMemory(true, 1024), rest);
 *     NDArray loss = ...;                  // from pass.hidden(...) and pass.tokenLogProbs(...)
 *     rest.backward(gc, loss);             // gc.backward(loss), then the deferred work
 * }
 * </pre>
 *
 * One per loss; not thread-safe (nor is a gradient collector).
 */
public final class DeferredBackward {
    private final Deque<Runnable> steps = new ArrayDeque<>();

    /** Registers work to run after the loss's backward, before anything registered earlier. */
    void defer(Runnable step) {
        steps.push(step);
    }

    /** {@code gc.backward(loss)}, then every deferred step, last registered first; the list is empty afterwards. */
    public void backward(GradientCollector gc, NDArray loss) {
        gc.backward(loss);
        while (!steps.isEmpty()) {
            steps.pop().run();
        }
    }

    /** Pushes {@code grad} into {@code output}'s graph (which must have one): gradients flow on to the leaves below. */
    static void into(NDArray output, NDArray grad) {
        JniUtils.backward((PtNDArray) output, (PtNDArray) grad, false, false);
    }

    /**
     * An owned copy of a leaf's gradient. Autograd may adopt an incoming gradient tensor as a leaf's {@code .grad} and
     * later add into it in place, which must never touch a gradient still being pushed on through another graph.
     */
    static NDArray gradientOf(NDArray leaf) {
        try (NDArray view = leaf.getGradient()) {
            return view.duplicate();
        }
    }
}
