package repo.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import repo.core.model.LoraAdapter;
import repo.core.model.LoraConfig;
import repo.core.model.ModelOptions;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Model;

/**
 * LoRA adapters in Hugging Face PEFT's on-disk format, which PEFT's {@code PeftModel.from_pretrained} and vLLM's
 * {@code --lora-modules} read.
 *
 * <pre>
 * dir/adapter_config.json          json.dumps(asdict(LoraConfig), indent=2, sort_keys=True), inference_mode true
 * dir/adapter_model.safetensors    F32, metadata {"format": "pt"}, only these keys:
 *   base_model.model.model.layers.{i}.{self_attn|mlp}.{proj}.lora_A.weight   (r, in)
 *   base_model.model.model.layers.{i}.{self_attn|mlp}.{proj}.lora_B.weight   (out, r)
 * </pre>
 *
 * Keys carry no adapter name: PEFT strips ".default" when saving and inserts the adapter name when loading. A file
 * whose keys still hold one (e.g. {@code ...q_proj.lora_A.default.weight}, a raw state dict) is rejected with a
 * message saying so, rather than guessed at.
 */
public final class PeftAdapters {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** The PeftModel -> LoraModel -> HF model wrapper prefix of every key. */
    public static final String PREFIX = "base_model.model.";
    /** Tokenizer files copied from a base checkpoint folder into a merged one, when present. */
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json", "vocab.json",
            "merges.txt", "special_tokens_map.json", "added_tokens.json", "chat_template.jinja", repo.core.text.TokenMap.FILE);

    private PeftAdapters() {
    }

    // ---- saving ------------------------------------------------------------------------------

    /**
     * Writes adapter {@code adapter} of {@code model} as a PEFT folder (see the class comment) into {@code dir}, which
     * must be new or empty; everything is written into a temporary sibling folder that is then renamed.
     *
     * @param baseModelNameOrPath recorded as base_model_name_or_path (e.g. "Qwen/Qwen3-8B" or a local folder)
     */
    public static void save(Qwen3Model model, String adapter, Path dir, String baseModelNameOrPath) throws IOException {
        LoraConfig cfg = model.adapterConfig(adapter);
        Map<String, LoraAdapter> modules = model.adapterModules(adapter);
        Path target = dir.toAbsolutePath();
        HfCheckpoint.checkWritable(target, "an adapter");
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp-");
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> tensors = new TreeMap<>();
            modules.forEach((module, a) -> {
                tensors.put(key(module, "lora_A"), f32(a.a()));
                tensors.put(key(module, "lora_B"), f32(a.b()));
            });
            SafetensorsWriter.write(tmp.resolve(WEIGHTS), tensors, Map.of("format", "pt"), SafetensorsWriter.Storage.F32);
            Files.writeString(tmp.resolve(CONFIG), PythonJson.dumps(configJson(cfg, baseModelNameOrPath)));
            Files.deleteIfExists(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp, e);
            throw e;
        }
    }

    /** The tensor key PEFT writes for one matrix of one module, e.g. lora_A of model.layers.0.self_attn.q_proj. */
    public static String key(String module, String matrix) {
        return PREFIX + module + "." + matrix + ".weight";
    }

    private static NDArray f32(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    }

    /** PEFT's recommended key set (qwen3.md §4), as a sorted map. */
    static Map<String, Object> configJson(LoraConfig cfg, String base) {
        Map<String, Object> c = new TreeMap<>();
        c.put("alpha_pattern", Map.of());
        c.put("base_model_name_or_path", base);
        c.put("bias", "none");
        c.put("exclude_modules", null);
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        c.put("layers_pattern", null);
        c.put("layers_to_transform", null);
        c.put("lora_alpha", cfg.alpha() == Math.rint(cfg.alpha()) ? (Object) (long) cfg.alpha() : cfg.alpha());
        c.put("lora_bias", false);
        c.put("lora_dropout", cfg.dropout());
        c.put("modules_to_save", null);
        c.put("peft_type", "LORA");
        c.put("r", cfg.r());
        c.put("rank_pattern", Map.of());
        c.put("revision", null);
        c.put("target_modules", new ArrayList<>(new TreeSet<>(cfg.targetModules())));
        c.put("task_type", "CAUSAL_LM");
        c.put("use_dora", false);
        c.put("use_rslora", cfg.useRslora());
        return c;
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

    // ---- loading -----------------------------------------------------------------------------

    /**
     * Reads a PEFT LoRA folder into a new adapter {@code adapterName} of {@code model} (not activated).
     *
     * <p>Accepts what PEFT writes for this model: target_modules as a list (or the string "all-linear"),
     * bias "none", no DoRA, no rank/alpha patterns, no layers_to_transform, no modules_to_save; F32/F16/BF16
     * tensors. Every projection the config targets must have both matrices with the shapes the model implies,
     * and nothing else may be stored.
     *
     * @return the adapter's config
     * @throws SafetensorsException naming the file, the tensor or key, what was expected and what was found
     */
    public static LoraConfig load(Qwen3Model model, String adapterName, Path dir) {
        Path cfgFile = dir.resolve(CONFIG), file = dir.resolve(WEIGHTS);
        LoraConfig cfg = readConfig(cfgFile);
        Map<String, long[]> expected = expectedShapes(model, cfg);
        if (expected.isEmpty()) {
            throw SafetensorsException.of(cfgFile, null, "target_modules " + cfg.targetModules() + " match no projection"
                    + " of the model");
        }
        if (!Files.isRegularFile(file)) {
            throw SafetensorsException.of(file, null, "missing; a PEFT adapter folder holds " + WEIGHTS + " next to "
                    + CONFIG + " (adapter_model.bin is not read)");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = model.manager().newSubManager()) {
            checkKeys(file, f.tensors().keySet(), expected, model, cfg);
            Map<String, NDArray> loaded = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                TensorInfo t = f.tensors().get(e.getKey());
                if (!Arrays.equals(t.shape(), e.getValue())) {
                    throw SafetensorsException.of(file, e.getKey(), "shape " + Arrays.toString(t.shape()) + ", expected "
                            + Arrays.toString(e.getValue()) + " for r=" + cfg.r() + " on this model");
                }
                loaded.put(e.getKey(), f.loadFinite(e.getKey(), m, DataType.FLOAT32));
            }
            model.addAdapter(adapterName, cfg, 0);
            try {
                model.adapterModules(adapterName).forEach((module, a) -> {
                    NoGrad.copy(a.a(), loaded.get(key(module, "lora_A")));
                    NoGrad.copy(a.b(), loaded.get(key(module, "lora_B")));
                });
            } catch (RuntimeException e) {
                model.removeAdapter(adapterName);
                throw e;
            }
            return cfg;
        }
    }

    /** Every tensor key the adapter must hold on {@code model}, with its shape. */
    private static Map<String, long[]> expectedShapes(Qwen3Model model, LoraConfig cfg) {
        Map<String, long[]> out = new LinkedHashMap<>();
        model.linears().forEach((module, lin) -> {
            if (cfg.matches(module)) {
                long o = lin.weight().getShape().get(0), i = lin.weight().getShape().get(1);
                out.put(key(module, "lora_A"), new long[] {cfg.r(), i});
                out.put(key(module, "lora_B"), new long[] {o, cfg.r()});
            }
        });
        return out;
    }

    private static void checkKeys(Path file, Set<String> present, Map<String, long[]> expected, Qwen3Model model,
                                  LoraConfig cfg) {
        for (String k : new TreeSet<>(present)) {
            if (expected.containsKey(k)) {
                continue;
            }
            String problem;
            if (k.contains(".default.") || k.endsWith(".default")) {
                problem = "key carries PEFT's adapter name '.default'; adapter files store keys without it"
                        + " (base_model.model.<module>.lora_A.weight), as save_pretrained writes them";
            } else if (k.startsWith(PREFIX) && (k.endsWith(".lora_A.weight") || k.endsWith(".lora_B.weight"))) {
                String module = k.substring(PREFIX.length(), k.length() - ".lora_A.weight".length());
                problem = model.linears().containsKey(module)
                        ? "module " + module + " is not among target_modules " + cfg.targetModules()
                        : "no projection named " + module + " in this model (" + model.config().numHiddenLayers()
                        + " layers; modules such as model.layers.0.self_attn.q_proj)";
            } else {
                problem = "unexpected tensor: only " + PREFIX + "<module>.lora_A.weight / lora_B.weight are supported"
                        + " (no biases, embeddings, modules_to_save or heads)";
            }
            throw SafetensorsException.of(file, k, problem);
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            if (!present.contains(e.getKey())) {
                throw SafetensorsException.of(file, e.getKey(), "missing; target_modules " + cfg.targetModules()
                        + " imply this tensor with shape " + Arrays.toString(e.getValue()));
            }
        }
    }

    /** Parses and checks adapter_config.json. */
    static LoraConfig readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            throw SafetensorsException.of(file, null, "missing; a PEFT adapter folder holds " + CONFIG);
        }
        JsonNode c;
        try {
            c = SafetensorsHeader.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw SafetensorsException.of(file, null, "cannot read as JSON: " + SafetensorsException.oneLine(e), e);
        }
        if (c == null || !c.isObject()) {
            throw SafetensorsException.of(file, null, "expected a JSON object");
        }
        String peftType = c.path("peft_type").asText("");
        if (!peftType.equals("LORA")) {
            throw SafetensorsException.of(file, null, "peft_type is '" + peftType + "', expected \"LORA\"");
        }
        requireNumber(file, c, "r");
        requireNumber(file, c, "lora_alpha");
        refuse(file, c, "use_dora", n -> n.asBoolean(false), "DoRA (use_dora true) is not supported");
        refuse(file, c, "fan_in_fan_out", n -> n.asBoolean(false), "fan_in_fan_out must be false for Qwen3 (nn.Linear)");
        refuse(file, c, "bias", n -> !n.isNull() && !n.asText().equals("none"), "bias must be \"none\"");
        refuse(file, c, "lora_bias", n -> n.asBoolean(false), "lora_bias must be false");
        refuse(file, c, "modules_to_save", n -> !n.isNull() && !(n.isArray() && n.isEmpty()),
                "modules_to_save is not supported; keep heads in their own files");
        refuse(file, c, "rank_pattern", n -> !n.isNull() && !n.isEmpty(), "per-module rank_pattern is not supported");
        refuse(file, c, "alpha_pattern", n -> !n.isNull() && !n.isEmpty(), "per-module alpha_pattern is not supported");
        refuse(file, c, "layers_to_transform", n -> !n.isNull(), "layers_to_transform is not supported");
        refuse(file, c, "exclude_modules", n -> !n.isNull() && !(n.isArray() && n.isEmpty()),
                "exclude_modules is not supported");
        List<String> targets = targets(file, c.get("target_modules"));
        try {
            return new LoraConfig(c.get("r").asInt(), c.get("lora_alpha").asDouble(), c.path("lora_dropout").asDouble(0),
                    targets, c.path("use_rslora").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw SafetensorsException.of(file, null, e.getMessage(), e);
        }
    }

    private static List<String> targets(Path file, JsonNode t) {
        if (t == null || t.isNull()) {
            throw SafetensorsException.of(file, null, "target_modules is missing; expected a list such as"
                    + " [\"q_proj\", \"v_proj\"]");
        }
        if (t.isTextual()) {
            if (t.asText().equals("all-linear")) {
                return LoraConfig.ALL_LINEAR;
            }
            throw SafetensorsException.of(file, null, "target_modules is the regular expression \"" + t.asText()
                    + "\"; only a list of module names (or \"all-linear\") is supported");
        }
        List<String> out = new ArrayList<>();
        t.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void requireNumber(Path file, JsonNode c, String key) {
        if (!c.path(key).isNumber()) {
            throw SafetensorsException.of(file, null, "\"" + key + "\" must be a number, got " + c.get(key));
        }
    }

    private static void refuse(Path file, JsonNode c, String key, java.util.function.Predicate<JsonNode> bad, String why) {
        JsonNode n = c.get(key);
        if (n != null && bad.test(n)) {
            throw SafetensorsException.of(file, null, "\"" + key + "\": " + n + ": " + why);
        }
    }

    // ---- merging -----------------------------------------------------------------------------

    /**
     * The {@code merge-adapter} operation: loads the base checkpoint, applies the PEFT adapter in {@code adapterDir}
     * and writes a full checkpoint with merged weights to {@code outDir} (new or empty), copying the base folder's
     * tokenizer files ({@link #TOKENIZER_FILES}) when present. The result loads like any other checkpoint.
     */
    public static void mergeAndSave(Path baseDir, Path adapterDir, Path outDir, ModelOptions options,
                                    SafetensorsWriter.Storage storage) throws IOException {
        HfCheckpoint.checkWritable(outDir.toAbsolutePath(), "a merged checkpoint"); // before the slow load
        SafeFiles.checkOutputFolder(outDir.toAbsolutePath().getParent());
        try (Qwen3Model model = Qwen3Model.load(baseDir, options)) {
            load(model, "merge", adapterDir);
            model.saveMerged("merge", outDir, storage, tokenizerFiles(baseDir));
        }
    }

    /** The tokenizer files present in a checkpoint folder, by file name. */
    public static Map<String, Path> tokenizerFiles(Path dir) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String name : TOKENIZER_FILES) {
            if (Files.isRegularFile(dir.resolve(name))) {
                out.put(name, dir.resolve(name));
            }
        }
        return out;
    }

    /** JSON as Python's {@code json.dumps(obj, indent=2, sort_keys=True)} prints it (maps must be sorted already). */
    static final class PythonJson {
        private PythonJson() {
        }

        static String dumps(Object o) {
            StringBuilder sb = new StringBuilder();
            write(sb, o, 0);
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object o, int depth) {
            String pad = "  ".repeat(depth + 1), end = "  ".repeat(depth);
            if (o instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                    sb.append(pad).append(quote(e.getKey().toString())).append(": ");
                    write(sb, e.getValue(), depth + 1);
                    sb.append(++i < m.size() ? ",\n" : "\n");
                }
                sb.append(end).append('}');
            } else if (o instanceof List<?> l) {
                if (l.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append("[\n");
                for (int i = 0; i < l.size(); i++) {
                    sb.append(pad);
                    write(sb, l.get(i), depth + 1);
                    sb.append(i + 1 < l.size() ? ",\n" : "\n");
                }
                sb.append(end).append(']');
            } else if (o == null) {
                sb.append("null");
            } else if (o instanceof String s) {
                sb.append(quote(s));
            } else {
                sb.append(o); // Boolean, Integer, Long, Double (Java prints 0.05 and 0.0 as Python does)
            }
        }

        private static String quote(String s) {
            try {
                return SafetensorsHeader.JSON.writeValueAsString(s);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
