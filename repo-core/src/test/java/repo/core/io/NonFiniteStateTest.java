package repo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.model.LoraAdapter;
import repo.core.model.LoraConfig;
import repo.core.model.LoraTestModels;
import repo.core.model.ModelOptions.Precision;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Model;
import repo.core.model.ScoreHead;

/** Trained state with NaN or infinity is refused on load and never written ({@link Finite}). */
class NonFiniteStateTest {
    @TempDir Path tmp;
    Qwen3Model model;

    @BeforeEach
    void setUp() {
        model = LoraTestModels.model(Precision.FP32, 5);
        model.addAdapter("a", LoraConfig.of(4, 8), 1);
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    /** Overwrites the first 4 bytes of the data section (the tensor at offset 0) with the float {@code v}. */
    static void poison(Path file, float v) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] len = new byte[8];
            f.readFully(len);
            long header = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            f.seek(8 + header);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
        }
    }

    @Test
    void countsNaNAndInfinityOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY, -0f, Float.NEGATIVE_INFINITY, 3e38f});
            assertThat(Finite.countNonFinite(x)).isEqualTo(3);
            assertThat(Finite.countNonFinite(x.toType(DataType.FLOAT16, false))).isEqualTo(4); // 3e38 overflows in fp16
            assertThat(Finite.countNonFinite(m.create(new long[] {1, 2}))).isZero();
            assertThatThrownBy(() -> Finite.require(x, "w", "here")).hasMessage("here: tensor 'w' has 3 non-finite values "
                    + "(NaN or infinity) of 6; refusing it (a diverged run: resume from an earlier checkpoint)");
        }
    }

    @Test
    void anAdapterWithNaNIsRefusedOnLoadNamingTheTensor() throws Exception {
        Path dir = tmp.resolve("adapter");
        PeftAdapters.save(model, "a", dir, "base");
        PeftAdapters.load(model, "ok", dir); // the clean one loads
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            poison(dir.resolve(PeftAdapters.WEIGHTS), bad);
            assertThatThrownBy(() -> PeftAdapters.load(model, "bad", dir)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(dir.resolve(PeftAdapters.WEIGHTS) + ": tensor 'base_model.model.model.layers.")
                    .hasMessageContaining("has 1 non-finite value (NaN or infinity)");
            assertThat(model.adapterNames()).doesNotContain("bad");
        }
    }

    @Test
    void anAdapterWithNaNIsNeverWritten() throws Exception {
        LoraAdapter first = model.adapterModules("a").values().iterator().next();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray nan = m.full(first.b().getShape(), Float.NaN);
            NoGrad.copy(first.b(), nan);
        }
        Path dir = tmp.resolve("nan-adapter");
        assertThatThrownBy(() -> PeftAdapters.save(model, "a", dir, "base")).hasMessageContaining("non-finite");
        assertThat(Files.exists(dir)).isFalse();
        try (var s = Files.list(tmp)) {
            assertThat(s.count()).isZero(); // no temporary folder left either
        }
    }

    @Test
    void headsAndRawTensorsWithInfinityAreRefused() throws Exception {
        Path f = tmp.resolve("head.safetensors");
        assertThatThrownBy(() -> SafetensorsWriter.writeFloats(f, Map.of("w", new float[] {1, Float.NaN}),
                Map.of("w", new long[] {1, 2}), Map.of())).hasMessageContaining("tensor 'w' has 1 non-finite value");
        assertThat(Files.exists(f)).isFalse();
        SafetensorsWriter.writeFloats(f, Map.of("score.weight", new float[64]), Map.of("score.weight", new long[] {1, 64}), Map.of());
        poison(f, Float.NEGATIVE_INFINITY);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> ScoreHead.load(f, m, DataType.FLOAT32)).hasMessageContaining("non-finite");
            try (SafetensorsFile sf = SafetensorsFile.open(f)) {
                assertThat(sf.load("score.weight", m, DataType.FLOAT32).getShape()).isEqualTo(new Shape(1, 64)); // plain load still reads it
            }
        }
    }
}
