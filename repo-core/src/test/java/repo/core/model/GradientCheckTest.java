package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import repo.core.model.ModelOptions.Precision;

/**
 * Analytic gradients (libtorch autograd through the whole FP64 model) of LoRA A/B, the value head and the score
 * head against central finite differences of one scalar loss:
 * L = Σ log_softmax(logits)[target] + Σ c_v·values + Σ c_s·scores.
 */
class GradientCheckTest {
    private static final double EPS = 1e-5;
    private static final double TOL = 1e-4;

    @Test
    void loraAndHeadGradientsMatchFiniteDifferences() {
        try (Qwen3Model model = LoraTestModels.model(Precision.FP64, 21);
             NDManager m = model.manager().newSubManager()) {
            model.addAdapter("a", LoraConfig.of(4, 16).withTargets(List.of("q_proj", "v_proj", "down_proj", "gate_proj")), 5);
            LoraTestModels.randomizeB(model, "a", 0.1, 6); // A's gradient is B-weighted: non-zero only when B != 0
            int h = model.config().hiddenSize();
            ValueHead value = ValueHead.create(m, h, DataType.FLOAT64, 7);
            ScoreHead score = ScoreHead.create(m, h, DataType.FLOAT64, 8);
            NDArray ids = LoraTestModels.ids(m, 2, 5, 1), targets = LoraTestModels.ids(m, 2, 5, 2);
            NDArray mask = m.create(new long[] {0, 1, 1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 5)); // left and right padding
            NDArray cv = m.randomNormal(0, 1, new Shape(2, 5), DataType.FLOAT64);
            NDArray cs = m.create(new double[] {0.7, -1.3});

            Map<String, NDArray> checked = new LinkedHashMap<>();
            Map<String, LoraAdapter> mods = model.adapterModules("a");
            checked.put("q_proj.0 A", mods.get("model.layers.0.self_attn.q_proj").a());
            checked.put("q_proj.0 B", mods.get("model.layers.0.self_attn.q_proj").b());
            checked.put("v_proj.1 A", mods.get("model.layers.1.self_attn.v_proj").a());
            checked.put("down_proj.1 B", mods.get("model.layers.1.mlp.down_proj").b());
            checked.put("gate_proj.0 A", mods.get("model.layers.0.mlp.gate_proj").a());
            checked.put(ValueHead.WEIGHT, value.weight());
            checked.put(ValueHead.BIAS, value.bias());
            checked.put(ScoreHead.WEIGHT, score.weight());
            checked.values().forEach(p -> assertThat(p.getDataType()).isEqualTo(DataType.FLOAT64));

            Map<String, double[]> analytic = new LinkedHashMap<>();
            try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(loss(model, value, score, ids, targets, mask, cv, cs));
                checked.forEach((name, p) -> {
                    try (NDArray g = p.getGradient()) {
                        analytic.put(name, g.toDoubleArray());
                    }
                });
            }

            SplittableRandom rng = new SplittableRandom(99);
            int coords = 0;
            List<String> report = new ArrayList<>();
            for (Map.Entry<String, NDArray> e : checked.entrySet()) {
                NDArray p = e.getValue();
                double[] g = analytic.get(e.getKey());
                int n = (int) p.size();
                int samples = Math.min(12, n);
                double gNorm = 0;
                for (double v : g) {
                    gNorm = Math.max(gNorm, Math.abs(v));
                }
                assertThat(gNorm).as("gradient of %s is non-zero", e.getKey()).isGreaterThan(1e-6);
                for (int k = 0; k < samples; k++) {
                    int flat = n == samples ? k : rng.nextInt(n);
                    NDIndex at = index(p.getShape(), flat);
                    double orig;
                    try (NDArray x = p.get(at)) {
                        orig = x.getDouble();
                    }
                    double plus = eval(model, value, score, ids, targets, mask, cv, cs, p, at, orig + EPS);
                    double minus = eval(model, value, score, ids, targets, mask, cv, cs, p, at, orig - EPS);
                    set(p, at, orig);
                    double fd = (plus - minus) / (2 * EPS);
                    double rel = Math.abs(fd - g[flat]) / Math.max(Math.max(Math.abs(fd), Math.abs(g[flat])), 1e-3 * gNorm);
                    report.add(String.format("%s[%d] analytic %.6e fd %.6e rel %.1e", e.getKey(), flat, g[flat], fd, rel));
                    assertThat(rel).as(report.get(report.size() - 1)).isLessThanOrEqualTo(TOL);
                    coords++;
                }
            }
            assertThat(coords).isGreaterThanOrEqualTo(7 * 10 + 1);
        }
    }

    private static NDArray loss(Qwen3Model model, ValueHead value, ScoreHead score, NDArray ids, NDArray targets,
                                NDArray mask, NDArray cv, NDArray cs) {
        // padded positions are left out, as a trainer leaves them out: a left-padded first query sees only blocked
        // keys, so its scores sit at -1e9 + s, where even fp64 keeps s only to ~1e-7 (FD noise, not a gradient)
        NDArray real = mask.toType(DataType.FLOAT64, false);                                    // (B, T)
        NDArray hidden = model.with("a").hidden(ids, mask, null);                                        // (B, T, h)
        NDArray lm = model.logits(hidden).logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1).mul(real).sum();
        NDArray v = value.values(hidden).mul(cv).mul(real).sum();                               // (B, T) -> ()
        NDArray r = score.scores(hidden, mask).mul(cs).sum();                                   // (B) -> ()
        return lm.add(v).add(r);
    }

    private static double eval(Qwen3Model model, ValueHead value, ScoreHead score, NDArray ids, NDArray targets,
                               NDArray mask, NDArray cv, NDArray cs, NDArray p, NDIndex at, double x) {
        set(p, at, x);
        try (NDScope s = new NDScope()) {
            return NoGrad.get(() -> loss(model, value, score, ids, targets, mask, cv, cs).getDouble());
        }
    }

    private static void set(NDArray p, NDIndex at, double x) {
        NoGrad.run(() -> p.set(at, x));
    }

    private static NDIndex index(Shape shape, int flat) {
        long[] idx = new long[shape.dimension()];
        for (int d = idx.length - 1; d >= 0; d--) {
            idx[d] = flat % shape.get(d);
            flat /= (int) shape.get(d);
        }
        return new NDIndex(idx);
    }
}
