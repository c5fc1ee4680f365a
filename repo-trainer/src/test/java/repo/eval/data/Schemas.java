package repo.eval.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import repo.eval.sets.EvalDialogue;
import repo.rewards.io.ScoredItems;
import repo.trainer.data.Jsonl;

/** Schema assertions over a data folder: each file through its reader, plus the keys each line must hold. */
final class Schemas {
    private Schemas() {
    }

    static final ObjectMapper JSON = new ObjectMapper();

    static void check(Path dir) throws Exception {
        Jsonl.readSft(dir.resolve(DataGenerator.SFT));
        Jsonl.readPreferences(dir.resolve(DataGenerator.PREFS));
        ScoredItems.readPrompts(dir.resolve(DataGenerator.PROMPTS));
        EvalDialogue.read(dir.resolve(DataGenerator.ONLINE)).forEach(d -> assertThat(d.set()).isEqualTo("online"));
        EvalDialogue.read(dir.resolve(DataGenerator.BAD_CASES)).forEach(d -> assertThat(d.set()).isEqualTo("bad_case"));
        keys(dir.resolve(DataGenerator.SFT), Set.of("id", "lang", "persona", "messages"));
        keys(dir.resolve(DataGenerator.PREFS), Set.of("id", "breaks", "severity", "lang", "prompt", "chosen", "rejected"));
        keys(dir.resolve(DataGenerator.PROMPTS), Set.of("id", "task", "history", "hotel_sim"));
        keys(dir.resolve(DataGenerator.ONLINE), Set.of("id", "set", "lang", "task", "hotel_sim", "history", "cases"));
        keys(dir.resolve(DataGenerator.BAD_CASES), Set.of("id", "set", "lang", "task", "hotel_sim", "history", "cases"));
        JsonNode manifest = JSON.readTree(dir.resolve(DataGenerator.MANIFEST).toFile());
        assertThat(manifest.has("seed") && manifest.has("lines")).isTrue();
    }

    private static void keys(Path file, Set<String> expected) throws Exception {
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            Set<String> got = new java.util.TreeSet<>();
            JSON.readTree(line).fieldNames().forEachRemaining(got::add);
            assertThat(got).as(file.getFileName() + ": " + line.substring(0, Math.min(80, line.length()))).isEqualTo(new java.util.TreeSet<>(expected));
        }
    }
}
