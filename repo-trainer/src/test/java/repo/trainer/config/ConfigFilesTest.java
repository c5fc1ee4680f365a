package repo.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import repo.rewards.PipelineConfig;

/** Every shipped run configuration and reward pipeline in configs/ parses and validates. */
class ConfigFilesTest {
    static final Path CONFIGS = Path.of(System.getProperty("repo.fixtures")).getParent().resolve("configs");

    @Test
    void everyTrainConfigParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(CONFIGS)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        int train = 0;
        for (Path f : files) {
            String text = Files.readString(f);
            if (text.lines().anyMatch(l -> l.startsWith("algorithm:"))) {
                TrainConfig c = TrainConfig.load(f);
                assertThat(c.algorithm()).as(f.toString()).isNotNull();
                train++;
            } else if (f.getFileName().toString().startsWith("rewards-")) {
                assertThat(PipelineConfig.load(f).origin()).contains(f.getFileName().toString());
            }
        }
        assertThat(train).isGreaterThanOrEqualTo(7); // tiny sft, rm, dpo, ppo, grpo, repo and the 32B REPO
        TrainConfig big = TrainConfig.load(CONFIGS.resolve("qwen3-32b-repo.yaml"));
        assertThat(big.lora().toLoraConfig().r()).isEqualTo(64);
        assertThat(big.lora().toLoraConfig().alpha()).isEqualTo(64.0);
        assertThat(big.optim().lr()).isEqualTo(1e-6);
        assertThat(big.optim().warmupSteps()).isEqualTo(2);
        assertThat(big.rollout().promptsPerStep()).isEqualTo(128);
        assertThat(big.rollout().maxNewTokens()).isEqualTo(512);
        assertThat(big.rollout().epochs()).isEqualTo(2.0); // the paper's 2 epochs: passes over the prompt set
        assertThat(big.rollout().topK()).isZero();           // sampled on-policy
        assertThat(big.lora().dropout()).isZero();
        assertThat(big.device()).isEqualTo("gpu:0");
    }
}
