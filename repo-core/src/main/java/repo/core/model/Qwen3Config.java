package repo.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The shape of a Qwen3 dense decoder, as Hugging Face's {@code config.json} describes it.
 *
 * <p>{@code headDim} is its own field: it is 128 for every released size and is <em>not</em>
 * {@code hiddenSize / numAttentionHeads} for 0.6B, 4B and 32B. Reading accepts both the older
 * ({@code rope_theta}, {@code torch_dtype}) and the newer ({@code rope_parameters}, {@code dtype}) keys.
 *
 * @param vocabSize embedding rows V (151936 for every real size; the tokenizer uses ids up to 151668)
 * @param hiddenSize h
 * @param intermediateSize I, width of the SwiGLU MLP
 * @param numHiddenLayers L
 * @param numAttentionHeads H, query heads
 * @param numKeyValueHeads K, key/value heads (GQA: query head i reads kv head i / (H/K))
 * @param headDim D
 * @param rmsNormEps epsilon of every RMSNorm
 * @param ropeTheta RoPE base
 * @param maxPositionEmbeddings longest supported sequence
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param bosTokenId {@code <|endoftext|>} for Qwen3
 * @param eosTokenId {@code <|im_end|>} for Qwen3
 * @param dtype storage dtype name written to config.json ("bfloat16", "float16" or "float32")
 */
public record Qwen3Config(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        int bosTokenId,
        int eosTokenId,
        String dtype) {

    /** Qwen3's tokenizer: ids 0..151668 are real tokens; rows above are padding. */
    public static final int QWEN3_VOCAB = 151936;

    public Qwen3Config {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("head_dim", headDim);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ") for grouped-query attention");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for the half-split RoPE rotation, got " + headDim);
        }
        if (!(rmsNormEps > 0)) {
            throw new IllegalArgumentException("rms_norm_eps must be > 0, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0)) {
            throw new IllegalArgumentException("rope_theta must be > 0, got " + ropeTheta);
        }
        if (dtype == null || !(dtype.equals("bfloat16") || dtype.equals("float16") || dtype.equals("float32"))) {
            throw new IllegalArgumentException("dtype must be one of bfloat16, float16, float32, got " + dtype);
        }
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be a positive integer, got " + value);
        }
    }

    /** Query heads per key/value head. */
    public int groups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Parameter count of the checkpoint (the LM head counted once when tied). */
    public long parameterCount() {
        long h = hiddenSize, q = (long) numAttentionHeads * headDim, kv = (long) numKeyValueHeads * headDim;
        long perLayer = h * q + 2 * h * kv + q * h + 3 * h * intermediateSize + 2L * headDim + 2 * h;
        long embed = (long) vocabSize * h;
        return embed + numHiddenLayers * perLayer + h + (tieWordEmbeddings ? 0 : embed);
    }

    // ---- presets ---------------------------------------------------------------------------

    /** The named shapes `init-model --preset` knows. */
    public enum Preset {
        TINY("tiny", 2, 64, 128, 4, 2, 32, true),
        QWEN3_0_6B("qwen3-0.6b", 28, 1024, 3072, 16, 8, 128, true),
        QWEN3_1_7B("qwen3-1.7b", 28, 2048, 6144, 16, 8, 128, true),
        QWEN3_4B("qwen3-4b", 36, 2560, 9728, 32, 8, 128, true),
        QWEN3_8B("qwen3-8b", 36, 4096, 12288, 32, 8, 128, false),
        QWEN3_14B("qwen3-14b", 40, 5120, 17408, 40, 8, 128, false),
        QWEN3_32B("qwen3-32b", 64, 5120, 25600, 64, 8, 128, false);

        public final String id;
        final int layers, hidden, intermediate, heads, kvHeads, headDim;
        final boolean tied;

        Preset(String id, int layers, int hidden, int intermediate, int heads, int kvHeads, int headDim, boolean tied) {
            this.id = id;
            this.layers = layers;
            this.hidden = hidden;
            this.intermediate = intermediate;
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.headDim = headDim;
            this.tied = tied;
        }

        public Qwen3Config config() {
            return new Qwen3Config(QWEN3_VOCAB, hidden, intermediate, layers, heads, kvHeads, headDim,
                    1e-6, 1_000_000, 40960, tied, 151643, 151645, "bfloat16");
        }

        public static Preset parse(String id) {
            for (Preset p : values()) {
                if (p.id.equalsIgnoreCase(id)) {
                    return p;
                }
            }
            StringBuilder known = new StringBuilder();
            for (Preset p : values()) {
                known.append(known.length() == 0 ? "" : ", ").append(p.id);
            }
            throw new IllegalArgumentException("unknown preset '" + id + "'; expected one of " + known);
        }
    }

    // ---- withers ---------------------------------------------------------------------------

    /** A copy with other {@code bos_token_id} ({@code <|endoftext|>}) and {@code eos_token_id} ({@code <|im_end|>}) ids. */
    public Qwen3Config withSpecialTokens(int bos, int eos) {
        return new Qwen3Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, bos, eos, dtype);
    }

    public Qwen3Config withTieWordEmbeddings(boolean tie) {
        return new Qwen3Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, rmsNormEps, ropeTheta, maxPositionEmbeddings, tie, bosTokenId, eosTokenId, dtype);
    }

    public Qwen3Config withDtype(String newDtype) {
        return new Qwen3Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, bosTokenId,
                eosTokenId, newDtype);
    }

    /** A copy with the shape fields replaced (null keeps the current value). */
    public Qwen3Config withShape(Integer vocab, Integer hidden, Integer intermediate, Integer layers, Integer heads,
                                 Integer kvHeads, Integer newHeadDim) {
        return new Qwen3Config(or(vocab, vocabSize), or(hidden, hiddenSize), or(intermediate, intermediateSize),
                or(layers, numHiddenLayers), or(heads, numAttentionHeads), or(kvHeads, numKeyValueHeads),
                or(newHeadDim, headDim), rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, bosTokenId,
                eosTokenId, dtype);
    }

    private static int or(Integer v, int d) {
        return v == null ? d : v;
    }

    // ---- config.json -----------------------------------------------------------------------

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a Hugging Face {@code config.json}; errors name the file and the key. */
    public static Qwen3Config fromHfJson(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read config.json: " + repo.core.io.SafetensorsException.oneLine(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": config.json must hold a JSON object");
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static Qwen3Config fromJson(JsonNode n) {
        String modelType = n.path("model_type").asText("qwen3");
        if (!modelType.equals("qwen3")) {
            throw new IllegalArgumentException("model_type is '" + modelType + "'; this library loads Qwen3 dense decoders (model_type \"qwen3\")");
        }
        int hidden = intKey(n, "hidden_size", null);
        int heads = intKey(n, "num_attention_heads", null);
        JsonNode rope = n.path("rope_parameters");
        double theta = n.has("rope_theta") ? num(n, "rope_theta") : rope.has("rope_theta") ? num(rope, "rope_theta") : 10000.0;
        String ropeType = rope.path("rope_type").asText(n.path("rope_scaling").path("rope_type").asText("default"));
        if (!ropeType.equals("default")) {
            throw new IllegalArgumentException("rope_type '" + ropeType + "' is not supported; only \"default\" RoPE (no YaRN scaling) is implemented");
        }
        String dtype = n.has("dtype") ? n.get("dtype").asText() : n.path("torch_dtype").asText("bfloat16");
        int eos = n.path("eos_token_id").isArray() ? n.get("eos_token_id").get(0).asInt() : n.path("eos_token_id").asInt(151645);
        return new Qwen3Config(
                intKey(n, "vocab_size", null), hidden, intKey(n, "intermediate_size", null),
                intKey(n, "num_hidden_layers", null), heads, intKey(n, "num_key_value_heads", heads),
                intKey(n, "head_dim", hidden / Math.max(heads, 1)),
                n.has("rms_norm_eps") ? num(n, "rms_norm_eps") : 1e-6, theta,
                intKey(n, "max_position_embeddings", 40960),
                n.path("tie_word_embeddings").asBoolean(false),
                n.path("bos_token_id").asInt(151643), eos, dtype);
    }

    private static int intKey(JsonNode n, String key, Integer fallback) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException("missing required key \"" + key + "\" (an integer)");
            }
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("key \"" + key + "\" must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static double num(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("key \"" + key + "\" must be a number, got " + v);
        }
        return v.asDouble();
    }

    /** The config.json transformers writes for Qwen3 (older key style, which every version reads). */
    public ObjectNode toHfJson() {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode arch = o.putArray("architectures");
        arch.add("Qwen3ForCausalLM");
        o.put("attention_bias", false);
        o.put("attention_dropout", 0.0);
        o.put("bos_token_id", bosTokenId);
        o.put("eos_token_id", eosTokenId);
        o.put("head_dim", headDim);
        o.put("hidden_act", "silu");
        o.put("hidden_size", hiddenSize);
        o.put("initializer_range", 0.02);
        o.put("intermediate_size", intermediateSize);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("max_window_layers", numHiddenLayers);
        o.put("model_type", "qwen3");
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_key_value_heads", numKeyValueHeads);
        o.put("rms_norm_eps", rmsNormEps);
        o.putNull("rope_scaling");
        o.put("rope_theta", ropeTheta);
        o.putNull("sliding_window");
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("torch_dtype", dtype);
        o.put("transformers_version", "4.51.0");
        o.put("use_cache", true);
        o.put("use_sliding_window", false);
        o.put("vocab_size", vocabSize);
        return o;
    }

    public void writeHfJson(Path file) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toHfJson()) + "\n");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Qwen3Config[L=%d h=%d I=%d H=%d K=%d D=%d V=%d tied=%s]", numHiddenLayers,
                hiddenSize, intermediateSize, numAttentionHeads, numKeyValueHeads, headDim, vocabSize, tieWordEmbeddings);
    }
}
