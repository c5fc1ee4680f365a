package repo.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Bf16Test {

    @TempDir
    Path dir;

    /** Every bf16 pattern whose exponent is not all ones (i.e. finite), in increasing bit order. */
    private static short[] finitePatterns() {
        short[] out = new short[65536 - 2 * 128];
        int k = 0;
        for (int bits = 0; bits < 65536; bits++) {
            if (((bits >>> 7) & 0xFF) != 0xFF) {
                out[k++] = (short) bits;
            }
        }
        assertThat(k).isEqualTo(out.length);
        return out;
    }

    @Test
    void toFloatIsExactForEveryFinitePattern() {
        for (short s : finitePatterns()) {
            float f = Bf16.toFloat(s);
            assertThat(Float.isFinite(f)).isTrue();
            assertThat(Float.floatToRawIntBits(f)).isEqualTo((s & 0xFFFF) << 16);
            assertThat(Bf16.fromFloat(f)).as("round trip of %04x", s & 0xFFFF).isEqualTo(s);
        }
    }

    @Test
    void everyFinitePatternLoadsExactlyFromAHandWrittenBf16File() throws IOException {
        short[] patterns = finitePatterns();
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"all\":{\"dtype\":\"BF16\",\"shape\":[" + patterns.length
                + "],\"data_offsets\":[0," + patterns.length * 2 + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + header.length + patterns.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header);
        for (short s : patterns) {
            file.putShort(s);
        }
        Path path = dir.resolve("all-bf16.safetensors");
        Files.write(path, file.array());

        try (SafetensorsFile st = SafetensorsFile.open(path); NDManager m = NDManager.newBaseManager()) {
            NDArray loaded = st.load("all", m, DataType.FLOAT32);
            assertThat(loaded.getDataType()).isEqualTo(DataType.FLOAT32);
            float[] values = loaded.toFloatArray();
            float[] viaJava = st.loadFloats("all");
            assertThat(values).hasSize(patterns.length);
            for (int i = 0; i < patterns.length; i++) {
                int expected = (patterns[i] & 0xFFFF) << 16;
                assertThat(Float.floatToRawIntBits(values[i])).as("pattern %04x", patterns[i] & 0xFFFF).isEqualTo(expected);
                assertThat(Float.floatToRawIntBits(viaJava[i])).isEqualTo(expected);
            }
        }
    }

    @Test
    void fromFloatRoundsToNearestEven() {
        // 1 + 2^-8 is exactly halfway between bf16 1.0 (0x3F80) and the next value 0x3F81: ties go to the even 0x3F80
        assertThat(Bf16.fromFloat(1f + 0x1p-8f)).isEqualTo((short) 0x3F80);
        // halfway between 0x3F81 (odd) and 0x3F82: rounds up to the even 0x3F82
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        // just above and below a tie
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F807FFF))).isEqualTo((short) 0x3F80);
        // negative values round by magnitude
        assertThat(Bf16.fromFloat(-(1f + 0x1p-8f))).isEqualTo((short) 0xBF80);
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0xBF818000))).isEqualTo((short) 0xBF82);
        // signed zeros and the smallest subnormal survive
        assertThat(Bf16.fromFloat(0f)).isEqualTo((short) 0);
        assertThat(Bf16.fromFloat(-0f)).isEqualTo((short) 0x8000);
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x00010000))).isEqualTo((short) 0x0001);
    }

    @Test
    void fromFloatOverflowsToInfinityAndKeepsNaN() {
        assertThat(Bf16.fromFloat(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
        assertThat(Bf16.fromFloat(-Float.MAX_VALUE)).isEqualTo((short) 0xFF80);
        // the largest bf16 (0x7F7F) stays finite
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x7F7F0000))).isEqualTo((short) 0x7F7F);
        assertThat(Bf16.fromFloat(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7F80);
        assertThat(Bf16.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFF80);
        // a NaN whose payload sits only in the low 16 bits must not round into an infinity
        float lowPayloadNaN = Float.intBitsToFloat(0x7F800001);
        assertThat(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(lowPayloadNaN)))).isTrue();
        assertThat(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.NaN)))).isTrue();
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0xFFFFFFFF)) & 0xFFFF).isEqualTo(0xFFFF);
    }
}
