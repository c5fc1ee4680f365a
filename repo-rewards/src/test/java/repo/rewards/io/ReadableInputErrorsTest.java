package repo.rewards.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invalid UTF-8 and truncated JSON lines are reported in words, with the file, and no Jackson internals. */
class ReadableInputErrorsTest {
    @TempDir Path tmp;

    @Test
    void invalidUtf8NamesTheFile() throws IOException {
        Path f = Files.write(tmp.resolve("bad.jsonl"), new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
        assertThatThrownBy(() -> ScoredItems.read(f)).hasMessage(f + ": not valid UTF-8 text; expected a UTF-8 JSON Lines file");
    }

    @Test
    void truncatedJsonShowsNoRedactedSource() throws IOException {
        Path f = Files.writeString(tmp.resolve("cut.jsonl"), "{\"task\": {\n");
        assertThatThrownBy(() -> ScoredItems.read(f)).hasMessageStartingWith(f + ":1: not valid JSON (")
                .hasMessageNotContaining("REDACTED").hasMessageNotContaining("StreamReadFeature");
    }
}
