package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import repo.core.plan.MemoryPlan;

/**
 * The layer placement function on hand-computed cases, and a model spread over two devices (here the CPU twice, so the
 * code path that moves hidden states between devices runs on this machine) computing what the unplaced model computes.
 */
class PlacementTest {
    /** V=300, h=32, I=64, L=3, H=4, K=2, D=16, untied: 3 layers over 2 devices puts a boundary inside the stack. */
    static final Qwen3Config THREE = new Qwen3Config(300, 32, 64, 3, 4, 2, 16, 1e-6, 1e6, 4096, false, 151643, 151645, "float32");
    static final List<Device> TWO_CPUS = List.of(Device.cpu(), Device.cpu());

    static {
        Engine.getInstance();
    }

    @Test
    void handComputedSplits() {
        long[] ten = {10, 10, 10, 10, 10, 10, 10};
        // 7 layers over 2 devices, at most 4 each; device 0 also holds 30 bytes: (3, 4) loads 60 and 40, (4, 3) 70 and 30
        assertThat(Placement.balance(ten, 30, 2).layerDevice()).containsExactly(0, 0, 0, 1, 1, 1, 1);
        // nothing extra on device 0: (3, 4) and (4, 3) both peak at 40; the tie goes to fewer layers first
        assertThat(Placement.balance(ten, 0, 2).layerCounts()).containsExactly(3, 4);
        // a huge embedding cannot push device 0 below one layer, nor the others above ⌈7/3⌉ = 3
        assertThat(Placement.balance(ten, 1_000, 3).layerCounts()).containsExactly(1, 3, 3);
        // uneven layers: [50, 10, 10, 10] over 2 with 0 extra, at most 2 each: (1, 3) is not allowed, (2, 2) peaks at 60
        assertThat(Placement.balance(new long[] {50, 10, 10, 10}, 0, 2).layerCounts()).containsExactly(2, 2);
        // 28 layers of 5 bytes over 3 (at most 10 each), device 0 holding 5 more: (8, 10, 10), (9, 10, 9) and (9, 9, 10)
        // all peak at 50; the tie goes to the fewest layers on device 0
        long[] l28 = new long[28];
        java.util.Arrays.fill(l28, 5);
        assertThat(Placement.balance(l28, 5, 3).layerCounts()).containsExactly(8, 10, 10);
        // 6 bytes extra: only (8, 10, 10) keeps the peak at 50
        assertThat(Placement.balance(l28, 6, 3).layerCounts()).containsExactly(8, 10, 10);
        // 29 layers: (9, 10, 10) peaks at 50 with 5 extra, and nothing else does
        long[] l29 = new long[29];
        java.util.Arrays.fill(l29, 5);
        assertThat(Placement.balance(l29, 5, 3).layerCounts()).containsExactly(9, 10, 10);
        assertThat(Placement.balance(ten, 99, 1).layerCounts()).containsExactly(7);
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> Placement.balance(new long[] {1, 1}, 0, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot spread 2 layer(s) over 3 device(s)");
        assertThatThrownBy(() -> Placement.balance(new long[] {1, 1}, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Placement.balance(new long[] {1, -1}, 0, 1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> new Placement(2, List.of(0, 1, 0))).hasMessageContaining("in order");
        assertThatThrownBy(() -> new Placement(2, List.of(1, 1))).hasMessageContaining("between 1 and 1");
        assertThatThrownBy(() -> new Placement(2, List.of(0, 0, 0, 1))).hasMessageContaining("between 1 and 2");
        assertThatThrownBy(() -> ModelOptions.placed(List.of(), ModelOptions.Precision.FP32)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new ModelOptions(Device.cpu(), ModelOptions.Precision.FP32, List.of(Device.gpu(0)),
                ModelOptions.KvCacheType.AUTO)).hasMessageContaining("must be the model's device");
    }

    /** Qwen3-32B (64 layers, fp16) on 8 devices: 8 layers each, and device 0's weights are MemoryPlan's "weights" figure. */
    @Test
    void qwen3_32bOnEightDevicesMatchesTheMemoryPlan() {
        Qwen3Config q32 = Qwen3Config.Preset.QWEN3_32B.config();
        Placement p = Placement.of(q32, 8, ModelOptions.Precision.FP16_WEIGHTS);
        assertThat(p.layerCounts()).containsExactly(8, 8, 8, 8, 8, 8, 8, 8);
        assertThat(Placement.maxLayersPerDevice(64, 8)).isEqualTo(8);
        MemoryPlan.Plan plan = MemoryPlan.plan(new MemoryPlan.Inputs(q32, 2, 2, 64, LoraConfig.ALL_LINEAR, 2, 1, 2, 512, 512, 128, 32,
                1, true, 1024, 8));
        // device 0: embedding + LM head + final norm + 8 layers, in fp16 (Placement keeps the 2·(5,120 + 128) norm
        // parameters per layer in fp32, MemoryPlan counts them at the weight width: 8 · 10,496 · 2 bytes apart)
        double device0 = 2.0 * 151_936 * 5120 * 2 + 5120 * 4 + 8 * (487_598_336.0 * 2 + 10_496 * 2);
        assertThat(plan.items().get("weights")).isCloseTo(device0, org.assertj.core.data.Offset.offset(8 * 10_496 * 2.0 + 5120 * 2.0));
        // with 7 devices, ⌈64/7⌉ = 10 is the cap and device 0, holding the 3.1 GB embedding and head, takes the fewest
        List<Integer> seven = Placement.of(q32, 7, ModelOptions.Precision.FP16_WEIGHTS).layerCounts();
        assertThat(seven.stream().mapToInt(Integer::intValue).sum()).isEqualTo(64);
        assertThat(seven.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThanOrEqualTo(10);
        assertThat(seven.get(0)).isEqualTo(seven.stream().mapToInt(Integer::intValue).min().orElseThrow());
    }

    @Test
    void modelOverTheSameDeviceTwiceComputesWhatTheUnplacedModelComputes() {
        try (Qwen3Model one = LoraTestModels.model(THREE, ModelOptions.cpu(), 5);
             Qwen3Model two = LoraTestModels.model(THREE, ModelOptions.placed(TWO_CPUS, ModelOptions.Precision.FP32), 5);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertThat(two.placement().layerCounts()).containsExactly(1, 2);
            NDArray ids = LoraTestModels.ids(m, 2, 6, 9);
            // identical weights and ops, and the copies at the boundaries are exact
            assertThat(LoraTestModels.logits(two.base(), ids, null)).containsExactly(LoraTestModels.logits(one.base(), ids, null));

            // decoding through the cache, whose layers are placed too
            try (NDManager c1 = one.manager().newSubManager(); NDManager c2 = two.manager().newSubManager();
                 KvCache k1 = one.newCache(c1, 2, 8); KvCache k2 = two.newCache(c2, 2, 8); NDScope s = new NDScope()) {
                float[] a = one.base().forward(ids, null, k1).toFloatArray();
                float[] b = two.base().forward(ids, null, k2).toFloatArray();
                assertThat(b).containsExactly(a);
                NDArray next = LoraTestModels.ids(m, 2, 1, 10);
                assertThat(two.base().forward(next, null, k2).toFloatArray()).containsExactly(one.base().forward(next, null, k1).toFloatArray());
            }
        }
    }

    /** The copy at a device boundary is differentiable: LoRA gradients of layers before it are the unplaced model's. */
    @Test
    void gradientsCrossTheBoundary() {
        try (Qwen3Model one = LoraTestModels.model(THREE, ModelOptions.cpu(), 5);
             Qwen3Model two = LoraTestModels.model(THREE, ModelOptions.placed(TWO_CPUS, ModelOptions.Precision.FP32), 5);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray ids = LoraTestModels.ids(m, 2, 5, 3);
            List<float[]> g1 = loraGradients(one, ids), g2 = loraGradients(two, ids);
            assertThat(g2).hasSameSizeAs(g1);
            for (int i = 0; i < g1.size(); i++) {
                assertThat(g2.get(i)).as("gradient %d", i).containsExactly(g1.get(i));
            }
            // layer 0 (device 0, before the boundary) receives a non-zero gradient
            assertThat(max(g2.get(0))).isGreaterThan(0f);
        }
    }

    private static List<float[]> loraGradients(Qwen3Model model, NDArray ids) {
        model.addAdapter("p", new LoraConfig(4, 8, 0, LoraConfig.ALL_LINEAR, false), 1);
        LoraTestModels.randomizeB(model, "p", 0.1, 2);
        try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(model.with("p").forward(ids, null, null).square().mean());
        }
        List<float[]> out = new ArrayList<>();
        for (NDArray p : model.adapterParameters("p")) {
            try (NDArray g = p.getGradient()) {
                out.add(g.toType(DataType.FLOAT32, false).toFloatArray());
            }
        }
        return out;
    }

    private static float max(float[] v) {
        float m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
