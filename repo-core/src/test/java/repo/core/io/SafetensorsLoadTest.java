package repo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading into libtorch-owned memory: chunking, dtype conversions, in-place safety, errors. */
class SafetensorsLoadTest {

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

    /** A file with one tensor named "t" of the given dtype, shape and raw little-endian data. */
    private Path file(String dtype, long[] shape, ByteBuffer data) throws IOException {
        String json = "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":" + java.util.Arrays.toString(shape)
                + ",\"data_offsets\":[0," + data.capacity() + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header).put(data.rewind());
        Path p = dir.resolve(dtype + ".safetensors");
        Files.write(p, out.array());
        return p;
    }

    private static ByteBuffer bf16Ramp(int n) {
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putShort(Bf16.fromFloat(i % 256 - 128)); // exactly representable in bf16
        }
        return b;
    }

    @Test
    void aMillionElementBf16TensorSupportsInPlaceOps() throws IOException {
        int n = 1 << 20;
        Path p = file("BF16", new long[] {1024, 1024}, bf16Ramp(n));
        try (SafetensorsFile st = SafetensorsFile.open(p)) {
            NDArray a = st.load("t", m, DataType.FLOAT32);
            a.addi(1f).muli(2f);
            float[] v = a.toFloatArray();
            for (int i = 0; i < n; i += 997) {
                assertThat(v[i]).isEqualTo((i % 256 - 128 + 1) * 2f);
            }
            // the file is untouched by the in-place ops
            NDArray again = st.load("t", m, DataType.FLOAT32);
            assertThat(again.getFloat(0, 1)).isEqualTo(-127f);
        }
    }

    @Test
    void chunkBoundariesInsideATensorLoadCorrectly() throws IOException {
        int n = 10_007;
        Path p = file("BF16", new long[] {n}, bf16Ramp(n));
        try (SafetensorsFile st = SafetensorsFile.open(p)) {
            float[] whole = st.load("t", m, DataType.FLOAT32).toFloatArray();
            float[] chunked = st.load("t", m, DataType.FLOAT32, 2 * 333).toFloatArray();
            assertThat(chunked).isEqualTo(whole);
            assertThat(whole[n - 1]).isEqualTo((n - 1) % 256 - 128);
        }
    }

    @Test
    void f32FilesLoadChunkedAndAsFloat16() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * 1000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1000; i++) {
            b.putFloat(i * 0.25f);
        }
        Path p = file("F32", new long[] {10, 100}, b);
        try (SafetensorsFile st = SafetensorsFile.open(p)) {
            float[] chunked = st.load("t", m, DataType.FLOAT32, 4 * 77).toFloatArray();
            assertThat(chunked[999]).isEqualTo(249.75f);
            NDArray half = st.load("t", m, DataType.FLOAT16);
            assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(half.toType(DataType.FLOAT32, false).toFloatArray()).isEqualTo(chunked);
        }
    }

    @Test
    void f64IsNarrowedToFloat() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.0 / 3).putDouble(-1e300);
        try (SafetensorsFile st = SafetensorsFile.open(file("F64", new long[] {2}, b))) {
            assertThat(st.load("t", m, DataType.FLOAT32).toFloatArray()).containsExactly(1f / 3, Float.NEGATIVE_INFINITY);
            assertThat(st.loadFloats("t")).containsExactly(1f / 3, Float.NEGATIVE_INFINITY);
        }
    }

    @Test
    void unknownNamesListKnownOnes() throws IOException {
        Path p = dir.resolve("few.safetensors");
        SafetensorsWriter.writeFloats(p, Map.of("a.weight", new float[] {1}, "b.weight", new float[] {2}),
                Map.of("a.weight", new long[] {1}, "b.weight", new long[] {1}), Map.of());
        try (SafetensorsFile st = SafetensorsFile.open(p)) {
            assertThatThrownBy(() -> st.load("c.weight", m, DataType.FLOAT32))
                    .isInstanceOf(SafetensorsException.class)
                    .hasMessageContaining("few.safetensors").hasMessageContaining("'c.weight'")
                    .hasMessageContaining("a.weight, b.weight");
        }
    }

    @Test
    void integerTensorsAndOtherTargetsAreRefused() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(5);
        try (SafetensorsFile st = SafetensorsFile.open(file("I64", new long[] {1}, b))) {
            assertThatThrownBy(() -> st.load("t", m, DataType.FLOAT32))
                    .isInstanceOf(SafetensorsException.class).hasMessageContaining("I64").hasMessageContaining("'t'");
            assertThatThrownBy(() -> st.load("t", m, DataType.INT64)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("FLOAT32 or FLOAT16");
        }
    }
}
