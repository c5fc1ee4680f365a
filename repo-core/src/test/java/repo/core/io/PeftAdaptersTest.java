package repo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static repo.core.model.LoraTestModels.logits;
import static repo.core.model.LoraTestModels.maxAbsDiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.model.LoraConfig;
import repo.core.model.LoraTestModels;
import repo.core.model.ModelInit;
import repo.core.model.ModelOptions;
import repo.core.model.ModelOptions.Precision;
import repo.core.model.Qwen3Model;

class PeftAdaptersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** PEFT's recommended adapter_config.json key set (qwen3.md §4). */
    private static final Set<String> CONFIG_KEYS = new TreeSet<>(List.of("peft_type", "task_type",
            "base_model_name_or_path", "revision", "r", "lora_alpha", "lora_dropout", "target_modules", "bias",
            "fan_in_fan_out", "use_rslora", "use_dora", "lora_bias", "modules_to_save", "init_lora_weights",
            "inference_mode", "layers_to_transform", "layers_pattern", "rank_pattern", "alpha_pattern", "exclude_modules"));

    @TempDir
    Path tmp;

    private Qwen3Model model;
    private NDManager m;
    private NDArray ids, mask;

    @BeforeEach
    void setUp() {
        model = LoraTestModels.model(Precision.FP32, 17);
        m = model.manager().newSubManager();
        ids = LoraTestModels.ids(m, 2, 6, 3);
        mask = m.create(new long[] {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}, new Shape(2, 6));
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    /** The keys PEFT writes for targets {@code projs} on the 2-layer test model, with their shapes for rank r. */
    private static Map<String, long[]> peftKeys(List<String> projs, int r) {
        Map<String, long[]> out = new TreeMap<>();
        Map<String, long[]> dims = Map.of("q_proj", new long[] {32, 64}, "k_proj", new long[] {32, 32},
                "v_proj", new long[] {32, 32}, "o_proj", new long[] {64, 32}, "gate_proj", new long[] {32, 64},
                "up_proj", new long[] {32, 64}, "down_proj", new long[] {64, 32}); // {in, out}
        for (int l = 0; l < 2; l++) {
            for (String p : projs) {
                String block = List.of("gate_proj", "up_proj", "down_proj").contains(p) ? "mlp" : "self_attn";
                String base = "base_model.model.model.layers." + l + "." + block + "." + p;
                out.put(base + ".lora_A.weight", new long[] {r, dims.get(p)[0]});
                out.put(base + ".lora_B.weight", new long[] {dims.get(p)[1], r});
            }
        }
        return out;
    }

    private static void assertLayout(Path dir, Map<String, long[]> want) {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertThat(f.tensors().keySet()).as("exactly PEFT's keys, nothing else").isEqualTo(want.keySet());
            want.forEach((k, shape) -> {
                assertThat(f.tensors().get(k).shape()).as(k).containsExactly(shape);
                assertThat(f.tensors().get(k).dtype()).isEqualTo(SafetensorsDtype.F32);
            });
            assertThat(f.metadata()).isEqualTo(Map.of("format", "pt"));
        }
    }

    @Test
    void savesQAndVAtRank8AsPeftDoes() throws Exception {
        model.addAdapter("qv", new LoraConfig(8, 16, 0.05, List.of("v_proj", "q_proj"), false), 1);
        Path dir = tmp.resolve("qv");
        PeftAdapters.save(model, "qv", dir, "Qwen/Qwen3-0.6B");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("adapter_config.json", "adapter_model.safetensors");
        }
        assertLayout(dir, peftKeys(List.of("q_proj", "v_proj"), 8));

        String text = Files.readString(dir.resolve("adapter_config.json"));
        JsonNode c = JSON.readTree(text);
        Set<String> keys = new TreeSet<>();
        c.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isEqualTo(CONFIG_KEYS);
        assertThat(c.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(c.get("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(c.get("r").asInt()).isEqualTo(8);
        assertThat(c.get("lora_alpha").isIntegralNumber()).isTrue();
        assertThat(c.get("lora_alpha").asInt()).isEqualTo(16);
        assertThat(c.get("lora_dropout").asDouble()).isEqualTo(0.05);
        assertThat(JSON.convertValue(c.get("target_modules"), List.class)).containsExactly("q_proj", "v_proj");
        assertThat(c.get("bias").asText()).isEqualTo("none");
        assertThat(c.get("base_model_name_or_path").asText()).isEqualTo("Qwen/Qwen3-0.6B");
        for (String f : List.of("fan_in_fan_out", "use_rslora", "use_dora", "lora_bias")) {
            assertThat(c.get(f).asBoolean(true)).as(f).isFalse();
        }
        assertThat(c.get("inference_mode").asBoolean()).isTrue();
        assertThat(c.get("init_lora_weights").asBoolean()).isTrue();
        for (String f : List.of("revision", "modules_to_save", "layers_to_transform", "layers_pattern", "exclude_modules")) {
            assertThat(c.get(f).isNull()).as(f).isTrue();
        }
        assertThat(c.get("rank_pattern").isObject() && c.get("rank_pattern").isEmpty()).isTrue();
        assertThat(c.get("alpha_pattern").isObject() && c.get("alpha_pattern").isEmpty()).isTrue();
        // json.dumps(indent=2, sort_keys=True): sorted keys, two-space indent, "key": value
        assertThat(text).startsWith("{\n  \"alpha_pattern\": {},\n  \"base_model_name_or_path\": \"Qwen/Qwen3-0.6B\",\n");
        assertThat(text).contains("  \"target_modules\": [\n    \"q_proj\",\n    \"v_proj\"\n  ],\n");
        List<String> order = new ArrayList<>();
        c.fieldNames().forEachRemaining(order::add);
        assertThat(order).isSorted();
    }

    @Test
    void savesEveryProjectionByDefault() throws Exception {
        model.addAdapter("all", LoraConfig.of(4, 8), 1);
        PeftAdapters.save(model, "all", tmp.resolve("all"), "base");
        Map<String, long[]> want = peftKeys(LoraConfig.ALL_LINEAR, 4);
        assertThat(want).hasSize(2 * 7 * 2);
        assertLayout(tmp.resolve("all"), want);
        JsonNode c = JSON.readTree(tmp.resolve("all/adapter_config.json").toFile());
        assertThat(JSON.convertValue(c.get("target_modules"), List.class))
                .containsExactly("down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj");
    }

    @Test
    void roundTripGivesIdenticalLogits() throws Exception {
        model.addAdapter("a", new LoraConfig(8, 16, 0.1, List.of("q_proj", "o_proj", "up_proj"), true), 1);
        LoraTestModels.randomizeB(model, "a", 0.2, 2);
        double[] want = logits(model.with("a"), ids, mask);
        PeftAdapters.save(model, "a", tmp.resolve("a"), "base");

        LoraConfig loaded = PeftAdapters.load(model, "b", tmp.resolve("a"));
        assertThat(loaded).isEqualTo(model.adapterConfig("a"));
        assertThat(maxAbsDiff(logits(model.with("b"), ids, mask), want)).isEqualTo(0.0);
        assertThat(model.adapterParameters("b")).allMatch(NDArray::hasGradient);

        try (Qwen3Model fresh = LoraTestModels.model(Precision.FP32, 17)) {
            PeftAdapters.load(fresh, "default", tmp.resolve("a"));
            assertThat(maxAbsDiff(logits(fresh.with("default"), ids, mask), want)).isEqualTo(0.0);
        }
        assertThatThrownBy(() -> PeftAdapters.save(model, "a", tmp.resolve("a"), "base"))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("not empty");
    }

    @Test
    void fp64AdaptersAreSavedAsF32() throws Exception {
        try (Qwen3Model m64 = LoraTestModels.model(Precision.FP64, 17)) {
            m64.addAdapter("a", LoraConfig.of(2, 4).withTargets(List.of("k_proj")), 1);
            PeftAdapters.save(m64, "a", tmp.resolve("a64"), "base");
            assertLayout(tmp.resolve("a64"), peftKeys(List.of("k_proj"), 2));
            PeftAdapters.load(m64, "back", tmp.resolve("a64"));
            assertThat(m64.adapterParameters("back").get(0).getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT64);
        }
    }

    // ---- malformed adapters ----------------------------------------------------------------

    private Path saved() throws Exception {
        Path dir = tmp.resolve("good");
        if (!Files.exists(dir)) {
            model.addAdapter("good", new LoraConfig(8, 16, 0, List.of("q_proj", "v_proj"), false), 1);
            PeftAdapters.save(model, "good", dir, "base");
        }
        return dir;
    }

    /** A copy of the saved adapter whose tensors {@code edit} changes (name -> values, name -> shape). */
    private Path withTensors(String name, Consumer<Map<String, Object[]>> edit) throws Exception {
        Path src = saved(), dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.copy(src.resolve("adapter_config.json"), dir.resolve("adapter_config.json"));
        Map<String, Object[]> t = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(src.resolve("adapter_model.safetensors"))) {
            f.tensors().forEach((k, info) -> t.put(k, new Object[] {f.loadFloats(k), info.shape()}));
        }
        edit.accept(t);
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        t.forEach((k, v) -> {
            data.put(k, (float[]) v[0]);
            shapes.put(k, (long[]) v[1]);
        });
        SafetensorsWriter.writeFloats(dir.resolve("adapter_model.safetensors"), data, shapes, Map.of("format", "pt"));
        return dir;
    }

    private Path withConfig(String name, Consumer<ObjectNode> edit) throws Exception {
        Path src = saved(), dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.copy(src.resolve("adapter_model.safetensors"), dir.resolve("adapter_model.safetensors"));
        ObjectNode c = (ObjectNode) JSON.readTree(src.resolve("adapter_config.json").toFile());
        edit.accept(c);
        Files.writeString(dir.resolve("adapter_config.json"), c.toString());
        return dir;
    }

    private static final String Q0A = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";

    @Test
    void malformedTensorsGiveClearErrors() throws Exception {
        Path missing = withTensors("missing", t -> t.remove(Q0A));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", missing)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("missing/adapter_model.safetensors").hasMessageContaining(Q0A)
                .hasMessageContaining("missing").hasMessageContaining("[8, 32]");

        Path shape = withTensors("shape", t -> t.put(Q0A, new Object[] {new float[4 * 32], new long[] {4, 32}}));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", shape))
                .hasMessageContaining("shape/adapter_model.safetensors").hasMessageContaining(Q0A)
                .hasMessageContaining("shape [4, 32], expected [8, 32]");

        Path unknown = withTensors("unknown", t -> t.put("base_model.model.model.layers.5.self_attn.q_proj.lora_A.weight",
                new Object[] {new float[8 * 32], new long[] {8, 32}}));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", unknown))
                .hasMessageContaining("layers.5.self_attn.q_proj.lora_A.weight")
                .hasMessageContaining("no projection named model.layers.5.self_attn.q_proj in this model");

        Path untargeted = withTensors("untargeted", t -> t.put("base_model.model.model.layers.0.mlp.up_proj.lora_A.weight",
                new Object[] {new float[8 * 32], new long[] {8, 32}}));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", untargeted))
                .hasMessageContaining("module model.layers.0.mlp.up_proj is not among target_modules [q_proj, v_proj]");

        Path named = withTensors("named", t -> t.put(Q0A.replace("lora_A.weight", "lora_A.default.weight"), t.remove(Q0A)));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", named)).hasMessageContaining("'.default'");

        Path head = withTensors("head", t -> t.put("base_model.model.score.weight", new Object[] {new float[32], new long[] {1, 32}}));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", head)).hasMessageContaining("base_model.model.score.weight")
                .hasMessageContaining("unexpected tensor");

        assertThat(model.adapterNames()).as("failed loads leave no adapter behind").containsExactly("good");
    }

    @Test
    void malformedConfigsGiveClearErrors() throws Exception {
        Path dora = withConfig("dora", c -> c.put("use_dora", true));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", dora)).hasMessageContaining("adapter_config.json")
                .hasMessageContaining("DoRA");
        Path type = withConfig("type", c -> c.put("peft_type", "IA3"));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", type)).hasMessageContaining("peft_type is 'IA3'");
        Path noR = withConfig("nor", c -> c.remove("r"));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", noR)).hasMessageContaining("\"r\" must be a number");
        Path regex = withConfig("regex", c -> c.put("target_modules", ".*q_proj"));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", regex)).hasMessageContaining("regular expression");
        Path badName = withConfig("badname", c -> c.putArray("target_modules").add("q_proj").add("qkv_proj"));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", badName)).hasMessageContaining("badname/adapter_config.json")
                .hasMessageContaining("unknown target module(s) [qkv_proj]");
        Path rank = withConfig("rank", c -> c.put("r", 4));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", rank)).hasMessageContaining("shape [8, 32], expected [4, 32]");
        Path bias = withConfig("bias", c -> c.put("bias", "all"));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", bias)).hasMessageContaining("bias must be \"none\"");
        Path allLinear = withConfig("alllinear", c -> c.put("target_modules", "all-linear"));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", allLinear)).hasMessageContaining("missing")
                .hasMessageContaining("k_proj");
        Path noFile = withConfig("nofile", c -> { });
        Files.delete(noFile.resolve("adapter_model.safetensors"));
        assertThatThrownBy(() -> PeftAdapters.load(model, "x", noFile)).hasMessageContaining("adapter_model.safetensors: missing");
        assertThat(model.adapterNames()).containsExactly("good");
    }

    // ---- merge-adapter -----------------------------------------------------------------------

    @Test
    void mergeAndSaveWritesACheckpointThatLoadsLikeAnyOther() throws Exception {
        Path base = tmp.resolve("base");
        ModelInit.writeRandomCheckpoint(base, LoraTestModels.TIED, 5, 0.1, true, SafetensorsWriter.Storage.F32);
        Path adapter = tmp.resolve("adapter"), merged = tmp.resolve("merged"), live = tmp.resolve("live");
        double[] want, baseLogits;
        try (Qwen3Model b = Qwen3Model.load(base, ModelOptions.cpu())) {
            baseLogits = logits(b.base(), ids, mask);
            b.addAdapter("a", LoraConfig.of(4, 8).withTargets(List.of("q_proj", "down_proj", "k_proj")), 3);
            LoraTestModels.randomizeB(b, "a", 0.2, 4);
            want = logits(b.with("a"), ids, mask);
            assertThat(maxAbsDiff(want, baseLogits)).isGreaterThan(1e-2);
            PeftAdapters.save(b, "a", adapter, base.toString());
            Map<String, float[]> before = new LinkedHashMap<>();
            b.weights().forEach((k, v) -> before.put(k, v.toFloatArray()));
            b.saveMerged("a", live, SafetensorsWriter.Storage.F32, PeftAdapters.tokenizerFiles(base));
            b.weights().forEach((k, v) -> assertThat(v.toFloatArray()).as("saveMerged leaves %s alone", k).containsExactly(before.get(k)));
            assertThat(b.mergedAdapter()).isNull();
        }
        PeftAdapters.mergeAndSave(base, adapter, merged, ModelOptions.cpu(), SafetensorsWriter.Storage.F32);
        for (Path dir : List.of(merged, live)) {
            try (Qwen3Model out = Qwen3Model.load(dir, ModelOptions.cpu())) {
                assertThat(out.adapterNames()).isEmpty();
                assertThat(maxAbsDiff(logits(out.base(), ids, mask), want)).as("%s", dir).isLessThanOrEqualTo(1e-5);
            }
            assertThat(Files.readString(dir.resolve("tokenizer.json"))).isEqualTo(Files.readString(base.resolve("tokenizer.json")));
            assertThat(dir.resolve("tokenizer_config.json")).exists();
            assertThat(HfCheckpoint.readConfig(dir)).isEqualTo(HfCheckpoint.readConfig(base));
        }
    }
}
