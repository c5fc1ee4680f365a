package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoraConfigTest {

    @Test
    void defaultsToEveryProjectionSorted() {
        LoraConfig c = LoraConfig.of(8, 16);
        assertThat(c.targetModules()).containsExactly("down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj");
        assertThat(c.scaling()).isEqualTo(2.0);
        assertThat(c.dropout()).isZero();
    }

    @Test
    void rsloraScalesByTheSquareRootOfTheRank() {
        LoraConfig c = new LoraConfig(16, 8, 0, List.of("q_proj"), true);
        assertThat(c.scaling()).isEqualTo(8 / 4.0);
        assertThat(new LoraConfig(8, 16, 0, null, true).scaling()).isCloseTo(16 / Math.sqrt(8), org.assertj.core.data.Offset.offset(1e-15));
        assertThat(c.withRslora(false).scaling()).isEqualTo(0.5);
    }

    @Test
    void matchesAsPeftDoes() {
        LoraConfig c = LoraConfig.of(4, 8).withTargets(List.of("v_proj", "layers.1.mlp.down_proj"));
        assertThat(c.matches("model.layers.0.self_attn.v_proj")).isTrue();
        assertThat(c.matches("model.layers.1.mlp.down_proj")).isTrue();
        assertThat(c.matches("model.layers.0.mlp.down_proj")).isFalse();
        assertThat(c.matches("model.layers.0.self_attn.q_proj")).isFalse();
        assertThat(c.matches("model.layers.0.self_attn.xv_proj")).as("suffix must follow a dot").isFalse();
        assertThat(c.unmatchedTargets(List.of("model.layers.0.self_attn.v_proj"))).containsExactly("layers.1.mlp.down_proj");
    }

    @Test
    void rejectsBadValuesWithClearMessages() {
        assertThatThrownBy(() -> LoraConfig.of(0, 8)).hasMessageContaining("rank r must be at least 1, got 0");
        assertThatThrownBy(() -> LoraConfig.of(8, 0)).hasMessageContaining("lora_alpha must be a positive");
        assertThatThrownBy(() -> LoraConfig.of(8, 8).withDropout(1.0)).hasMessageContaining("lora_dropout must be in [0, 1)");
        assertThatThrownBy(() -> LoraConfig.of(8, 8).withTargets(List.of("q_proj", "qkv_proj", "lm_head")))
                .hasMessageContaining("unknown target module(s) [qkv_proj, lm_head]")
                .hasMessageContaining("q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
        assertThatThrownBy(() -> LoraConfig.of(8, 8).withTargets(List.of())).hasMessageContaining("target_modules is empty");
    }
}
