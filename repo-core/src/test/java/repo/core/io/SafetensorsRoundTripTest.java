package repo.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    private NDManager m;

    @BeforeEach
    void manager() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    /** Inputs in deliberately unsorted order, with awkward values (ties, tiny, huge, negative zero). */
    private Map<String, NDArray> inputs() {
        Random r = new Random(7);
        float[] big = new float[3 * 5 * 7];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) r.nextGaussian() * 3;
        }
        big[0] = 1f + 0x1p-8f;
        big[1] = -0f;
        big[2] = 1e-40f;
        big[3] = 6e4f;
        Map<String, NDArray> in = new LinkedHashMap<>();
        in.put("zeta.weight", m.create(big, new Shape(3, 5, 7)));
        in.put("alpha.bias", m.create(new float[] {0.5f, -2.25f, 3f}, new Shape(3)));
        in.put("mid.scalar", m.create(new float[] {42.5f}, new Shape()));
        in.put("mid.empty", m.create(new Shape(0, 4), DataType.FLOAT32));
        return in;
    }

    @ParameterizedTest
    @EnumSource(SafetensorsWriter.Storage.class)
    void writesAndReadsBackEveryStorage(SafetensorsWriter.Storage storage) throws IOException {
        Map<String, NDArray> in = inputs();
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, in, Map.of("note", "hello"), storage);

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.metadata()).containsEntry("format", "pt").containsEntry("note", "hello");
            assertThat(st.tensors().keySet()).containsExactly("alpha.bias", "mid.empty", "mid.scalar", "zeta.weight");
            for (Map.Entry<String, NDArray> e : in.entrySet()) {
                TensorInfo info = st.tensors().get(e.getKey());
                assertThat(info.dtype()).isEqualTo(storage.dtype());
                assertThat(info.shape()).isEqualTo(e.getValue().getShape().getShape());
                float[] expected = stored(e.getValue(), storage);
                assertThat(st.loadFloats(e.getKey())).isEqualTo(expected);
                try (NDArray back = st.load(e.getKey(), m, DataType.FLOAT32)) {
                    assertThat(back.getShape()).isEqualTo(e.getValue().getShape());
                    assertThat(back.toFloatArray()).isEqualTo(expected);
                }
            }
        }
    }

    /** What a value should read back as after being stored with {@code storage}. */
    private float[] stored(NDArray a, SafetensorsWriter.Storage storage) {
        float[] f = a.toFloatArray();
        switch (storage) {
            case BF16 -> {
                for (int i = 0; i < f.length; i++) {
                    f[i] = Bf16.toFloat(Bf16.fromFloat(f[i]));
                }
            }
            case F16 -> {
                try (NDArray half = a.toType(DataType.FLOAT16, false); NDArray back = half.toType(DataType.FLOAT32, false)) {
                    f = back.toFloatArray();
                }
            }
            case F32 -> { }
        }
        return f;
    }

    @Test
    void bf16StorageIsRoundToNearestEvenOfTheInput() throws IOException {
        float[] v = {1f + 0x1p-8f, Float.intBitsToFloat(0x3F818000), 3.14159265f, -1e-3f, Float.MAX_VALUE};
        Path file = dir.resolve("bf16.safetensors");
        SafetensorsWriter.write(file, Map.of("v", m.create(v)), Map.of(), SafetensorsWriter.Storage.BF16);
        ByteBuffer data = dataSection(file);
        for (float x : v) {
            assertThat(data.getShort()).isEqualTo(Bf16.fromFloat(x));
        }
    }

    @Test
    void headerIsPaddedToEightBytesAndNamesSorted() throws IOException {
        for (String name : List.of("a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh")) {
            Path file = dir.resolve(name + ".safetensors");
            SafetensorsWriter.writeFloats(file, Map.of(name, new float[] {1f}, "b" + name, new float[] {2f, 3f}),
                    Map.of(name, new long[] {1}, "b" + name, new long[] {2}), Map.of());
            byte[] bytes = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat((8 + n) % 8).as("alignment for %s", name).isZero();
            String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"}");
            assertThat(header.indexOf("\"" + name + "\"")).isLessThan(header.indexOf("\"b" + name + "\""));
            try (SafetensorsFile st = SafetensorsFile.open(file)) {
                assertThat(st.loadFloats("b" + name)).containsExactly(2f, 3f);
            }
        }
    }

    @Test
    void float16ArraysAreWrittenAsStoredAndLoadAsFloat16() throws IOException {
        NDArray half = m.create(new float[] {0.1f, 65504f, -2f}).toType(DataType.FLOAT16, false);
        Path file = dir.resolve("h.safetensors");
        SafetensorsWriter.write(file, Map.of("h", half), Map.of(), SafetensorsWriter.Storage.F16);
        try (SafetensorsFile st = SafetensorsFile.open(file); NDArray back = st.load("h", m, DataType.FLOAT16)) {
            assertThat(back.getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(back.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(half.toType(DataType.FLOAT32,
                    false).toFloatArray());
            assertThat(st.loadFloats("h")).containsExactly(0.099975586f, 65504f, -2f);
        }
    }

    @Test
    void overwritesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("x.safetensors");
        SafetensorsWriter.writeFloats(file, Map.of("x", new float[] {1f}), Map.of("x", new long[] {1}), Map.of());
        SafetensorsWriter.writeFloats(file, Map.of("y", new float[] {2f}), Map.of("y", new long[] {1}), Map.of());
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.tensors().keySet()).containsExactly("y");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("x.safetensors");
        }
    }

    private static ByteBuffer dataSection(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        return b.position((int) (8 + n)).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
