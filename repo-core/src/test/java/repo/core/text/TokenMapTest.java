package repo.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.generate.Generation;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;

class TokenMapTest {
    private static final List<String> CORPUS = List.of("酒店房价 Standard King Room 258 CNY", "Hi Ms. Zhou, thanks for your time.");
    private static QwenTokenizer full;
    private static Path tokenizerDir;

    @BeforeAll
    static void load() throws IOException {
        tokenizerDir = Path.of(System.getProperty("repo.tokenizer.dir"));
        full = QwenTokenizer.fromDirectory(tokenizerDir);
    }

    @AfterAll
    static void close() {
        full.close();
    }

    private static QwenTokenizer taskTokenizer(Path dir) throws IOException {
        Files.copy(tokenizerDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        TokenMap.build(full, CORPUS.iterator()).write(dir);
        return QwenTokenizer.fromDirectory(dir);
    }

    @Test
    void keepsTheCorpusTokensTheByteTokensAndTheAddedTokens(@TempDir Path dir) throws IOException {
        try (QwenTokenizer task = taskTokenizer(dir)) {
            TokenMap map = task.tokenMap();
            assertThat(map.size()).isLessThan(700).isEqualTo(task.vocabSize());
            for (String text : CORPUS) { // corpus text: the same tokens as Qwen3's, renumbered
                long[] ids = task.encode(text);
                assertThat(Arrays.stream(ids).map(map::qwenId).toArray()).containsExactly(full.encode(text));
            }
            for (long special : new long[] {QwenTokenizer.ENDOFTEXT, QwenTokenizer.IM_START, QwenTokenizer.IM_END, QwenTokenizer.THINK}) {
                assertThat(task.modelId(special)).isBetween(0L, (long) map.size() - 1);
                assertThat(task.encode(full.decode(new long[] {special}, false))).containsExactly(task.modelId(special));
            }
        }
    }

    @Test
    void textOutsideTheCorpusIsSpelledInByteTokensAndDecodesToItself(@TempDir Path dir) throws IOException {
        String unseen = "Zürich 😀 北京饭店 déjà-vu <|im_end|>";
        try (QwenTokenizer task = taskTokenizer(dir)) {
            long[] ids = task.encode(unseen);
            assertThat(Arrays.stream(ids).allMatch(id -> id >= 0 && id < task.vocabSize())).isTrue();
            assertThat(ids.length).isGreaterThan(full.encode(unseen).length); // some tokens fell back to bytes
            assertThat(task.decode(ids, false)).isEqualTo(unseen);
            assertThat(task.decode(ids, true)).isEqualTo(full.decode(full.encode(unseen), true));
            for (String edge : List.of("😀", "😀 Hi Ms. Zhou", "錦江之星 thanks 錦江之星")) { // one long fallback, then kept tokens
                assertThat(task.decode(task.encode(edge), false)).isEqualTo(edge);
            }
        }
    }

    @Test
    void aBadMapNamesTheFileAndWhatIsWrong(@TempDir Path dir) throws IOException {
        Files.copy(tokenizerDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve(TokenMap.FILE), "{\"format\": \"repo-token-map-1\", \"qwen3_ids\": [5, 3]}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> QwenTokenizer.fromDirectory(dir)).hasMessageContaining(TokenMap.FILE)
                .hasMessageContaining("qwen3_ids[1] is 3; expected ascending integers");
        Files.writeString(dir.resolve(TokenMap.FILE), "{\"format\": \"repo-token-map-1\", \"qwen3_ids\": [1, 2, 3]}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> QwenTokenizer.fromDirectory(dir)).hasMessageContaining("lacks")
                .hasMessageContaining("byte-level base and added tokens");
        Files.writeString(dir.resolve(TokenMap.FILE), "[1, 2]", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> QwenTokenizer.fromDirectory(dir)).hasMessageContaining("expected {\"format\"");
    }

    @Test
    void aTaskVocabularyModelDecodesAPaddedBatchAsEachPromptAlone(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("model");
        TokenMap map = TokenMap.build(full, CORPUS.iterator());
        ModelInit.writeRandomCheckpoint(ckpt, Qwen3Config.Preset.TINY.config(), 3, 0.02, false, SafetensorsWriter.Storage.F32, map);
        assertThat(Files.exists(ckpt.resolve(TokenMap.FILE))).isTrue();
        try (Qwen3Model model = Qwen3Model.load(ckpt, ModelOptions.cpu());
             QwenTokenizer tok = QwenTokenizer.fromDirectory(ckpt)) {
            assertThat(model.config().vocabSize()).isEqualTo(map.size());
            assertThat((long) model.config().eosTokenId()).isEqualTo(tok.modelId(QwenTokenizer.IM_END));
            Generator gen = new Generator(model.base(), tok);
            List<long[]> prompts = List.of(tok.encode("<|im_start|>user\nHi<|im_end|>\n"), tok.encode("酒店房价 Standard King Room 258 CNY"));
            SamplingParams p = SamplingParams.greedy(8);
            List<Generation> batched = gen.generate(prompts, p);
            for (int i = 0; i < prompts.size(); i++) {
                Generation alone = gen.generate(List.of(prompts.get(i)), p).get(0);
                assertThat(batched.get(i).ids()).containsExactly(alone.ids());
                assertThat(Arrays.stream(alone.ids()).allMatch(id -> id >= 0 && id < map.size())).isTrue();
            }
        }
    }
}
