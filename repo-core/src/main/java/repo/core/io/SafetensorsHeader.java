package repo.core.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and fully validated header of a safetensors file.
 *
 * @param dataStart absolute file position of the data section (8 + header length)
 * @param tensors entries ordered by their offset
 * @param metadata the {@code __metadata__} map (empty when absent)
 */
record SafetensorsHeader(long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {

    /** The format's limit on the header length. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    /** Strict JSON: duplicate keys and anything but spaces after the object are errors. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Reads and validates the header of {@code file}, whose open channel is {@code ch}. */
    static SafetensorsHeader read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw SafetensorsException.of(file, null, "file is " + size + " bytes long, shorter than the 8-byte"
                    + " little-endian header length that starts every safetensors file");
        }
        long n = readFully(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw SafetensorsException.of(file, null, "header length " + Long.toUnsignedString(n)
                    + " exceeds the format's limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
        }
        if (n > size - 8) {
            throw SafetensorsException.of(file, null, "header length " + n + " runs past the end of the file: only "
                    + (size - 8) + " bytes follow the 8-byte prefix (truncated file?)");
        }
        JsonNode root = parseJson(file, decodeUtf8(file, readFully(ch, 8, (int) n)));
        long dataLength = size - 8 - n;
        Map<String, String> metadata = Map.of();
        List<TensorInfo> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, e.getValue());
            } else {
                entries.add(parseEntry(file, e.getKey(), e.getValue(), dataLength));
            }
        }
        entries.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        checkLayout(file, entries, 8 + n, dataLength);
        Map<String, TensorInfo> byOffset = new LinkedHashMap<>();
        entries.forEach(t -> byOffset.put(t.name(), t));
        return new SafetensorsHeader(8 + n, Collections.unmodifiableMap(byOffset), metadata);
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new EOFException("file ended while reading " + length + " bytes at " + position);
            }
        }
        return buf.flip();
    }

    private static String decodeUtf8(Path file, ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw SafetensorsException.of(file, null, "header is not valid UTF-8 (" + e + "); it must be UTF-8 JSON", e);
        }
    }

    private static JsonNode parseJson(Path file, String json) {
        if (json.isEmpty() || json.charAt(0) != '{') {
            String start = json.isEmpty() ? "is empty" : "starts with '" + json.substring(0, Math.min(16, json.length())) + "'";
            throw SafetensorsException.of(file, null, "header " + start + "; it must be a JSON object starting with '{'");
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            if (why.startsWith("Duplicate")) {
                throw SafetensorsException.of(file, null, "duplicate key in header (" + why
                        + "); every tensor name must appear once", e);
            }
            throw SafetensorsException.of(file, null, "header is not valid JSON: " + why
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        }
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw SafetensorsException.of(file, null, METADATA_KEY + " must be a JSON object of string values, got "
                    + node.getNodeType());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw SafetensorsException.of(file, null, METADATA_KEY + " value of \"" + e.getKey()
                        + "\" must be a string, got " + e.getValue().getNodeType() + " " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode node, long dataLength) {
        if (!node.isObject()) {
            throw SafetensorsException.of(file, name, "entry must be a JSON object with \"dtype\", \"shape\" and"
                    + " \"data_offsets\", got " + node.getNodeType());
        }
        SafetensorsDtype dtype = parseDtype(file, name, node.get("dtype"));
        long[] shape = longArray(file, name, node, "shape", -1);
        long[] offsets = longArray(file, name, node, "data_offsets", 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end) {
            throw SafetensorsException.of(file, name, "data_offsets " + Arrays.toString(offsets)
                    + " begin after they end; begin must be <= end");
        }
        long expected = byteSize(file, name, dtype, shape);
        if (end - begin != expected) {
            throw SafetensorsException.of(file, name, "bytes not matching shape: data_offsets " + Arrays.toString(offsets)
                    + " span " + (end - begin) + " bytes, but shape " + Arrays.toString(shape) + " of dtype " + dtype
                    + " needs " + expected + " bytes");
        }
        if (end > dataLength) {
            throw SafetensorsException.of(file, name, "data_offsets " + Arrays.toString(offsets)
                    + " out of range: the data section holds only " + dataLength + " bytes (truncated file?)");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static SafetensorsDtype parseDtype(Path file, String name, JsonNode node) {
        if (node == null) {
            throw SafetensorsException.of(file, name, "missing \"dtype\" (a string such as \"BF16\")");
        }
        if (!node.isTextual()) {
            throw SafetensorsException.of(file, name, "\"dtype\" must be a string such as \"BF16\", got " + node);
        }
        try {
            return SafetensorsDtype.parse(node.textValue());
        } catch (IllegalArgumentException e) {
            throw SafetensorsException.of(file, name, e.getMessage(), e);
        }
    }

    /** A JSON array of non-negative integers; {@code length} -1 means any length. */
    private static long[] longArray(Path file, String name, JsonNode entry, String key, int length) {
        JsonNode node = entry.get(key);
        String want = length < 0 ? "an array of non-negative integers" : "an array of " + length + " non-negative integers";
        if (node == null) {
            throw SafetensorsException.of(file, name, "missing \"" + key + "\" (" + want + ")");
        }
        if (!node.isArray() || (length >= 0 && node.size() != length)) {
            throw SafetensorsException.of(file, name, "\"" + key + "\" must be " + want + ", got " + node);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw SafetensorsException.of(file, name, "\"" + key + "\" must be " + want + ", got " + node);
            }
            out[i] = v.longValue();
            if (out[i] < 0) {
                String what = key.equals("shape") ? "negative dimension " : "negative offset ";
                throw SafetensorsException.of(file, name, what + out[i] + " in \"" + key + "\" " + node
                        + "; values must be >= 0");
            }
        }
        return out;
    }

    private static long byteSize(Path file, String name, SafetensorsDtype dtype, long[] shape) {
        try {
            return Math.multiplyExact(TensorInfo.elements(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            throw SafetensorsException.of(file, name, "shape " + Arrays.toString(shape) + " is too large to address", e);
        }
    }

    /** Tensors sorted by offset must tile the data section exactly: no overlap, no hole, nothing after. */
    private static void checkLayout(Path file, List<TensorInfo> sorted, long dataStart, long dataLength) {
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < covered) {
                throw SafetensorsException.of(file, t.name(), "overlapping tensors: data_offsets [" + t.begin() + ", "
                        + t.end() + "] overlap tensor '" + previous.name() + "' at [" + previous.begin() + ", "
                        + previous.end() + "]; each byte must belong to one tensor");
            }
            if (t.begin() > covered) {
                throw SafetensorsException.of(file, t.name(), "hole in the data section: bytes [" + covered + ", "
                        + t.begin() + ") before this tensor belong to no tensor; tensors must be contiguous from offset 0");
            }
            covered = t.end();
            previous = t.end() > t.begin() || previous == null ? t : previous;
        }
        if (covered != dataLength) {
            String last = previous == null ? "(the header lists no tensors)" : "'" + previous.name() + "'";
            throw SafetensorsException.of(file, null, (dataLength - covered) + " trailing bytes after the last tensor "
                    + last + ": the file is " + (dataStart + dataLength) + " bytes but should end at 8 + header + last"
                    + " end = " + (dataStart + covered));
        }
    }
}
