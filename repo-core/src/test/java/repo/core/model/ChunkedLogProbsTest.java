package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import repo.core.model.ModelOptions.Precision;

/**
 * The chunked LM head equals the whole log-softmax, on an FP64 model with a LoRA adapter (B ≠ 0): log-probs and
 * entropies in value (every chunk size, temperatures 1 and 0.7), and the adapter's gradients of
 * L = Σ c1·logp + Σ c2·H over a padded batch.
 */
class ChunkedLogProbsTest {
    static final double TOL = 1e-10;

    static NDArray loss(ChunkedLogProbs.Result v, NDArray c1, NDArray c2) {
        return v.logProbs().mul(c1).sum().add(v.entropy().mul(c2).sum());
    }

    /** A way to compute the loss: gets the batch and the forward, returns the loss after its whole backward. */
    interface Variant {
        NDArray run(Batch b, Forward pass, GradientCollector gc);
    }

    /** The plain computation: whole (B, T, V) logits, one backward. */
    static final Variant WHOLE = (b, pass, gc) -> {
        NDArray l = loss(pass.tokenLogProbs(pass.hidden(b.ids(), b.mask(), null), b.targets(), b.temperature(), true), b.c1(), b.c2());
        gc.backward(l);
        return l;
    };

    /** {@code memory}'s forward and log-probs, then the deferred backward. */
    static Variant saving(ActivationMemory memory) {
        return (b, pass, gc) -> {
            DeferredBackward rest = new DeferredBackward();
            Forward p = pass.saving(memory, rest);
            NDArray l = loss(p.tokenLogProbs(p.hidden(b.ids(), b.mask(), null), b.targets(), b.temperature(), true), b.c1(), b.c2());
            rest.backward(gc, l);
            return l;
        };
    }

    /**
     * The loss and every adapter gradient of one variant, on a fresh model (same seeds, so the same weights): each
     * variant's backward is the first into its parameters, so nothing carries over between variants.
     */
    static List<double[]> grads(double dropout, double temperature, Variant v) {
        List<double[]> out = new ArrayList<>();
        try (Qwen3Model model = model(dropout); NDManager m = model.manager().newSubManager()) {
            Engine.getInstance().setRandomSeed(3);
            Batch b = Batch.of(m, temperature);
            Engine.getInstance().setRandomSeed(77);
            try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out.add(new double[] {v.run(b, model.with("a").dropout(dropout > 0), gc).getDouble()});
            }
            for (NDArray p : model.adapterParameters("a")) {
                try (NDArray g = p.getGradient()) {
                    out.add(g.toDoubleArray());
                }
            }
        }
        return out;
    }

    static void assertSame(List<double[]> got, List<double[]> want) {
        assertThat(got).hasSameSizeAs(want);
        double max = 0, norm = 0;
        for (int i = 0; i < got.size(); i++) {
            max = Math.max(max, LoraTestModels.maxAbsDiff(got.get(i), want.get(i)));
            for (double x : want.get(i)) {
                norm = Math.max(norm, Math.abs(x));
            }
        }
        assertThat(norm).as("gradients are not all zero").isGreaterThan(1e-3);
        assertThat(max).as("largest difference in loss and gradients").isLessThan(TOL);
    }

    record Batch(NDArray ids, NDArray mask, NDArray targets, NDArray c1, NDArray c2, double temperature) {
        static Batch of(NDManager m, double temperature) {
            return new Batch(LoraTestModels.ids(m, 2, 7, 1),
                    m.create(new long[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}, new Shape(2, 7)),
                    LoraTestModels.ids(m, 2, 7, 2), m.randomNormal(0, 1, new Shape(2, 7), DataType.FLOAT64),
                    m.randomNormal(0, 1, new Shape(2, 7), DataType.FLOAT64), temperature);
        }
    }

    static Qwen3Model model(double dropout) {
        Qwen3Model model = LoraTestModels.model(Precision.FP64, 31);
        model.addAdapter("a", new LoraConfig(4, 8, dropout, LoraConfig.ALL_LINEAR, false), 5);
        LoraTestModels.randomizeB(model, "a", 0.1, 6);
        return model;
    }

    @Test
    void chunkedLogProbsAndEntropiesEqualTheWholeLogSoftmax() {
        try (Qwen3Model model = model(0); NDManager m = model.manager().newSubManager(); NDScope s = new NDScope()) {
            for (double temperature : new double[] {1.0, 0.7}) {
                Batch b = Batch.of(m, temperature);
                NDArray hidden = NoGrad.get(() -> model.with("a").hidden(b.ids(), b.mask(), null));
                ChunkedLogProbs.Result want = NoGrad.get(() -> ChunkedLogProbs.whole(model.logits(hidden), b.targets(), temperature, true));
                for (int chunk : new int[] {1, 3, 14, 100}) {
                    ChunkedLogProbs.Result got = ChunkedLogProbs.compute(model, hidden, b.targets(), temperature, true, chunk);
                    assertThat(got.logProbs().getShape()).isEqualTo(new Shape(2, 7));
                    assertThat(LoraTestModels.maxAbsDiff(got.logProbs().toDoubleArray(), want.logProbs().toDoubleArray())).isLessThan(TOL);
                    assertThat(LoraTestModels.maxAbsDiff(got.entropy().toDoubleArray(), want.entropy().toDoubleArray())).isLessThan(TOL);
                    assertThat(ChunkedLogProbs.compute(model, hidden, b.targets(), temperature, false, chunk).entropy()).isNull();
                }
            }
        }
    }

    @Test
    void chunkedHeadGradientsEqualTheWholeHead() {
        for (double temperature : new double[] {1.0, 0.7}) {
            List<double[]> want = grads(0, temperature, WHOLE);
            assertSame(grads(0, temperature, saving(new ActivationMemory(false, 3))), want);
            assertSame(grads(0, temperature, saving(new ActivationMemory(false, 1000))), want);
        }
    }

    /** Log-probs alone (no entropy asked for, as SFT and DPO use them): the same gradients. */
    @Test
    void logProbsAloneGiveTheSameGradients() {
        Variant whole = (b, pass, gc) -> {
            NDArray l = pass.tokenLogProbs(pass.hidden(b.ids(), b.mask(), null), b.targets(), 1.0, false).logProbs().mul(b.c1()).sum();
            gc.backward(l);
            return l;
        };
        Variant chunked = (b, pass, gc) -> {
            DeferredBackward rest = new DeferredBackward();
            Forward p = pass.saving(new ActivationMemory(false, 4), rest);
            NDArray l = p.tokenLogProbs(p.hidden(b.ids(), b.mask(), null), b.targets(), 1.0, false).logProbs().mul(b.c1()).sum();
            rest.backward(gc, l);
            return l;
        };
        assertSame(grads(0, 1.0, chunked), grads(0, 1.0, whole));
    }
}
