package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static repo.core.model.LoraTestModels.logits;
import static repo.core.model.LoraTestModels.maxAbsDiff;
import static repo.core.model.LoraTestModels.model;
import static repo.core.model.LoraTestModels.randomizeB;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import repo.core.model.ModelOptions.Precision;

class LoraModelTest {
    private Qwen3Model model;
    private NDManager m;
    private NDArray ids, mask;

    @BeforeEach
    void setUp() {
        model = model(Precision.FP32, 11);
        m = model.manager().newSubManager();
        ids = LoraTestModels.ids(m, 2, 6, 5);
        mask = m.create(new long[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, 6));
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    @Test
    void newAdapterIsANoOpBitForBit() {
        double[] base = logits(model.base(), ids, mask);
        model.addAdapter("a", LoraConfig.of(4, 8), 1);
        assertThat(model.with("a").adapter()).isEqualTo("a");
        assertThat(maxAbsDiff(logits(model.with("a"), ids, mask), base)).isEqualTo(0.0);
        assertThat(maxAbsDiff(base, new double[base.length])).as("logits are non-trivial").isGreaterThan(0.1);
    }

    @Test
    void adaptersAreCreatedAsPeftInitialisesThem() {
        model.addAdapter("a", LoraConfig.of(4, 8).withTargets(List.of("q_proj", "down_proj")), 1);
        Map<String, LoraAdapter> mods = model.adapterModules("a");
        assertThat(mods.keySet()).containsExactly("model.layers.0.self_attn.q_proj", "model.layers.0.mlp.down_proj",
                "model.layers.1.self_attn.q_proj", "model.layers.1.mlp.down_proj");
        LoraAdapter down = mods.get("model.layers.0.mlp.down_proj");
        assertThat(down.a().getShape()).isEqualTo(new Shape(4, 64));
        assertThat(down.b().getShape()).isEqualTo(new Shape(32, 4));
        float[] a = down.a().toFloatArray();
        double bound = 1 / Math.sqrt(64);
        double maxAbs = 0;
        for (float v : a) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        assertThat(maxAbs).isLessThanOrEqualTo(bound).isGreaterThan(bound * 0.8);
        assertThat(down.b().toFloatArray()).containsOnly(0f);
        assertThat(down.a().hasGradient()).isTrue();
        assertThat(down.b().hasGradient()).isTrue();
        assertThat(down.a().getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(down.scaling()).isEqualTo(2.0);
        List<NDArray> params = model.adapterParameters("a");
        assertThat(params).hasSize(8);
        assertThat(params.get(0)).isSameAs(mods.get("model.layers.0.self_attn.q_proj").a());
        assertThat(params.get(1)).isSameAs(mods.get("model.layers.0.self_attn.q_proj").b());
        // the same seed draws the same A; another seed another
        model.addAdapter("same", LoraConfig.of(4, 8).withTargets(List.of("q_proj", "down_proj")), 1);
        model.addAdapter("other", LoraConfig.of(4, 8).withTargets(List.of("q_proj", "down_proj")), 2);
        assertThat(model.adapterModules("same").get("model.layers.0.mlp.down_proj").a().toFloatArray()).containsExactly(a);
        assertThat(model.adapterModules("other").get("model.layers.0.mlp.down_proj").a().toFloatArray()).isNotEqualTo(a);
        assertThat(model.adapterNames()).containsExactly("a", "same", "other");
        assertThat(model.adapterConfig("a").targetModules()).containsExactly("down_proj", "q_proj");
    }

    @Test
    void mergeEqualsUnmergedAndUnmergeRestoresTheBase() {
        double[] base = logits(model.base(), ids, mask);
        Map<String, float[]> before = new LinkedHashMap<>();
        model.weights().forEach((k, v) -> before.put(k, v.toFloatArray()));
        model.addAdapter("a", LoraConfig.of(8, 16), 3);
        model.addAdapter("b", LoraConfig.of(4, 8), 5);
        randomizeB(model, "a", 0.2, 4);
        double[] adapted = logits(model.with("a"), ids, mask);
        assertThat(maxAbsDiff(adapted, base)).as("the trained adapter changes the output").isGreaterThan(1e-2);

        model.mergeAdapter("a");
        assertThat(model.mergedAdapter()).isEqualTo("a");
        double[] merged = logits(model.with("a"), ids, mask);
        assertThat(maxAbsDiff(merged, adapted)).as("merged vs unmerged (delta not applied twice)").isLessThanOrEqualTo(1e-5);
        assertThatThrownBy(() -> logits(model.base(), ids, mask)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'a' is merged").hasMessageContaining("the base model");
        assertThatThrownBy(() -> logits(model.with("b"), ids, mask)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'a' is merged").hasMessageContaining("adapter 'b'");
        assertThatThrownBy(() -> model.removeAdapter("a")).hasMessageContaining("unmerge it first");
        assertThatThrownBy(() -> model.mergeAdapter("a")).hasMessageContaining("already merged");

        model.unmergeAdapter("a");
        assertThat(model.mergedAdapter()).isNull();
        double worst = 0;
        for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
            float[] now = e.getValue().toFloatArray(), then = before.get(e.getKey());
            for (int i = 0; i < now.length; i++) {
                worst = Math.max(worst, Math.abs(now[i] - then[i]));
            }
        }
        assertThat(worst).as("max |ΔW| after unmerge").isLessThanOrEqualTo(1e-6);
        assertThat(maxAbsDiff(logits(model.with("a"), ids, mask), adapted)).isLessThanOrEqualTo(1e-5);
        assertThat(maxAbsDiff(logits(model.base(), ids, mask), base)).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void theBaseModelIsAvailableWhileAdaptersExistAndEachForwardNamesItsAdapter() {
        double[] base = logits(model.base(), ids, mask);
        model.addAdapter("a", LoraConfig.of(4, 8), 1);
        model.addAdapter("b", LoraConfig.of(8, 8).withTargets(List.of("q_proj", "v_proj")), 2);
        randomizeB(model, "a", 0.2, 3);
        randomizeB(model, "b", 0.2, 4);
        assertThat(maxAbsDiff(logits(model.base(), ids, mask), base)).as("the base ignores the adapters").isEqualTo(0.0);
        double[] a = logits(model.with("a"), ids, mask);
        double[] b = logits(model.with("b"), ids, mask);
        assertThat(maxAbsDiff(a, b)).isGreaterThan(1e-2);
        assertThat(maxAbsDiff(a, base)).isGreaterThan(1e-2);

        model.removeAdapter("b");
        assertThat(model.adapterNames()).containsExactly("a");
        assertThatThrownBy(() -> model.with("b")).hasMessageContaining("no adapter named 'b'; adapters: [a]");
        assertThatThrownBy(() -> model.addAdapter("a", LoraConfig.of(4, 8), 1)).hasMessageContaining("already exists");
        assertThatThrownBy(() -> model.addAdapter("c", LoraConfig.of(4, 8).withTargets(List.of("layers.7.mlp.up_proj")), 1))
                .hasMessageContaining("[layers.7.mlp.up_proj] match no projection");
    }

    /**
     * Policy, critic and reward-model adapters and the base on one model, as RL holds them: every forward, in any
     * order and with any other forward (or a backward) between, gives bit for bit what it gives alone.
     */
    @Test
    void interleavedForwardsEqualEachAlone() {
        String[] names = {"policy", "critic", "rm"};
        for (int i = 0; i < names.length; i++) {
            model.addAdapter(names[i], LoraConfig.of(4, 8), 10 + i);
            randomizeB(model, names[i], 0.2, 20 + i);
        }
        List<Forward> passes = List.of(model.with("policy"), model.with("critic"), model.with("rm"), model.base());
        List<double[]> alone = new ArrayList<>();
        for (Forward f : passes) {
            try (Qwen3Model fresh = model(Precision.FP32, 11)) { // each alone: a model that holds only this adapter
                Forward own = f.adapter() == null ? fresh.base() : copyAdapter(f.adapter(), fresh);
                alone.add(logits(own, ids, mask));
            }
        }
        assertThat(maxAbsDiff(alone.get(0), alone.get(3))).isGreaterThan(1e-2);
        int[][] orders = {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2, 0, 3, 1, 2}, {2, 0, 2, 3, 3, 1}};
        for (int[] order : orders) {
            for (int k : order) {
                assertThat(logits(passes.get(k), ids, mask)).as("%s in order %s", passes.get(k), java.util.Arrays.toString(order))
                        .containsExactly(alone.get(k));
            }
        }
        // a training forward and backward of the policy in between changes nothing the others compute
        try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(model.with("policy").dropout(true).forward(ids, mask, null).sum());
        }
        for (int k = 3; k >= 0; k--) {
            assertThat(logits(passes.get(k), ids, mask)).containsExactly(alone.get(k));
        }
    }

    private Forward copyAdapter(String name, Qwen3Model into) {
        into.addAdapter(name, model.adapterConfig(name), 0);
        List<NDArray> from = model.adapterParameters(name), to = into.adapterParameters(name);
        for (int i = 0; i < from.size(); i++) {
            NoGrad.copy(to.get(i), from.get(i));
        }
        return into.with(name);
    }

    @Test
    void dropoutActsOnlyWhenTheForwardAsksForIt() {
        model.addAdapter("a", LoraConfig.of(8, 16).withDropout(0.5), 1);
        randomizeB(model, "a", 0.2, 2);
        assertThat(model.with("a").dropout()).isFalse();
        double[] eval1 = logits(model.with("a"), ids, mask), eval2 = logits(model.with("a"), ids, mask);
        assertThat(maxAbsDiff(eval1, eval2)).as("without dropout forwards are deterministic").isEqualTo(0.0);
        // without dropout the same adapter gives the eval output
        model.addAdapter("nodrop", LoraConfig.of(8, 16), 1);
        model.adapterModules("a").forEach((mod, ad) -> NoGrad.copy(model.adapterModules("nodrop").get(mod).b(), ad.b()));
        assertThat(maxAbsDiff(logits(model.with("nodrop"), ids, mask), eval1)).isEqualTo(0.0);

        Forward training = model.with("a").dropout(true);
        Engine.getInstance().setRandomSeed(42);
        double[] t1 = logits(training, ids, mask);
        double[] t2 = logits(training, ids, mask);
        Engine.getInstance().setRandomSeed(42);
        double[] t1again = logits(training, ids, mask);
        assertThat(maxAbsDiff(t1, eval1)).as("dropout drops").isGreaterThan(1e-3);
        assertThat(maxAbsDiff(t1, t2)).as("fresh masks per forward").isGreaterThan(1e-3);
        assertThat(maxAbsDiff(t1, t1again)).as("torch's seed makes the masks reproducible").isEqualTo(0.0);
        assertThat(maxAbsDiff(logits(model.with("a"), ids, mask), eval1)).isEqualTo(0.0);
    }

    @Test
    void fullParameterTrainingReachesEveryWeight() {
        try (Qwen3Model untied = model(LoraTestModels.UNTIED, Precision.FP32, 3)) {
            assertThat(untied.trainableBaseParameters()).isEmpty();
            untied.enableFullParameterTraining();
            List<NDArray> params = untied.trainableBaseParameters();
            assertThat(params).hasSize(untied.weights().size()).hasSize(2 + 2 * 11 + 1);
            try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray lp = untied.base().forward(ids, mask, null).logSoftmax(-1);
                NDArray loss = lp.gather(LoraTestModels.ids(m, 2, 6, 9).expandDims(-1), -1).sum().neg();
                gc.backward(loss);
                for (String name : List.of("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight",
                        "model.layers.0.input_layernorm.weight", "model.layers.0.post_attention_layernorm.weight",
                        "model.layers.0.self_attn.q_norm.weight", "model.layers.0.self_attn.k_norm.weight",
                        "model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.o_proj.weight",
                        "model.layers.1.mlp.down_proj.weight", "model.layers.1.mlp.gate_proj.weight")) {
                    try (NDArray g = untied.weights().get(name).getGradient()) {
                        assertThat(g.abs().sum().getFloat()).as("|grad| of %s", name).isGreaterThan(0f);
                    }
                }
            }
        }
        try (Qwen3Model fp16 = model(Precision.FP16_WEIGHTS, 3)) {
            assertThatThrownBy(fp16::enableFullParameterTraining).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("FP16_WEIGHTS");
        }
    }

    @Test
    void loraTrainsInFp16WeightModeAndMergesWithinFp16Rounding() {
        try (Qwen3Model fp16 = model(Precision.FP16_WEIGHTS, 3)) {
            fp16.addAdapter("a", LoraConfig.of(4, 8), 1);
            randomizeB(fp16, "a", 0.2, 2);
            double[] adapted = logits(fp16.with("a"), ids, mask);
            assertThat(fp16.adapterParameters("a").get(0).getDataType()).isEqualTo(DataType.FLOAT32);
            try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(fp16.with("a").forward(ids, mask, null).sum());
                for (NDArray p : fp16.adapterParameters("a")) {
                    try (NDArray g = p.getGradient()) {
                        assertThat(g.abs().sum().getFloat()).isGreaterThan(0f);
                    }
                }
            }
            fp16.mergeAdapter("a");
            assertThat(maxAbsDiff(logits(fp16.with("a"), ids, mask), adapted)).isLessThanOrEqualTo(5e-3);
        }
    }
}
