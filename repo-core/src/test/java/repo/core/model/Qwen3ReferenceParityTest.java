package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import repo.core.io.SafetensorsFile;

/**
 * Logits of the Java model against golden logits from the independent float64 NumPy reference
 * (src-test-fixtures/reference/qwen3_numpy.py, written from transformers' modeling_qwen3.py), on committed
 * tiny checkpoints written by {@code repo init-model}: one tied (stored BF16), one untied (F32, GQA ratio 4,
 * head_dim != hidden/heads). Positions hidden by the attention mask carry no meaning and are skipped.
 */
class Qwen3ReferenceParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-tied-bf16", "tiny-untied-gqa4"})
    void logitsMatchTheNumpyReference(String name) throws Exception {
        Path fixtures = TinyModels.fixtures().resolve("checkpoints");
        Path dir = fixtures.resolve(name);
        JsonNode batches = new ObjectMapper().readTree(fixtures.resolve("inputs.json").toFile()).get("batches");
        try (Qwen3Model model = Qwen3Model.load(dir, ModelOptions.cpu());
             SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected-logits.safetensors"));
             NDManager m = model.manager().newSubManager()) {
            int checked = 0;
            for (JsonNode batch : batches) {
                String batchName = batch.get("name").asText();
                long[][] ids = longs(batch.get("input_ids"));
                long[][] mask = batch.has("attention_mask") ? longs(batch.get("attention_mask")) : ones(ids);
                try (NDScope scope = new NDScope()) {
                    NDArray want = expected.load(batchName + ".logits", m, DataType.FLOAT32);      // (B, T, V)
                    NDArray got = model.base().forward(create(m, ids), create(m, mask), null);             // (B, T, V)
                    assertThat(got.getShape()).isEqualTo(want.getShape());
                    NDArray keep = create(m, mask).toType(DataType.FLOAT32, false).expandDims(-1);  // (B, T, 1)
                    float maxDiff = got.sub(want).abs().mul(keep).max().getFloat();
                    assertThat(maxDiff).as("max |Δlogit| for %s/%s", name, batchName).isLessThanOrEqualTo(1e-4f);
                    assertThat(want.abs().max().getFloat()).as("logits must be non-trivial").isGreaterThan(0.5f);
                    checked += (int) keep.sum().getFloat();
                }
            }
            assertThat(checked).isGreaterThanOrEqualTo(40);
        }
    }

    /**
     * A PEFT LoRA folder written by the NumPy side (not by our writer), loaded with {@code PeftAdapters.load}: the
     * adapted logits equal the reference's W + (alpha/r)·B·A forward, unmerged and merged.
     */
    @Test
    void aPeftAdapterWrittenIndependentlyMatchesTheReference() throws Exception {
        Path fixtures = TinyModels.fixtures().resolve("checkpoints");
        Path adapter = fixtures.resolve("tiny-untied-gqa4-lora");
        JsonNode batch = new ObjectMapper().readTree(fixtures.resolve("inputs.json").toFile()).get("batches").get(1); // padded
        long[][] ids = longs(batch.get("input_ids")), mask = longs(batch.get("attention_mask"));
        try (Qwen3Model model = Qwen3Model.load(fixtures.resolve("tiny-untied-gqa4"), ModelOptions.cpu());
             SafetensorsFile expected = SafetensorsFile.open(adapter.resolve("expected-logits.safetensors"));
             NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            LoraConfig cfg = repo.core.io.PeftAdapters.load(model, "reference", adapter);
            assertThat(cfg.r()).isEqualTo(4);
            NDArray want = expected.load("padded.logits", m, DataType.FLOAT32);                    // (B, T, V)
            NDArray keep = create(m, mask).toType(DataType.FLOAT32, false).expandDims(-1);
            NDArray base = model.base().forward(create(m, ids), create(m, mask), null);
            NDArray adapted = model.with("reference").forward(create(m, ids), create(m, mask), null);
            assertThat(adapted.sub(want).abs().mul(keep).max().getFloat()).isLessThanOrEqualTo(1e-4f);
            assertThat(base.sub(want).abs().mul(keep).max().getFloat()).as("the adapter must matter").isGreaterThan(1e-2f);
            model.mergeAdapter("reference");
            NDArray merged = model.with("reference").forward(create(m, ids), create(m, mask), null);
            assertThat(merged.sub(want).abs().mul(keep).max().getFloat()).isLessThanOrEqualTo(1e-4f);
        }
    }

    private static long[][] longs(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = new long[rows.get(r).size()];
            for (int c = 0; c < out[r].length; c++) {
                out[r][c] = rows.get(r).get(c).asLong();
            }
        }
        return out;
    }

    private static long[][] ones(long[][] like) {
        long[][] out = new long[like.length][];
        for (int r = 0; r < like.length; r++) {
            out[r] = new long[like[r].length];
            java.util.Arrays.fill(out[r], 1L);
        }
        return out;
    }

    private static NDArray create(NDManager m, long[][] rows) {
        long[] flat = java.util.Arrays.stream(rows).flatMapToLong(java.util.Arrays::stream).toArray();
        return m.create(flat, new Shape(rows.length, rows[0].length));
    }
}
