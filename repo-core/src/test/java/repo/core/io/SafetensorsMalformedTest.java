package repo.core.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed file must fail {@link SafetensorsFile#open} with a message naming the file and the problem. */
class SafetensorsMalformedTest {

    private static final String NAME = "broken.safetensors";

    @TempDir
    Path dir;

    /** Header length prefix + header text + {@code data} bytes of data. */
    private Path file(String header, int data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return raw(ByteBuffer.allocate(8 + h.length + data).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
    }

    private Path raw(byte[] bytes) throws IOException {
        Path p = dir.resolve(NAME);
        Files.write(p, bytes);
        return p;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(Path p, String... parts) {
        AbstractThrowableAssert<?, ? extends Throwable> a = assertThatThrownBy(() -> SafetensorsFile.open(p).close())
                .isInstanceOf(SafetensorsException.class).hasMessageContaining(NAME);
        Arrays.stream(parts).forEach(a::hasMessageContaining);
        return a;
    }

    @Test
    void fileShorterThanEightBytes() throws IOException {
        assertOpenFails(raw(new byte[5]), "5 bytes", "shorter than the 8-byte");
    }

    @Test
    void headerLengthBeyondFileSize() throws IOException {
        byte[] bytes = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(400).array();
        assertOpenFails(raw(bytes), "header length 400", "only 12 bytes follow");
    }

    @Test
    void headerLengthAboveTheLimit() throws IOException {
        byte[] bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200_000_000L).array();
        assertOpenFails(raw(bytes), "200000000", "limit of 100000000");
    }

    @Test
    void headerNotStartingWithBrace() throws IOException {
        assertOpenFails(file("[1, 2, 3]", 0), "starts with '[1, 2, 3]'", "must be a JSON object starting with '{'");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] bytes = ByteBuffer.allocate(8 + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(4)
                .put(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}).array();
        assertOpenFails(raw(bytes), "not valid UTF-8");
    }

    @Test
    void headerNotJson() throws IOException {
        assertOpenFails(file("{\"a\": {\"dtype\": }", 0), "not valid JSON");
    }

    @Test
    void metadataNotAStringMap() throws IOException {
        assertOpenFails(file("{\"__metadata__\":{\"format\":\"pt\",\"step\":3}}", 0), "__metadata__", "\"step\"",
                "must be a string");
    }

    @Test
    void entryMissingDataOffsets() throws IOException {
        assertOpenFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'w'", "missing \"data_offsets\"");
    }

    @Test
    void entryWithShapeOfWrongJsonType() throws IOException {
        assertOpenFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":\"2x2\",\"data_offsets\":[0,16]}}", 16),
                "tensor 'w'", "\"shape\" must be an array of non-negative integers");
    }

    @Test
    void entryNotAnObject() throws IOException {
        assertOpenFails(file("{\"w\":[1,2]}", 0), "tensor 'w'", "must be a JSON object");
    }

    @Test
    void unknownDtype() throws IOException {
        assertOpenFails(file("{" + entry("w", "F12", "[1]", 0, 4) + "}", 4), "tensor 'w'", "unknown dtype \"F12\"",
                "BF16");
    }

    @Test
    void unsupportedFloat8Dtype() throws IOException {
        assertOpenFails(file("{" + entry("w", "F8_E4M3", "[4]", 0, 4) + "}", 4), "tensor 'w'", "F8_E4M3",
                "does not support");
    }

    @Test
    void negativeDimension() throws IOException {
        assertOpenFails(file("{" + entry("w", "F32", "[2,-1]", 0, 4) + "}", 4), "tensor 'w'", "negative dimension -1");
    }

    @Test
    void offsetsBeginAfterEnd() throws IOException {
        assertOpenFails(file("{" + entry("w", "F32", "[1]", 8, 4) + "}", 8), "tensor 'w'", "[8, 4]", "begin after");
    }

    @Test
    void bytesNotMatchingShape() throws IOException {
        assertOpenFails(file("{" + entry("w", "BF16", "[3,2]", 0, 8) + "}", 8), "tensor 'w'",
                "bytes not matching shape", "span 8 bytes", "needs 12 bytes");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        assertOpenFails(file("{" + entry("w", "F32", "[4]", 0, 16) + "}", 12), "tensor 'w'", "out of range",
                "holds only 12 bytes");
    }

    @Test
    void truncatedFile() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.writeFloats(good, java.util.Map.of("w", new float[64]), java.util.Map.of("w", new long[] {8, 8}),
                java.util.Map.of());
        byte[] bytes = Files.readAllBytes(good);
        assertOpenFails(raw(Arrays.copyOf(bytes, bytes.length - 10)), "tensor 'w'", "truncated file?");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertOpenFails(file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12),
                "tensor 'b'", "overlapping tensors", "tensor 'a'");
    }

    @Test
    void holeBeforeTheFirstTensor() throws IOException {
        assertOpenFails(file("{" + entry("a", "F32", "[1]", 4, 8) + "}", 8), "tensor 'a'", "hole", "bytes [0, 4)");
    }

    @Test
    void holeBetweenTensors() throws IOException {
        assertOpenFails(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12),
                "tensor 'b'", "hole", "bytes [4, 8)");
    }

    @Test
    void trailingBytesAfterTheLastTensor() throws IOException {
        assertOpenFails(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", 7), "3 trailing bytes", "'a'");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        assertOpenFails(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8),
                "duplicate key", "'a'");
    }

    @Test
    void missingFile() {
        assertOpenFails(dir.resolve(NAME), "does not exist");
    }
}
