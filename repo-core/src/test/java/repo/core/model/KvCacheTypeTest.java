package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The KV cache dtype rule, and an fp16 cache (forced on CPU) against the fp32 one. */
class KvCacheTypeTest {
    static {
        Engine.getInstance();
    }

    @Test
    void autoIsFp16OnlyForFp16WeightsOnGpus() {
        Device gpu = Device.gpu(0), cpu = Device.cpu();
        assertThat(new ModelOptions(gpu, ModelOptions.Precision.FP16_WEIGHTS).kvCacheType()).isEqualTo(DataType.FLOAT16);
        assertThat(ModelOptions.placed(List.of(gpu, Device.gpu(1)), ModelOptions.Precision.FP16_WEIGHTS).kvCacheType())
                .isEqualTo(DataType.FLOAT16);
        assertThat(new ModelOptions(cpu, ModelOptions.Precision.FP16_WEIGHTS).kvCacheType()).isEqualTo(DataType.FLOAT32);
        assertThat(ModelOptions.placed(List.of(gpu, cpu), ModelOptions.Precision.FP16_WEIGHTS).kvCacheType()).isEqualTo(DataType.FLOAT32);
        assertThat(new ModelOptions(gpu, ModelOptions.Precision.FP32).kvCacheType()).isEqualTo(DataType.FLOAT32);
        assertThat(new ModelOptions(cpu, ModelOptions.Precision.FP64).kvCacheType()).isEqualTo(DataType.FLOAT64);
        assertThat(new ModelOptions(gpu, ModelOptions.Precision.FP16_WEIGHTS).withKvCache(ModelOptions.KvCacheType.COMPUTE).kvCacheType())
                .isEqualTo(DataType.FLOAT32);
        assertThat(ModelOptions.cpu().withKvCache(ModelOptions.KvCacheType.FP16).kvCacheType()).isEqualTo(DataType.FLOAT16);
    }

    /**
     * Prefill of 2 × 12 tokens and 8 decode steps: logits through an fp16 cache stay within 2e-3 of the fp32 cache's.
     * Keys and values are rounded once to fp16 (relative error ≤ 2⁻¹¹ ≈ 4.9e-4); the tiny model's logits are O(1),
     * so a few such errors summed through attention and two layers stay around 1e-3 (measured: 8.4e-4 for logits up to 2.6).
     */
    @Test
    void fp16CacheMatchesTheFp32Cache() {
        ModelOptions fp16 = ModelOptions.cpu().withKvCache(ModelOptions.KvCacheType.FP16);
        try (Qwen3Model a = LoraTestModels.model(LoraTestModels.TIED, ModelOptions.cpu(), 4);
             Qwen3Model b = LoraTestModels.model(LoraTestModels.TIED, fp16, 4);
             NDManager m = NDManager.newBaseManager(Device.cpu());
             KvCache ka = a.newCache(m, 2, 20); KvCache kb = b.newCache(m, 2, 20)) {
            assertThat(ka.storeType()).isEqualTo(DataType.FLOAT32);
            assertThat(kb.storeType()).isEqualTo(DataType.FLOAT16);
            double worst = 0, scale = 0;
            NDArray ids = LoraTestModels.ids(m, 2, 12, 1);
            for (int step = 0; step < 9; step++) {
                try (NDScope s = new NDScope()) {
                    double[] la = a.base().forward(ids, null, ka).toType(DataType.FLOAT64, false).toDoubleArray();
                    double[] lb = b.base().forward(ids, null, kb).toType(DataType.FLOAT64, false).toDoubleArray();
                    worst = Math.max(worst, LoraTestModels.maxAbsDiff(la, lb));
                    for (double v : la) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                }
                ids = LoraTestModels.ids(m, 2, 1, 100 + step);
            }
            assertThat(scale).as("logit scale").isBetween(0.1, 100.0);
            assertThat(worst).as("max |logit difference|, fp16 vs fp32 cache").isLessThan(2e-3).isGreaterThan(0);
        }
    }
}
