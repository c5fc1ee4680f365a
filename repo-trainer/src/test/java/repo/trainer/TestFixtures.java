package repo.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;

/** What the trainer tests train on: a tiny random Qwen3 and a few short hotel dialogues. */
public final class TestFixtures {
    /** Three SFT dialogues (Chinese and English), one JSON object per line. */
    public static final List<String> SFT_DIALOGUES = List.of(
            "{\"messages\": [{\"role\": \"user\", \"content\": \"豪华大床房多少钱？\"}, {\"role\": \"assistant\", \"content\": \"每晚680元。\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Is breakfast included?\"}, {\"role\": \"assistant\", \"content\": \"Yes, for two.\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"周末有优惠吗？\"}, {\"role\": \"assistant\", \"content\": \"周末450元。\"}]}");

    private TestFixtures() {
    }

    /** Writes the `tiny` preset with random weights (std 0.3, seeded, untied, F32) into {@code dir}; returns it. */
    public static Path tinyModel(Path dir, long seed) throws IOException {
        ModelInit.writeRandomCheckpoint(dir, Qwen3Config.Preset.TINY.config(), seed, 0.3, false, SafetensorsWriter.Storage.F32);
        return dir;
    }

    /** The first {@code n} of {@link #SFT_DIALOGUES} written to {@code file}; returns it. */
    public static Path sftDialogues(Path file, int n) throws IOException {
        return Files.write(file, SFT_DIALOGUES.subList(0, n));
    }
}
