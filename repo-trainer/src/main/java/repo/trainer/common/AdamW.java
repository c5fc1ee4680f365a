package repo.trainer.common;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import repo.core.io.SafetensorsFile;
import repo.core.io.SafetensorsWriter;

/**
 * AdamW over raw DJL arrays, computed exactly like {@code torch.optim.AdamW} (single-tensor path).
 *
 * <p>For every trainable leaf {@code p} with gradient {@code g}, step {@code t} (counted from 1) does:
 * <pre>
 *   p  ← p · (1 − lr·weightDecay)                      (decoupled weight decay)
 *   m  ← β1·m + (1 − β1)·g
 *   v  ← β2·v + (1 − β2)·g²
 *   p  ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)   (ε added after the bias correction, as torch does)
 * </pre>
 * and then zeroes {@code p}'s gradient. DJL's own AdamW differs (ε is not bias-corrected) and keeps its state
 * private; this one exposes {@link #state()} so that it can be checkpointed.
 *
 * <p>The update runs with grad mode off on the calling thread (an in-place op on a grad-requiring leaf throws
 * otherwise), so call it after the {@code GradientCollector} has closed. The moment arrays live in a manager owned by
 * this optimiser; {@link #close()} frees them. Not thread-safe.
 */
public final class AdamW implements AutoCloseable {

    /** Key of the step counter in the safetensors metadata written by {@link #save(Path)}. */
    public static final String STEP_KEY = "adamw.step";

    /**
     * Hyper-parameters other than the learning rate, which changes every step.
     *
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param eps added to the bias-corrected √v, {@code > 0}
     * @param weightDecay decoupled decay, {@code ≥ 0} (torch's default is 0.01)
     */
    public record Config(double beta1, double beta2, double eps, double weightDecay) {

        /** Checks the ranges. */
        public Config {
            requireIn("beta1", beta1, 0, 1);
            requireIn("beta2", beta2, 0, 1);
            if (!(eps > 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("eps is " + eps + ": expected a finite value > 0");
            }
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("weightDecay is " + weightDecay + ": expected a finite value >= 0");
            }
        }

        /** torch's defaults: β = (0.9, 0.999), ε = 1e-8, weight decay 0.01. */
        public static Config defaults() {
            return new Config(0.9, 0.999, 1e-8, 0.01);
        }

        /** These settings with another weight decay. */
        public Config withWeightDecay(double wd) {
            return new Config(beta1, beta2, eps, wd);
        }

        private static void requireIn(String name, double value, double lo, double hiExclusive) {
            if (!(value >= lo && value < hiExclusive)) {
                throw new IllegalArgumentException(
                        name + " is " + value + ": expected a value in [" + lo + ", " + hiExclusive + ")");
            }
        }
    }

    /**
     * A snapshot of the optimiser state: the step counter and the moments, named {@code "<i>.exp_avg"} and
     * {@code "<i>.exp_avg_sq"} for parameter {@code i}. The arrays are the optimiser's own (not copies): write them
     * out before the next {@link #step(double)}.
     */
    public record State(long step, Map<String, NDArray> tensors) {
        /** Makes the map unmodifiable. */
        public State {
            if (step < 0) {
                throw new IllegalArgumentException("step is " + step + ": expected >= 0");
            }
            tensors = Map.copyOf(tensors);
        }
    }

    private final List<NDArray> params;
    private final Config config;
    private final NDManager manager;
    private final List<NDArray> expAvg = new ArrayList<>();
    private final List<NDArray> expAvgSq = new ArrayList<>();
    private long step;

    /**
     * An optimiser for {@code params}, each a FLOAT32 leaf that requires a gradient, all on one device.
     *
     * @throws IllegalArgumentException for an empty list, a parameter without gradient, a non-float32 parameter or
     *     mixed devices
     */
    public AdamW(List<NDArray> params, Config config) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no parameters: expected at least one trainable array");
        }
        this.params = List.copyOf(params);
        this.config = config;
        Device device = this.params.get(0).getDevice();
        for (int i = 0; i < this.params.size(); i++) {
            NDArray p = this.params.get(i);
            if (!p.hasGradient()) {
                throw new IllegalArgumentException("parameter " + i + " does not require a gradient:"
                        + " expected trainable leaves (setRequiresGradient(true))");
            }
            if (p.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter " + i + " is " + p.getDataType() + ": expected FLOAT32");
            }
            if (!p.getDevice().equals(device)) {
                throw new IllegalArgumentException("parameter " + i + " is on " + p.getDevice() + ", parameter 0 on "
                        + device + ": expected one device");
            }
        }
        this.manager = NDManager.newBaseManager(device);
        for (NDArray p : this.params) {
            expAvg.add(manager.zeros(p.getShape(), DataType.FLOAT32));
            expAvgSq.add(manager.zeros(p.getShape(), DataType.FLOAT32));
        }
    }

    /** The hyper-parameters. */
    public Config config() {
        return config;
    }

    /** How many steps have been taken (0 before the first). */
    public long stepCount() {
        return step;
    }

    /**
     * Applies one update with learning rate {@code lr} from the parameters' current gradients, then zeroes them.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    public void step(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr is " + lr + ": expected a finite value >= 0");
        }
        long t = step + 1;
        double bc1 = 1 - Math.pow(config.beta1(), t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(config.beta2(), t));
        float decay = (float) (1 - lr * config.weightDecay());
        float stepSize = (float) (lr / bc1);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int i = 0; i < params.size(); i++) {
                update(params.get(i), expAvg.get(i), expAvgSq.get(i), decay, stepSize, bc2Sqrt);
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        step = t;
    }

    private void update(NDArray p, NDArray m, NDArray v, float decay, float stepSize, double bc2Sqrt) {
        try (NDArray g = p.getGradient()) {
            if (decay != 1f) {
                p.muli(decay);
            }
            m.muli((float) config.beta1());
            try (NDArray scaled = g.mul((float) (1 - config.beta1()))) {
                m.addi(scaled);
            }
            v.muli((float) config.beta2());
            try (NDArray sq = g.square()) {
                v.addi(sq.muli((float) (1 - config.beta2())));
            }
            try (NDArray denom = v.sqrt()) {
                denom.divi((float) bc2Sqrt).addi((float) config.eps());
                try (NDArray delta = m.div(denom)) {
                    p.subi(delta.muli(stepSize));
                }
            }
        }
        JniUtils.zeroGrad((PtNDArray) p);
    }

    /** Zeroes every parameter's gradient without updating (a skipped step). */
    public void zeroGrad() {
        for (NDArray p : params) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** The step counter and the moment arrays (see {@link State}). */
    public State state() {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            tensors.put(i + ".exp_avg", expAvg.get(i));
            tensors.put(i + ".exp_avg_sq", expAvgSq.get(i));
        }
        return new State(step, tensors);
    }

    /**
     * Replaces the state with a copy of {@code state}, which must hold exactly the names {@link #state()} produces,
     * with the parameters' shapes.
     *
     * @throws IllegalArgumentException for missing or extra names, or a shape mismatch
     */
    public void loadState(State state) {
        Map<String, NDArray> tensors = state.tensors();
        if (!tensors.keySet().equals(state().tensors().keySet())) {
            throw new IllegalArgumentException("optimizer state holds " + new java.util.TreeSet<>(tensors.keySet())
                    + ": expected " + new java.util.TreeSet<>(state().tensors().keySet()));
        }
        List<NDArray> newAvg = new ArrayList<>();
        List<NDArray> newAvgSq = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            newAvg.add(copyFor(i, i + ".exp_avg", tensors));
            newAvgSq.add(copyFor(i, i + ".exp_avg_sq", tensors));
        }
        for (int i = 0; i < params.size(); i++) {
            expAvg.set(i, replace(expAvg.get(i), newAvg.get(i)));
            expAvgSq.set(i, replace(expAvgSq.get(i), newAvgSq.get(i)));
        }
        step = state.step();
    }

    private NDArray copyFor(int i, String name, Map<String, NDArray> tensors) {
        NDArray source = tensors.get(name);
        NDArray p = params.get(i);
        if (!source.getShape().equals(p.getShape())) {
            throw new IllegalArgumentException("optimizer state " + name + " has shape " + source.getShape()
                    + ": expected " + p.getShape() + " like parameter " + i);
        }
        NDArray copy = manager.zeros(p.getShape(), DataType.FLOAT32);
        try (NDArray onDevice = source.toDevice(p.getDevice(), true);
             NDArray asFloat = onDevice.toType(DataType.FLOAT32, true)) {
            copy.addi(asFloat);
        }
        return copy;
    }

    private static NDArray replace(NDArray old, NDArray fresh) {
        old.close();
        return fresh;
    }

    /**
     * Writes the state to a safetensors file (F32), with the step counter in the metadata under {@link #STEP_KEY}.
     */
    public void save(Path file) throws IOException {
        SafetensorsWriter.write(file, state().tensors(), Map.of(STEP_KEY, Long.toString(step)),
                SafetensorsWriter.Storage.F32);
    }

    /**
     * Loads a state written by {@link #save(Path)}.
     *
     * @throws IllegalArgumentException if the file lacks the step counter or does not match the parameters
     */
    public void load(Path file) {
        try (SafetensorsFile in = SafetensorsFile.open(file); NDManager staging = manager.newSubManager()) {
            String stepText = in.metadata().get(STEP_KEY);
            if (stepText == null) {
                throw new IllegalArgumentException(file + ": no \"" + STEP_KEY + "\" in the metadata:"
                        + " expected an optimizer state written by AdamW.save");
            }
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : in.tensors().keySet()) {
                tensors.put(name, in.loadFinite(name, staging, DataType.FLOAT32));
            }
            try {
                loadState(new State(Long.parseLong(stepText), tensors));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Frees the moment arrays; the parameters are untouched. */
    @Override
    public void close() {
        manager.close();
    }
}
