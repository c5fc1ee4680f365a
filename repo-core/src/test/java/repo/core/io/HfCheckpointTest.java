package repo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import repo.core.model.Qwen3Config;

class HfCheckpointTest {

    @TempDir
    Path tmp;

    private NDManager m;

    @BeforeEach
    void manager() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    private static Qwen3Config tiny(boolean tied) {
        return new Qwen3Config(300, 64, 128, 2, 4, 2, 32, 1e-6, 1e6, 4096, tied, 151643, 151645, "float32");
    }

    private Map<String, NDArray> randomWeights(Qwen3Config c) {
        Map<String, NDArray> w = new LinkedHashMap<>();
        HfCheckpoint.expectedShapes(c).forEach((name, shape) -> w.put(name, m.randomNormal(new Shape(shape))));
        return w;
    }

    /** A checkpoint folder built by hand: config.json plus one model.safetensors holding exactly {@code weights}. */
    private Path handMade(String name, Qwen3Config c, Map<String, NDArray> weights) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        c.writeHfJson(dir.resolve(HfCheckpoint.CONFIG));
        SafetensorsWriter.write(dir.resolve(HfCheckpoint.SINGLE), weights, Map.of(), SafetensorsWriter.Storage.F32);
        return dir;
    }

    private void assertSameWeights(HfCheckpoint ckpt, Map<String, NDArray> expected) {
        assertThat(ckpt.names()).containsExactlyInAnyOrderElementsOf(HfCheckpoint.expectedShapes(ckpt.config()).keySet());
        for (String name : ckpt.names()) {
            try (NDArray a = ckpt.load(name, m, DataType.FLOAT32)) {
                assertThat(a.getShape()).as(name).isEqualTo(expected.get(name).getShape());
                assertThat(a.toFloatArray()).as(name).isEqualTo(expected.get(name).toFloatArray());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void writesAndReopensIdentically(boolean tied) throws IOException {
        Qwen3Config c = tiny(tied);
        Map<String, NDArray> w = randomWeights(c);
        Path dir = tmp.resolve("ckpt");
        HfCheckpoint.write(dir, c, w, SafetensorsWriter.Storage.F32, Long.MAX_VALUE);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("config.json", "generation_config.json", "model.safetensors");
        }
        assertThat(HfCheckpoint.readConfig(dir)).isEqualTo(c);
        assertThat(Files.readString(dir.resolve("generation_config.json")).replaceAll("\\s", "")).isEqualTo(
                "{\"bos_token_id\":151643,\"do_sample\":true,\"eos_token_id\":[151645,151643],\"pad_token_id\":151643,"
                        + "\"temperature\":0.6,\"top_k\":20,\"top_p\":0.95,\"transformers_version\":\"4.51.0\"}");
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            assertThat(ckpt.config()).isEqualTo(c);
            assertThat(ckpt.dir()).isEqualTo(dir);
            assertThat(ckpt.names().contains(HfCheckpoint.LM_HEAD)).isEqualTo(!tied);
            assertThat(ckpt.names()).hasSize(11 * 2 + 2 + (tied ? 0 : 1));
            assertSameWeights(ckpt, w);
        }
    }

    @Test
    void bf16StorageSetsConfigDtypeAndRoundsWeights() throws IOException {
        Qwen3Config c = tiny(true);
        Map<String, NDArray> w = randomWeights(c);
        Path dir = tmp.resolve("bf16");
        HfCheckpoint.write(dir, c, w, SafetensorsWriter.Storage.BF16, Long.MAX_VALUE);
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            assertThat(ckpt.config().dtype()).isEqualTo("bfloat16");
            float[] in = w.get("model.norm.weight").toFloatArray();
            float[] back = ckpt.load("model.norm.weight", m, DataType.FLOAT32).toFloatArray();
            for (int i = 0; i < in.length; i++) {
                assertThat(back[i]).isEqualTo(Bf16.toFloat(Bf16.fromFloat(in[i])));
            }
        }
    }

    @Test
    void shardedWriteOpensIdentically() throws IOException {
        Qwen3Config c = tiny(false);
        Map<String, NDArray> w = randomWeights(c);
        Path dir = tmp.resolve("sharded");
        HfCheckpoint.write(dir, c, w, SafetensorsWriter.Storage.F32, 100_000);

        assertThat(dir.resolve(HfCheckpoint.SINGLE)).doesNotExist();
        assertThat(dir.resolve(HfCheckpoint.INDEX)).exists();
        String index = Files.readString(dir.resolve(HfCheckpoint.INDEX));
        long total = HfCheckpoint.expectedShapes(c).values().stream().mapToLong(s -> TensorInfo.elements(s) * 4).sum();
        assertThat(index).contains("\"total_size\" : " + total).contains("model-00001-of-0000");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".safetensors")).count()).isGreaterThan(2);
        }
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            assertSameWeights(ckpt, w);
        }
    }

    @Test
    void tiedCheckpointWithAStoredLmHeadLoadsAndIgnoresIt() throws IOException {
        Qwen3Config c = tiny(true);
        Map<String, NDArray> w = randomWeights(c);
        Map<String, NDArray> stored = new LinkedHashMap<>(w);
        stored.put(HfCheckpoint.LM_HEAD, m.randomNormal(new Shape(300, 64)));
        try (HfCheckpoint ckpt = HfCheckpoint.open(handMade("tied-with-head", c, stored))) {
            assertThat(ckpt.names()).doesNotContain(HfCheckpoint.LM_HEAD);
            assertSameWeights(ckpt, w);
            assertThatThrownBy(() -> ckpt.load(HfCheckpoint.LM_HEAD, m, DataType.FLOAT32))
                    .isInstanceOf(SafetensorsException.class).hasMessageContaining("tied");
        }
    }

    @Test
    void untiedCheckpointWithoutLmHeadFails() throws IOException {
        Map<String, NDArray> w = randomWeights(tiny(true));
        Path dir = handMade("untied-no-head", tiny(false), w);
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("lm_head.weight")
                .hasMessageContaining("tie_word_embeddings is false");
    }

    @Test
    void shapeNotMatchingConfigNamesTensorExpectedActualAndKeys() throws IOException {
        Map<String, NDArray> w = randomWeights(tiny(true));
        Path dir = handMade("wrong-shape", tiny(true).withShape(null, null, 96, null, null, null, null), w);
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("model.layers.0.mlp.gate_proj.weight")
                .hasMessageContaining("shape [128, 64]").hasMessageContaining("implies [96, 64]")
                .hasMessageContaining("intermediate_size(96)").hasMessageContaining("hidden_size(64)");
    }

    @Test
    void missingAndUnexpectedTensorsAreNamed() throws IOException {
        Map<String, NDArray> w = randomWeights(tiny(true));
        w.remove("model.layers.1.mlp.up_proj.weight");
        Path missing = handMade("missing", tiny(true), w);
        assertThatThrownBy(() -> HfCheckpoint.open(missing)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("missing 1 of the 24").hasMessageContaining("model.layers.1.mlp.up_proj.weight");

        Map<String, NDArray> extra = randomWeights(tiny(true));
        extra.put("model.layers.0.self_attn.q_proj.bias", m.zeros(new Shape(128)));
        Path unexpected = handMade("unexpected", tiny(true), extra);
        assertThatThrownBy(() -> HfCheckpoint.open(unexpected)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("unexpected").hasMessageContaining("model.layers.0.self_attn.q_proj.bias");
    }

    @Test
    void newerConfigKeysReadTheSameConfig() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("newer"));
        Files.writeString(dir.resolve("config.json"), """
                {"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3","vocab_size":300,"hidden_size":64,
                 "intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,
                 "head_dim":32,"rms_norm_eps":1e-6,"max_position_embeddings":4096,"tie_word_embeddings":true,
                 "bos_token_id":151643,"eos_token_id":151645,"dtype":"float32",
                 "rope_parameters":{"rope_theta":1000000.0,"rope_type":"default"},
                 "layer_types":["full_attention","full_attention"],"transformers_version":"5.0.0"}
                """);
        assertThat(HfCheckpoint.readConfig(dir)).isEqualTo(tiny(true));
    }

    @Test
    void missingOrBrokenConfigNamesTheFile() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> HfCheckpoint.open(empty)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(empty.resolve("config.json").toString()).hasMessageContaining("missing config.json");
        Files.writeString(empty.resolve("config.json"), "{\"vocab_size\": 300}");
        assertThatThrownBy(() -> HfCheckpoint.readConfig(empty)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("config.json").hasMessageContaining("hidden_size");
    }

    @Test
    void indexPointingAtAMissingShardFails() throws IOException {
        Path dir = tmp.resolve("lost-shard");
        HfCheckpoint.write(dir, tiny(true), randomWeights(tiny(true)), SafetensorsWriter.Storage.F32, 50_000);
        String last;
        try (Stream<Path> files = Files.list(dir)) {
            last = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("model-")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        Files.delete(dir.resolve(last));
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(HfCheckpoint.INDEX).hasMessageContaining(last).hasMessageContaining("does not exist");
    }

    @Test
    void indexEntryMissingFromItsShardFails() throws IOException {
        Path dir = tmp.resolve("bad-index");
        HfCheckpoint.write(dir, tiny(true), randomWeights(tiny(true)), SafetensorsWriter.Storage.F32, 50_000);
        Path index = dir.resolve(HfCheckpoint.INDEX);
        String json = Files.readString(index);
        String wrong = json.replaceFirst("(\"model.norm.weight\" : \")model-\\d+", "$1model-00001");
        assertThat(wrong).isNotEqualTo(json);
        Files.writeString(index, wrong);
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(HfCheckpoint.INDEX).hasMessageContaining("model.norm.weight")
                .hasMessageContaining("does not hold it");
    }

    @Test
    void writeRefusesBadWeightsAndNonEmptyFolders() throws IOException {
        Qwen3Config c = tiny(false);
        Map<String, NDArray> w = randomWeights(c);
        w.remove(HfCheckpoint.LM_HEAD);
        assertThatThrownBy(() -> HfCheckpoint.write(tmp.resolve("a"), c, w, SafetensorsWriter.Storage.F32, 1 << 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lm_head.weight");
        w.put(HfCheckpoint.LM_HEAD, m.zeros(new Shape(64, 300)));
        assertThatThrownBy(() -> HfCheckpoint.write(tmp.resolve("a"), c, w, SafetensorsWriter.Storage.F32, 1 << 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocab_size(300)");
        assertThat(tmp.resolve("a")).doesNotExist();

        Path full = Files.createDirectory(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "x");
        assertThatThrownBy(() -> HfCheckpoint.write(full, tiny(true), randomWeights(tiny(true)),
                SafetensorsWriter.Storage.F32, 1 << 30)).isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("not empty");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("full");
        }
    }

    @Test
    void extraFilesAreCopiedAndAnEmptyFolderIsFilled() throws IOException {
        Path tokenizer = Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\":{}}");
        Path dir = Files.createDirectory(tmp.resolve("with-tokenizer"));
        HfCheckpoint.write(dir, tiny(true), randomWeights(tiny(true)), SafetensorsWriter.Storage.F16, 1 << 30,
                Map.of("tokenizer.json", tokenizer));
        assertThat(Files.readString(dir.resolve("tokenizer.json"))).isEqualTo("{\"model\":{}}");
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            assertThat(ckpt.config().dtype()).isEqualTo("float16");
            assertThat(ckpt.load("model.norm.weight", m, DataType.FLOAT16).getDataType()).isEqualTo(DataType.FLOAT16);
        }
    }
}
