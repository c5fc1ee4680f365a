package repo.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import repo.core.model.LoraConfig;
import repo.core.model.Qwen3Config;

/** Plan figures against hand-computed ones (arithmetic in the comments) for the tiny preset and Qwen3-32B. */
class MemoryPlanTest {
    static final Qwen3Config TINY = Qwen3Config.Preset.TINY.config();
    static final Qwen3Config Q32 = Qwen3Config.Preset.QWEN3_32B.config();

    @Test
    void tinyByHand() {
        // embedding 151936·64 = 9,723,904; layer: q 64·128 + k,v 2·64·64 + o 128·64 + mlp 3·64·128 + norms 2·64 + 2·32 = 49,344
        assertThat(MemoryPlan.layerParams(TINY)).isEqualTo(49_344);
        assertThat(MemoryPlan.baseParams(TINY)).isEqualTo(9_723_904 + 2 * 49_344 + 64);            // tied, + final norm
        // r 8: q 8·(64+128), k,v 8·(64+64), o 8·(128+64), gate, up, down 8·(64+128) = 9,728 per layer
        assertThat(MemoryPlan.loraParams(TINY, 8, LoraConfig.ALL_LINEAR)).isEqualTo(2 * 9_728);
        // a(32) = 6·64 + 5·128 + 4·64 + 2·4·32 + 5·128
        assertThat(MemoryPlan.activationElements(TINY, 32)).isEqualTo(384 + 640 + 256 + 256 + 640);
        MemoryPlan.Plan p = MemoryPlan.plan(new MemoryPlan.Inputs(TINY, 4, 4, 8, LoraConfig.ALL_LINEAR, 2, 1, 2, 8, 24, 4, 4, 4,
                false, 0, 1));
        assertThat(p.items().get("weights")).isEqualTo(9_822_656 * 4.0);
        assertThat(p.items().get("optimizer state (AdamW m, v)")).isEqualTo(2 * 19_456 * 8.0);
        // 2 graphs · 4 sequences · 32 tokens, 2 layers · a(32) · 4 bytes
        assertThat(p.items().get("activations, no checkpointing")).isEqualTo(256 * 2 * 2176 * 4.0);
        assertThat(p.items().get("activations, checkpointed")).isEqualTo(256 * (2 * 64 * 4.0 + 2176 * 4.0));
        assertThat(p.items().get("logits")).isEqualTo(3 * 256 * 151_936 * 4.0);
        assertThat(p.items().get("KV cache (rollouts)")).isEqualTo(2 * 2 * 2 * 32 * 32 * 4 * 4.0);
        double statics = 9_822_656 * 4.0 + 3 * 19_456 * 4.0;
        assertThat(p.trainPeak()).isEqualTo(statics + 2 * 19_456 * 4.0 + 2 * 19_456 * 8.0 + 256 * 2 * 2176 * 4.0 + 3 * 256 * 151_936 * 4.0);
    }

    /**
     * The paper's REPO setting: fp16 base, policy + critic r64 on all seven projections (trainable), the RM adapter
     * frozen; the KV cache in fp16 as {@code ModelOptions.kvCacheType} keeps it for fp16 weights on GPU.
     */
    static MemoryPlan.Inputs q32(boolean ckpt, int microBatch, int rolloutChunk, int logitsChunk, int gpus) {
        return new MemoryPlan.Inputs(Q32, 2, 2, 64, LoraConfig.ALL_LINEAR, 2, 1, 2, 512, 512, 128, rolloutChunk, microBatch, ckpt,
                logitsChunk, gpus);
    }

    @Test
    void qwen3_32bByHand() {
        // layer: 5120·8192 + 2·5120·1024 + 8192·5120 + 3·5120·25600 + 2·5120 + 2·128 = 487,598,336
        assertThat(MemoryPlan.layerParams(Q32)).isEqualTo(487_598_336L);
        // untied: 2·151936·5120 + 64 layers + 5120 = 32,762,123,264 parameters -> 65.52 GB in fp16
        assertThat(MemoryPlan.baseParams(Q32)).isEqualTo(32_762_123_264L);
        // r 64 per layer: 64·(5120+8192) + 2·64·(5120+1024) + 64·(8192+5120) + 3·64·(5120+25600) = 8,388,608; × 64 layers
        assertThat(MemoryPlan.loraParams(Q32, 64, LoraConfig.ALL_LINEAR)).isEqualTo(536_870_912L);
        // a(1024) = 6·5120 + 5·8192 + 4·1024 + 2·64·1024 + 5·25600 = 334,848
        assertThat(MemoryPlan.activationElements(Q32, 1024)).isEqualTo(334_848);

        MemoryPlan.Plan fits = MemoryPlan.plan(q32(true, 1, 32, 1024, 1));
        assertThat(fits.items().get("weights")).isEqualTo(65_524_246_528.0);
        assertThat(fits.items().get("gradients")).isEqualTo(2 * 536_870_912 * 4.0);
        assertThat(fits.items().get("activations, checkpointed")).isEqualTo(2 * 1024 * (64 * 5120 * 4.0 + 334_848 * 4.0)); // 5.43 GB
        assertThat(fits.items().get("KV cache (rollouts)")).isEqualTo(2.0 * 64 * 8 * 128 * 1024 * 32 * 2);               // 8.59 GB
        double statics = 65_524_246_528.0 + 3 * 536_870_912 * 4.0;                                                        // 71.97 GB
        assertThat(fits.trainPeak()).isEqualTo(statics + 2 * 536_870_912 * 12.0 + 2 * 1024 * (64 * 5120 * 4.0 + 334_848 * 4.0)
                + 3 * 1024 * 151_936 * 4.0);                                                                               // 92.15 GB
        assertThat(fits.trainPeak() / 1e9).isBetween(92.1, 92.2);
        assertThat(MemoryPlan.problems(q32(true, 1, 32, 1024, 1), fits, 141e9)).isEmpty();

        // the paper's batch without the memory features: training refused on an H200, naming checkpointing; the rollout
        // phase (71.97 GB static + 34.36 GB fp16 KV cache for 128 × 1024 tokens + 0.23 GB logits) fits in 141 GB, not in 80 GB
        MemoryPlan.Inputs naive = q32(false, 8, 128, 0, 1);
        MemoryPlan.Plan naivePlan = MemoryPlan.plan(naive);
        List<String> why = MemoryPlan.problems(naive, naivePlan, 141e9);
        assertThat(why).hasSize(1);
        assertThat(why.get(0)).contains("training needs").contains("gradient checkpointing").contains("micro-batch")
                .contains("chunk the LM head");
        List<String> why80 = MemoryPlan.problems(naive, naivePlan, 80e9);
        assertThat(why80).hasSize(2);
        assertThat(why80.get(1)).contains("rollouts need 106.56 GB").contains("smaller chunks").contains("34.36 GB");

        // 8 devices: each holds 8 of the 64 layers; embedding and head on the fullest
        MemoryPlan.Plan eight = MemoryPlan.plan(q32(true, 1, 32, 1024, 8));
        assertThat(eight.items().get("weights")).isEqualTo(2 * 151_936 * 5120 * 2.0 + 8L * 487_598_336 * 2.0 + 5120 * 2.0);
        assertThat(eight.items().get("KV cache (rollouts)")).isEqualTo(2.0 * 8 * 8 * 128 * 1024 * 32 * 2);
    }
}
