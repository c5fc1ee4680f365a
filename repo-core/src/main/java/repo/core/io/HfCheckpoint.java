package repo.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import repo.core.model.Qwen3Config;

/**
 * A Hugging Face Qwen3 checkpoint folder: {@code config.json} plus {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json}.
 *
 * <p>{@link #open} checks that every tensor the config implies is present with the implied shape and a float dtype,
 * and that nothing else is stored. With tied embeddings a stored {@code lm_head.weight} is ignored (some released
 * tied checkpoints carry one); without, it is required. Of the index only {@code weight_map} is trusted.
 */
public final class HfCheckpoint implements AutoCloseable {

    public static final String CONFIG = "config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    public static final String LM_HEAD = "lm_head.weight";

    private final Path dir;
    private final Qwen3Config config;
    private final Set<String> names;
    private final Map<String, SafetensorsFile> fileOf;
    private final List<SafetensorsFile> files;

    private HfCheckpoint(Path dir, Qwen3Config config, Map<String, SafetensorsFile> fileOf, List<SafetensorsFile> files) {
        this.dir = dir;
        this.config = config;
        this.names = Collections.unmodifiableSet(new LinkedHashSet<>(specs(config).keySet()));
        this.fileOf = fileOf;
        this.files = files;
    }

    /** An expected tensor: its shape and how the config implies it, e.g. "[intermediate_size(128), hidden_size(64)]". */
    private record Spec(long[] shape, String derivation) {
    }

    // ---- reading ---------------------------------------------------------------------------

    /** Reads {@code dir/config.json}; errors name the file and the offending key. */
    public static Qwen3Config readConfig(Path dir) {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw SafetensorsException.of(file, null, "missing " + CONFIG + "; a Hugging Face checkpoint folder holds"
                    + " config.json next to its safetensors weights");
        }
        try {
            return Qwen3Config.fromHfJson(file);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsException(e.getMessage(), e);
        }
    }

    /**
     * Opens and validates a checkpoint folder (see the class comment). Tensor data is read only by {@link #load}.
     *
     * @throws SafetensorsException naming the file, tensor and problem
     */
    public static HfCheckpoint open(Path dir) {
        Qwen3Config config = readConfig(dir);
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            Path single = dir.resolve(SINGLE), index = dir.resolve(INDEX);
            Path source;
            if (Files.isRegularFile(single)) {
                SafetensorsFile f = SafetensorsFile.open(single);
                files.add(f);
                f.tensors().keySet().forEach(name -> fileOf.put(name, f));
                source = single;
            } else if (Files.isRegularFile(index)) {
                readIndex(index, files, fileOf);
                source = index;
            } else {
                throw SafetensorsException.of(dir, null, "neither " + SINGLE + " nor " + INDEX + " is present;"
                        + " expected the weights of a Hugging Face checkpoint");
            }
            validate(config, fileOf, source);
            return new HfCheckpoint(dir, config, Collections.unmodifiableMap(fileOf), List.copyOf(files));
        } catch (RuntimeException e) {
            files.forEach(f -> closeQuietly(f, e));
            throw e;
        }
    }

    private static void closeQuietly(SafetensorsFile f, RuntimeException primary) {
        try {
            f.close();
        } catch (RuntimeException suppressed) {
            primary.addSuppressed(suppressed);
        }
    }

    /** Opens the shards named by the index's weight_map and checks each holds the tensors mapped to it. */
    private static void readIndex(Path index, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileOf) {
        Map<String, String> weightMap = weightMap(index);
        Map<String, List<String>> byShard = weightMap.entrySet().stream().collect(Collectors.groupingBy(
                Map.Entry::getValue, TreeMap::new, Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
        for (Map.Entry<String, List<String>> shard : byShard.entrySet()) {
            Path path = index.resolveSibling(shard.getKey());
            if (!Files.isRegularFile(path)) {
                throw SafetensorsException.of(index, shard.getValue().get(0), "weight_map points to shard "
                        + shard.getKey() + " (for " + shard.getValue().size() + " tensors), which does not exist in "
                        + index.getParent());
            }
            SafetensorsFile f = SafetensorsFile.open(path);
            files.add(f);
            for (String name : shard.getValue()) {
                if (!f.tensors().containsKey(name)) {
                    throw SafetensorsException.of(index, name, "weight_map places this tensor in " + shard.getKey()
                            + ", but that shard does not hold it");
                }
                fileOf.put(name, f);
            }
        }
    }

    private static Map<String, String> weightMap(Path index) {
        JsonNode root;
        try {
            root = SafetensorsHeader.JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw SafetensorsException.of(index, null, "cannot read the index as JSON: " + SafetensorsException.oneLine(e), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw SafetensorsException.of(index, null, "missing \"weight_map\" object (tensor name -> shard file)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().isTextual() ? e.getValue().textValue() : "";
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")) {
                throw SafetensorsException.of(index, e.getKey(), "weight_map value " + e.getValue()
                        + " must be the file name of a shard in the same folder");
            }
            out.put(e.getKey(), shard);
        }
        return out;
    }

    /** Every expected tensor present, with the expected shape and a float dtype; nothing unexpected stored. */
    private static void validate(Qwen3Config config, Map<String, SafetensorsFile> fileOf, Path source) {
        Map<String, Spec> specs = specs(config);
        List<String> missing = specs.keySet().stream().filter(n -> !fileOf.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw SafetensorsException.of(source, missing.get(0), "missing " + missing.size() + " of the "
                    + specs.size() + " tensors that config.json implies: " + preview(missing)
                    + (missing.contains(LM_HEAD) ? " (tie_word_embeddings is false, so " + LM_HEAD + " must be stored)" : ""));
        }
        for (Map.Entry<String, Spec> e : specs.entrySet()) {
            SafetensorsFile f = fileOf.get(e.getKey());
            TensorInfo t = f.tensors().get(e.getKey());
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                throw SafetensorsException.of(f.path(), t.name(), "shape " + Arrays.toString(t.shape())
                        + " does not match config.json, which implies " + Arrays.toString(e.getValue().shape()) + " = "
                        + e.getValue().derivation());
            }
            if (!t.dtype().isLoadableFloat()) {
                throw SafetensorsException.of(f.path(), t.name(), "dtype " + t.dtype() + " is not a float type;"
                        + " weights must be BF16, F16, F32 or F64");
            }
        }
        List<String> extra = fileOf.keySet().stream()
                .filter(n -> !specs.containsKey(n) && !(config.tieWordEmbeddings() && n.equals(LM_HEAD))).toList();
        if (!extra.isEmpty()) {
            throw SafetensorsException.of(source, extra.get(0), extra.size() + " unexpected tensor(s) that a Qwen3"
                    + " model with this config.json does not have: " + preview(extra));
        }
    }

    private static String preview(List<String> names) {
        return names.stream().limit(6).collect(Collectors.joining(", ")) + (names.size() > 6 ? ", ..." : "");
    }

    public Qwen3Config config() {
        return config;
    }

    public Path dir() {
        return dir;
    }

    /** The names of the model's tensors, all present (no {@code lm_head.weight} when tied). */
    public Set<String> names() {
        return names;
    }

    /** Loads one of {@link #names()} as a new FLOAT32/FLOAT16 array owned by {@code manager}. */
    public NDArray load(String name, NDManager manager, DataType target) {
        if (!names.contains(name)) {
            String hint = name.equals(LM_HEAD) ? "the embeddings are tied: use model.embed_tokens.weight"
                    : "expected a name such as model.embed_tokens.weight or model.layers.0.self_attn.q_proj.weight";
            throw SafetensorsException.of(dir, name, "not a tensor of this checkpoint; " + hint);
        }
        return fileOf.get(name).load(name, manager, target);
    }

    /** Closes every file; loaded arrays stay valid. */
    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }

    // ---- expected tensors ------------------------------------------------------------------

    /** The Hugging Face tensor names of a Qwen3 model with config {@code c}, in model order, with [out, in] shapes. */
    public static Map<String, long[]> expectedShapes(Qwen3Config c) {
        Map<String, long[]> out = new LinkedHashMap<>();
        specs(c).forEach((name, spec) -> out.put(name, spec.shape().clone()));
        return out;
    }

    private static Map<String, Spec> specs(Qwen3Config c) {
        String v = "vocab_size(" + c.vocabSize() + ")", h = "hidden_size(" + c.hiddenSize() + ")";
        String i = "intermediate_size(" + c.intermediateSize() + ")", d = "head_dim(" + c.headDim() + ")";
        String q = "num_attention_heads(" + c.numAttentionHeads() + ")*" + d;
        String kv = "num_key_value_heads(" + c.numKeyValueHeads() + ")*" + d;
        long hid = c.hiddenSize(), inter = c.intermediateSize(), hd = c.headDim();
        long qOut = (long) c.numAttentionHeads() * hd, kvOut = (long) c.numKeyValueHeads() * hd;
        Map<String, Spec> s = new LinkedHashMap<>();
        s.put("model.embed_tokens.weight", spec(v, h, c.vocabSize(), hid));
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            s.put(p + "self_attn.q_proj.weight", spec(q, h, qOut, hid));
            s.put(p + "self_attn.k_proj.weight", spec(kv, h, kvOut, hid));
            s.put(p + "self_attn.v_proj.weight", spec(kv, h, kvOut, hid));
            s.put(p + "self_attn.o_proj.weight", spec(h, q, hid, qOut));
            s.put(p + "self_attn.q_norm.weight", new Spec(new long[] {hd}, "[" + d + "]"));
            s.put(p + "self_attn.k_norm.weight", new Spec(new long[] {hd}, "[" + d + "]"));
            s.put(p + "mlp.gate_proj.weight", spec(i, h, inter, hid));
            s.put(p + "mlp.up_proj.weight", spec(i, h, inter, hid));
            s.put(p + "mlp.down_proj.weight", spec(h, i, hid, inter));
            s.put(p + "input_layernorm.weight", new Spec(new long[] {hid}, "[" + h + "]"));
            s.put(p + "post_attention_layernorm.weight", new Spec(new long[] {hid}, "[" + h + "]"));
        }
        s.put("model.norm.weight", new Spec(new long[] {hid}, "[" + h + "]"));
        if (!c.tieWordEmbeddings()) {
            s.put(LM_HEAD, spec(v, h, c.vocabSize(), hid));
        }
        return s;
    }

    private static Spec spec(String rowsKey, String colsKey, long rows, long cols) {
        return new Spec(new long[] {rows, cols}, "[" + rowsKey + ", " + colsKey + "]");
    }

    // ---- writing ---------------------------------------------------------------------------

    /** {@link #write(Path, Qwen3Config, Map, SafetensorsWriter.Storage, long, Map)} without extra files. */
    public static void write(Path dir, Qwen3Config config, Map<String, NDArray> weights, SafetensorsWriter.Storage storage,
                             long maxShardBytes) throws IOException {
        write(dir, config, weights, storage, maxShardBytes, Map.of());
    }

    /**
     * Writes a checkpoint folder: config.json (dtype set to match {@code storage}), generation_config.json, the
     * weights as one model.safetensors or, when larger than {@code maxShardBytes}, as numbered shards plus
     * model.safetensors.index.json, and copies of {@code extraFiles} (file name in the folder -> source path).
     * Everything is written into a temporary sibling folder that is then renamed to {@code dir}.
     *
     * @param weights exactly {@link #expectedShapes} (a {@code lm_head.weight} is dropped when tied)
     * @throws IllegalArgumentException for missing, unexpected or misshapen weights, or a reserved extra-file name
     * @throws FileAlreadyExistsException when {@code dir} exists and is not an empty folder
     */
    public static void write(Path dir, Qwen3Config config, Map<String, NDArray> weights, SafetensorsWriter.Storage storage,
                             long maxShardBytes, Map<String, Path> extraFiles) throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        Map<String, NDArray> ordered = checkWeights(config, weights);
        checkExtraFiles(extraFiles);
        Path target = dir.toAbsolutePath();
        checkWritable(target, "a checkpoint");
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp-");
        try {
            config.withDtype(storage.torchName()).writeHfJson(tmp.resolve(CONFIG));
            writeGenerationConfig(tmp.resolve(GENERATION_CONFIG), config);
            writeWeights(tmp, ordered, storage, maxShardBytes);
            for (Map.Entry<String, Path> e : extraFiles.entrySet()) {
                Files.copy(e.getValue(), tmp.resolve(e.getKey()));
            }
            Files.deleteIfExists(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp, e);
            throw e;
        }
    }

    /** The weights in model order, validated against the config; a tied model's lm_head is left out. */
    private static Map<String, NDArray> checkWeights(Qwen3Config config, Map<String, NDArray> weights) {
        Map<String, Spec> specs = specs(config);
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Spec> e : specs.entrySet()) {
            NDArray a = weights.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("weights lack " + e.getKey() + " " + Arrays.toString(e.getValue().shape())
                        + ", which " + config + " needs");
            }
            if (!Arrays.equals(a.getShape().getShape(), e.getValue().shape())) {
                throw new IllegalArgumentException(e.getKey() + " has shape " + a.getShape() + " but the config implies "
                        + Arrays.toString(e.getValue().shape()) + " = " + e.getValue().derivation());
            }
            ordered.put(e.getKey(), a);
        }
        List<String> extra = weights.keySet().stream()
                .filter(n -> !specs.containsKey(n) && !(config.tieWordEmbeddings() && n.equals(LM_HEAD))).sorted().toList();
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("unexpected weights for " + config + ": " + preview(extra));
        }
        return ordered;
    }

    private static void checkExtraFiles(Map<String, Path> extraFiles) {
        for (String name : extraFiles.keySet()) {
            boolean reserved = name.equals(CONFIG) || name.equals(GENERATION_CONFIG) || name.equals(INDEX)
                    || name.endsWith(".safetensors");
            if (reserved || name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IllegalArgumentException("extra file name '" + name + "' must be a plain file name other than"
                        + " config.json, generation_config.json and *.safetensors files");
            }
        }
    }

    /** {@code dir} must not exist or be empty: nothing is ever written over ({@code what}: "a checkpoint", "an adapter"). */
    static void checkWritable(Path dir, String what) throws IOException {
        SafeFiles.checkFolderTarget(dir); // a symbolic link or a device is never replaced
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new FileAlreadyExistsException(dir.toString(), null, "exists and is not a folder; " + what
                    + " is written into a new or empty folder");
        }
        try (Stream<Path> children = Files.list(dir)) {
            if (children.findAny().isPresent()) {
                throw new FileAlreadyExistsException(dir.toString(), null, "is not empty; " + what
                        + " is written into a new or empty folder");
            }
        }
    }

    /** The sampling defaults Qwen3 ships: thinking mode, stop on eos or bos (which doubles as pad). */
    private static void writeGenerationConfig(Path file, Qwen3Config c) throws IOException {
        ObjectNode o = SafetensorsHeader.JSON.createObjectNode();
        o.put("bos_token_id", c.bosTokenId());
        o.put("do_sample", true);
        o.putArray("eos_token_id").add(c.eosTokenId()).add(c.bosTokenId());
        o.put("pad_token_id", c.bosTokenId());
        o.put("temperature", 0.6);
        o.put("top_k", 20);
        o.put("top_p", 0.95);
        o.put("transformers_version", "4.51.0");
        Files.writeString(file, SafetensorsHeader.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    /** One model.safetensors, or greedy shards in model order plus the index when the total exceeds the limit. */
    private static void writeWeights(Path dir, Map<String, NDArray> weights, SafetensorsWriter.Storage storage,
                                     long maxShardBytes) throws IOException {
        long total = 0;
        List<Map<String, NDArray>> shards = new ArrayList<>();
        long shardBytes = 0;
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            long bytes = e.getValue().size() * storage.dtype().bytes();
            if (shards.isEmpty() || (shardBytes > 0 && shardBytes + bytes > maxShardBytes)) {
                shards.add(new LinkedHashMap<>());
                shardBytes = 0;
            }
            shards.get(shards.size() - 1).put(e.getKey(), e.getValue());
            shardBytes += bytes;
            total += bytes;
        }
        if (shards.size() == 1) {
            SafetensorsWriter.write(dir.resolve(SINGLE), weights, Map.of(), storage);
            return;
        }
        Map<String, String> weightMap = new TreeMap<>();
        for (int s = 0; s < shards.size(); s++) {
            String name = String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
            SafetensorsWriter.write(dir.resolve(name), shards.get(s), Map.of(), storage);
            shards.get(s).keySet().forEach(t -> weightMap.put(t, name));
        }
        ObjectNode index = SafetensorsHeader.JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        Files.writeString(dir.resolve(INDEX), SafetensorsHeader.JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(index) + "\n");
    }

    private static void deleteRecursively(Path root, Exception primary) {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException suppressed) {
            primary.addSuppressed(suppressed);
        }
    }

    /**
     * Deletes a checkpoint folder so it can be written again; refuses a folder that has no config.json, so a
     * mistyped path never deletes unrelated files. A missing folder is fine.
     */
    public static void deleteCheckpointFolder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new IllegalArgumentException(dir + " exists but holds no " + CONFIG
                    + "; refusing to delete a folder that is not a checkpoint");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
