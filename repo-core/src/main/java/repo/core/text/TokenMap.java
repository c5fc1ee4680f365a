package repo.core.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A task vocabulary: the subset of Qwen3's token ids that a corpus uses, renumbered 0..n-1, so that a small model
 * trained on that corpus has an n-row embedding and LM head instead of 151,936 rows.
 *
 * <p>The Qwen3 tokenizer still splits the text; {@link QwenTokenizer} then maps each Qwen3 id to its task id. A
 * token outside the task vocabulary is spelled with the byte-level base tokens of its bytes (all 256 of them are
 * always kept, as are every added and special token), so every text still encodes, and decodes back to itself.
 *
 * <p>Stored as {@code token_map.json} beside {@code tokenizer.json}: {@code {"format": "repo-token-map-1",
 * "qwen3_ids": [...]}}, the Qwen3 id of task id 0, 1, 2, … in ascending Qwen3 order.
 */
public final class TokenMap {
    public static final String FILE = "token_map.json";
    private static final String FORMAT = "repo-token-map-1";
    /** The chat format's own text around messages, so its usual tokens (such as "\n\n") are kept too. */
    private static final String CHAT_SCAFFOLD = "<|im_start|>system\n<|im_end|>\n<|im_start|>user\n<|im_end|>\n"
            + "<|im_start|>assistant\n<think>\n\n</think>\n\n<|im_end|>\n";

    private final long[] toQwen;   // task id -> Qwen3 id, ascending
    private final int[] toTask;    // Qwen3 id -> task id, -1 if absent

    private TokenMap(long[] toQwen, int qwenVocab) {
        this.toQwen = toQwen;
        this.toTask = new int[qwenVocab];
        Arrays.fill(toTask, -1);
        for (int i = 0; i < toQwen.length; i++) {
            toTask[(int) toQwen[i]] = i;
        }
    }

    /**
     * The task vocabulary of {@code texts}: every added token of the tokenizer, the 256 byte-level base tokens, and
     * every id the full Qwen3 tokenizer {@code full} produces on the texts.
     */
    public static TokenMap build(QwenTokenizer full, Iterator<String> texts) {
        if (full.tokenMap() != null) {
            throw new IllegalArgumentException("a task vocabulary is built with the full Qwen3 tokenizer, not with one that already has a token map");
        }
        BitSet keep = full.alwaysKeptIds();
        for (long id : full.encode(CHAT_SCAFFOLD)) {
            keep.set((int) id);
        }
        while (texts.hasNext()) {
            for (long id : full.encode(texts.next())) {
                keep.set((int) id);
            }
        }
        return new TokenMap(keep.stream().asLongStream().toArray(), full.vocabSize());
    }

    /** {@link #build} over the JSON string values of JSONL files, with the bundled Qwen3 tokenizer. */
    public static TokenMap ofJsonl(List<Path> files) throws IOException {
        try (QwenTokenizer full = QwenTokenizer.fromDirectory(BundledTokenizer.files().get("tokenizer.json").getParent())) {
            return build(full, jsonlStrings(files));
        }
    }

    /** Every JSON string value (at any depth) of every line of the JSONL files, for {@link #build}. */
    public static Iterator<String> jsonlStrings(List<Path> files) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            int line = 0;
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                line++;
                if (l.isBlank()) {
                    continue;
                }
                try {
                    collect(json.readTree(l), out);
                } catch (IOException e) {
                    throw new IllegalArgumentException(f + ":" + line + ": not a JSON line (" + repo.core.io.SafetensorsException.oneLine(e) + ")", e);
                }
            }
        }
        return out.iterator();
    }

    private static void collect(JsonNode n, List<String> out) {
        if (n.isTextual()) {
            out.add(n.asText());
        }
        n.forEach(child -> collect(child, out));
    }

    /** Reads {@code dir/token_map.json}; null when the folder has none (the full Qwen3 vocabulary). */
    static TokenMap read(Path dir, QwenTokenizer full) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + repo.core.io.SafetensorsException.oneLine(e) + ")", e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText()) || !root.path("qwen3_ids").isArray()) {
            throw new IllegalArgumentException(file + ": expected {\"format\": \"" + FORMAT + "\", \"qwen3_ids\": [...]}");
        }
        JsonNode ids = root.get("qwen3_ids");
        long[] out = new long[ids.size()];
        BitSet required = full.alwaysKeptIds();
        for (int i = 0; i < out.length; i++) {
            JsonNode v = ids.get(i);
            if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() >= full.vocabSize() || (i > 0 && v.asLong() <= out[i - 1])) {
                throw new IllegalArgumentException(file + ": qwen3_ids[" + i + "] is " + v + "; expected ascending integers in [0, "
                        + full.vocabSize() + ")");
            }
            out[i] = v.asLong();
            required.clear((int) out[i]);
        }
        if (!required.isEmpty()) {
            throw new IllegalArgumentException(file + ": qwen3_ids lacks " + required.cardinality()
                    + " of the byte-level base and added tokens (first: " + required.nextSetBit(0) + "); every task vocabulary keeps them");
        }
        return new TokenMap(out, full.vocabSize());
    }

    /** Writes {@code dir/token_map.json}. */
    public void write(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode ids = root.putArray("qwen3_ids");
        for (long id : toQwen) {
            ids.add(id);
        }
        Files.writeString(dir.resolve(FILE), json.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    }

    /** The number of task ids: the model's vocab_size. */
    public int size() {
        return toQwen.length;
    }

    /** The task id of a Qwen3 id, or -1 when the task vocabulary lacks it. */
    public int taskId(long qwenId) {
        return qwenId >= 0 && qwenId < toTask.length ? toTask[(int) qwenId] : -1;
    }

    /** The Qwen3 id of a task id, or -1 for an id past the task vocabulary. */
    public long qwenId(long taskId) {
        return taskId >= 0 && taskId < toQwen.length ? toQwen[(int) taskId] : -1;
    }
}
