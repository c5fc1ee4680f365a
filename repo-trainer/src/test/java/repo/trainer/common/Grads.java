package repo.trainer.common;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;

/** Test helper: gives trainable leaves exactly the gradients wanted, through a real backward pass. */
final class Grads {

    private Grads() {
    }

    /** A FLOAT32 leaf that requires a gradient. */
    static NDArray leaf(NDManager manager, float... values) {
        NDArray p = manager.create(values);
        p.setRequiresGradient(true);
        return p;
    }

    /** Backpropagates {@code Σ_i sum(p_i · g_i)}, whose gradient with respect to {@code p_i} is {@code g_i}. */
    static void set(NDManager manager, List<NDArray> params, float[]... grads) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector();
             NDManager scratch = manager.newSubManager()) {
            NDArray loss = scratch.zeros(new ai.djl.ndarray.types.Shape());
            for (int i = 0; i < params.size(); i++) {
                NDArray g = scratch.create(grads[i]).reshape(params.get(i).getShape());
                loss = loss.add(params.get(i).mul(g).sum());
            }
            gc.backward(loss);
        }
    }

    /** A copy of the gradient's values. */
    static float[] of(NDArray p) {
        try (NDArray g = p.getGradient()) {
            return g.toFloatArray();
        }
    }
}
