package repo.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files: tensors sorted by name, header padded with spaces to a multiple of 8 bytes,
 * {@code __metadata__} holding {@code "format": "pt"} plus the caller's entries.
 *
 * <p>Data is streamed tensor by tensor (in chunks of at most 256 MiB) into a temporary file in the target folder,
 * which is then renamed over the target, so a reader never sees a half-written file.
 */
public final class SafetensorsWriter {

    /** How tensors are stored on disk. */
    public enum Storage {
        F32(SafetensorsDtype.F32, "float32"),
        F16(SafetensorsDtype.F16, "float16"),
        /** Rounded from float32 to nearest, ties to even; NaN stays NaN. */
        BF16(SafetensorsDtype.BF16, "bfloat16");

        private final SafetensorsDtype dtype;
        private final String torchName;

        Storage(SafetensorsDtype dtype, String torchName) {
            this.dtype = dtype;
            this.torchName = torchName;
        }

        /** The dtype written into the header. */
        public SafetensorsDtype dtype() {
            return dtype;
        }

        /** The name config.json uses for this storage type ("float32", "float16", "bfloat16"). */
        public String torchName() {
            return torchName;
        }
    }

    private static final long CHUNK_BYTES = 1L << 28;
    private static final int BLOCK = 1 << 16;

    private SafetensorsWriter() {
    }

    /** One tensor's shape and a way to stream its bytes in the file's dtype. */
    private interface Payload {
        long[] shape();

        void writeTo(FileChannel out) throws IOException;
    }

    /**
     * Writes FLOAT32/FLOAT16 arrays (on any device) to {@code file}, converting them to {@code storage}.
     *
     * @param metadata extra {@code __metadata__} entries; a "format" entry, if given, must be "pt"
     * @throws IllegalArgumentException for an array of another data type, or a reserved/empty name
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata, Storage storage)
            throws IOException {
        Map<String, Payload> payloads = new TreeMap<>();
        tensors.forEach((name, array) -> payloads.put(checkName(name), arrayPayload(name, Finite.require(array, name, file), storage)));
        writeFile(file, payloads, storage.dtype(), metadata);
    }

    /**
     * Writes float arrays as F32 tensors (for tests and fixtures).
     *
     * @param shapes the shape of every entry of {@code data}, whose length must equal the product of the dimensions
     */
    public static void writeFloats(Path file, Map<String, float[]> data, Map<String, long[]> shapes,
                                   Map<String, String> metadata) throws IOException {
        if (!data.keySet().equals(shapes.keySet())) {
            throw new IllegalArgumentException("data and shapes must have the same names: " + data.keySet() + " vs "
                    + shapes.keySet());
        }
        Map<String, Payload> payloads = new TreeMap<>();
        data.forEach((name, values) -> {
            Finite.require(values, name, file);
            payloads.put(checkName(name), floatPayload(name, values, shapes.get(name)));
        });
        writeFile(file, payloads, SafetensorsDtype.F32, metadata);
    }

    private static String checkName(String name) {
        if (name == null || name.isEmpty() || name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "': must be non-empty and not "
                    + SafetensorsHeader.METADATA_KEY);
        }
        return name;
    }

    private static void writeFile(Path file, Map<String, Payload> payloads, SafetensorsDtype dtype,
                                  Map<String, String> metadata) throws IOException {
        byte[] header = header(payloads, dtype, metadata);
        long total = 8 + header.length;
        for (Payload p : payloads.values()) {
            total += TensorInfo.elements(p.shape()) * dtype.bytes();
        }
        Path target = file.toAbsolutePath();
        SafeFiles.checkFileTarget(target);
        Path tmp = SafeFiles.tempSibling(target);
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
                writeFully(out, ByteBuffer.wrap(header));
                for (Map.Entry<String, Payload> e : payloads.entrySet()) {
                    e.getValue().writeTo(out);
                }
                if (out.position() != total) {
                    throw new IllegalStateException(file + ": wrote " + out.position() + " bytes, expected " + total);
                }
                out.force(true);
            }
            SafeFiles.checkFileTarget(target);
            SafeFiles.moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The header JSON in name order, padded with spaces so the data section starts 8-byte aligned. */
    private static byte[] header(Map<String, Payload> payloads, SafetensorsDtype dtype, Map<String, String> metadata)
            throws IOException {
        ObjectNode root = SafetensorsHeader.JSON.createObjectNode();
        ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
        meta.put("format", "pt");
        metadata.forEach((k, v) -> {
            if (k.equals("format") && !v.equals("pt")) {
                throw new IllegalArgumentException("metadata \"format\" must be \"pt\", got \"" + v + "\"");
            }
            meta.put(k, v);
        });
        long offset = 0;
        for (Map.Entry<String, Payload> e : payloads.entrySet()) {
            long[] shape = e.getValue().shape();
            long end = offset + TensorInfo.elements(shape) * dtype.bytes();
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", dtype.name());
            ArrayNode dims = entry.putArray("shape");
            Arrays.stream(shape).forEach(dims::add);
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = SafetensorsHeader.JSON.writeValueAsBytes(root);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static Payload arrayPayload(String name, NDArray array, Storage storage) {
        DataType type = array.getDataType();
        if (type != DataType.FLOAT32 && type != DataType.FLOAT16) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + type + "; only FLOAT32 and FLOAT16 arrays"
                    + " can be written");
        }
        long[] shape = array.getShape().getShape();
        return new Payload() {
            @Override
            public long[] shape() {
                return shape;
            }

            @Override
            public void writeTo(FileChannel out) throws IOException {
                writeArray(array, storage, out);
            }
        };
    }

    /** Streams {@code array} in {@code storage} format; temporary casts and views close with the scope. */
    private static void writeArray(NDArray array, Storage storage, FileChannel out) throws IOException {
        long n = array.size();
        if (n == 0) {
            return;
        }
        checkLittleEndian();
        DataType source = storage == Storage.F16 ? DataType.FLOAT16 : DataType.FLOAT32;
        try (NDScope scope = new NDScope()) {
            NDArray flat = (array.getDataType() == source ? array : array.toType(source, false)).reshape(n);
            long step = CHUNK_BYTES / (source == DataType.FLOAT16 ? 2 : 4);
            for (long e0 = 0; e0 < n; e0 += step) {
                long e1 = Math.min(n, e0 + step);
                ByteBuffer bytes = (e0 == 0 && e1 == n ? flat : flat.get(new NDIndex("{}:{}", e0, e1)))
                        .toByteBuffer(true).order(ByteOrder.nativeOrder());
                if (storage == Storage.BF16) {
                    writeBf16(bytes.asFloatBuffer(), out);
                } else {
                    writeFully(out, bytes);
                }
            }
        }
    }

    /** libtorch memory is written as-is, which is little-endian only on little-endian hosts. */
    private static void checkLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("writing arrays needs a little-endian host");
        }
    }

    private static void writeBf16(FloatBuffer in, FileChannel out) throws IOException {
        float[] f = new float[BLOCK];
        short[] s = new short[BLOCK];
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK * 2).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            int len = Math.min(BLOCK, in.remaining());
            in.get(f, 0, len);
            for (int i = 0; i < len; i++) {
                s[i] = Bf16.fromFloat(f[i]);
            }
            buf.clear();
            buf.asShortBuffer().put(s, 0, len);
            writeFully(out, buf.limit(len * 2));
        }
    }

    private static Payload floatPayload(String name, float[] values, long[] shape) {
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension: " + Arrays.toString(shape));
            }
        }
        if (TensorInfo.elements(shape) != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds "
                    + TensorInfo.elements(shape) + " elements but " + values.length + " values were given");
        }
        long[] dims = shape.clone();
        return new Payload() {
            @Override
            public long[] shape() {
                return dims;
            }

            @Override
            public void writeTo(FileChannel out) throws IOException {
                ByteBuffer buf = ByteBuffer.allocate(BLOCK * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int off = 0; off < values.length; off += BLOCK) {
                    int len = Math.min(BLOCK, values.length - off);
                    buf.clear();
                    buf.asFloatBuffer().put(values, off, len);
                    writeFully(out, buf.limit(len * 4));
                }
            }
        };
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
