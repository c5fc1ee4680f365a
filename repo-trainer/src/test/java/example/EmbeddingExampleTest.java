package example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.trainer.loop.TrainingLoop;

/** The README's embedding example runs end to end through the public API. */
class EmbeddingExampleTest {
    @TempDir Path tmp;

    @Test
    void trainsTwoStepsAndWritesTheAdapterAndTheResolvedConfig() throws IOException {
        TrainingLoop.Result r = EmbeddingExample.run(tmp);
        assertThat(r.steps()).isEqualTo(2);
        assertThat(r.finalDir().resolve("adapter/adapter_model.safetensors")).isRegularFile();
        assertThat(tmp.resolve("run/config.yaml")).content().contains("algorithm: sft").contains("max_steps: 2");
        assertThat(tmp.resolve("run/checkpoints/step-000002/trainer_state.json")).content().contains("\"format_version\" : 2")
                .contains("\"library_version\"").contains("\"git_commit\"");
    }
}
