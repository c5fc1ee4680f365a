package repo.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A safetensors file opened for reading.
 *
 * <p>{@link #open} reads and validates the whole header (see {@link SafetensorsHeader}) but no tensor data. Each
 * {@link #load} memory-maps the tensor's bytes in chunks below 2 GiB and converts them into an array that libtorch
 * allocated, so results are ordinary arrays: owned by the given manager, writable, freed on close. BF16 is widened to
 * FLOAT32 in Java (DJL's BFLOAT16 type would abort the JVM). Not thread-safe for {@link #close} during a load.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Source bytes mapped at a time: far below the 2 GiB limit of one {@link ByteBuffer}. */
    static final long DEFAULT_CHUNK_BYTES = 1L << 28;

    /** Elements converted per pass of the BF16/F64 loops. */
    private static final int BLOCK = 1 << 16;

    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
    }

    /**
     * Opens and validates {@code file}: header length, UTF-8 JSON, entry types, dtypes, shapes against byte counts,
     * offsets in range, no overlap, no holes, no trailing bytes, no duplicate names.
     *
     * @throws SafetensorsException naming the file (and tensor) for any violation, or when the file cannot be read
     */
    public static SafetensorsFile open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw SafetensorsException.of(file, null, "file does not exist", e);
        } catch (IOException e) {
            throw SafetensorsException.of(file, null, "cannot open: " + e, e);
        }
        try {
            return new SafetensorsFile(file, ch, SafetensorsHeader.read(file, ch));
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch, e);
            if (e instanceof SafetensorsException se) {
                throw se;
            }
            throw SafetensorsException.of(file, null, "cannot read header: " + e, e);
        }
    }

    private static void closeQuietly(FileChannel ch, Exception primary) {
        try {
            ch.close();
        } catch (IOException suppressed) {
            primary.addSuppressed(suppressed);
        }
    }

    public Path path() {
        return path;
    }

    /** Every tensor in the file, ordered by its offset in the data section. */
    public Map<String, TensorInfo> tensors() {
        return header.tensors();
    }

    /** The {@code __metadata__} entries (empty when the file has none). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** The entry for {@code name}, or a {@link SafetensorsException} that lists some of the names the file holds. */
    public TensorInfo info(String name) {
        TensorInfo t = header.tensors().get(name);
        if (t == null) {
            String some = header.tensors().keySet().stream().limit(5).collect(Collectors.joining(", "));
            String more = header.tensors().size() > 5 ? ", ... (" + header.tensors().size() + " in all)" : "";
            throw SafetensorsException.of(path, name, "no such tensor in this file; it holds " + (some.isEmpty()
                    ? "no tensors" : some + more));
        }
        return t;
    }

    /**
     * Loads a floating-point tensor as a new array owned by {@code manager}.
     *
     * @param target FLOAT32 or FLOAT16; F32, F16, BF16 and F64 sources are converted (BF16 to F32 exactly)
     * @throws SafetensorsException for an unknown name or a non-float source dtype
     * @throws IllegalArgumentException for any other target type
     */
    public NDArray load(String name, NDManager manager, DataType target) {
        return load(name, manager, target, DEFAULT_CHUNK_BYTES);
    }

    /**
     * As {@link #load(String, NDManager, DataType)}, for trained state: a tensor holding NaN or infinity is refused
     * ({@link Finite}) and its array closed.
     */
    public NDArray loadFinite(String name, NDManager manager, DataType target) {
        NDArray a = load(name, manager, target);
        try {
            return Finite.require(a, name, path);
        } catch (IllegalArgumentException e) {
            a.close();
            throw e;
        }
    }

    /** {@link #load(String, NDManager, DataType)} mapping at most {@code chunkBytes} source bytes at a time. */
    NDArray load(String name, NDManager manager, DataType target, long chunkBytes) {
        if (target != DataType.FLOAT32 && target != DataType.FLOAT16) {
            throw new IllegalArgumentException("target must be FLOAT32 or FLOAT16, got " + target);
        }
        TensorInfo t = requireFloat(name);
        DataType staging = t.dtype() == SafetensorsDtype.F16 ? DataType.FLOAT16 : DataType.FLOAT32;
        NDArray staged = manager.create(new Shape(t.shape()), staging);
        try {
            fill(t, staged, chunkBytes);
        } catch (IOException | RuntimeException e) {
            staged.close();
            throw e instanceof IOException io ? SafetensorsException.of(path, name, "cannot read data: " + io, io)
                    : (RuntimeException) e;
        }
        if (staging == target) {
            return staged;
        }
        try (staged) {
            return staged.toType(target, false);
        }
    }

    /** The tensor's values as floats (for small tensors: at most 2^31 - 1 elements). */
    public float[] loadFloats(String name) {
        TensorInfo t = requireFloat(name);
        if (t.elements() > Integer.MAX_VALUE - 8) {
            throw SafetensorsException.of(path, name, t.elements() + " elements do not fit a float[]; use load()");
        }
        float[] out = new float[(int) t.elements()];
        int step = (int) chunkElements(t, DEFAULT_CHUNK_BYTES);
        try {
            for (int e0 = 0; e0 < out.length; e0 += step) {
                int len = Math.min(step, out.length - e0);
                convert(t.dtype(), map(t, e0, len), FloatBuffer.wrap(out, e0, len));
            }
        } catch (IOException e) {
            throw SafetensorsException.of(path, name, "cannot read data: " + e, e);
        }
        return out;
    }

    private TensorInfo requireFloat(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().isLoadableFloat()) {
            throw SafetensorsException.of(path, name, "dtype " + t.dtype() + " cannot be loaded as floating point;"
                    + " expected F32, F16, BF16 or F64");
        }
        return t;
    }

    private static long chunkElements(TensorInfo t, long chunkBytes) {
        return Math.max(1, chunkBytes / t.dtype().bytes());
    }

    /** Copies/converts the tensor's bytes into {@code staged} through direct views of its libtorch memory. */
    private void fill(TensorInfo t, NDArray staged, long chunkBytes) throws IOException {
        long n = t.elements();
        if (n == 0) {
            return;
        }
        long step = chunkElements(t, chunkBytes);
        try (NDScope views = new NDScope()) {
            NDArray flat = staged.reshape(n);
            for (long e0 = 0; e0 < n; e0 += step) {
                long e1 = Math.min(n, e0 + step);
                ByteBuffer dst = (e0 == 0 && e1 == n ? flat : flat.get(new NDIndex("{}:{}", e0, e1)))
                        .toByteBuffer(true).order(ByteOrder.nativeOrder());
                ByteBuffer src = map(t, e0, (int) (e1 - e0));
                if (t.dtype() == SafetensorsDtype.F16) {
                    dst.asShortBuffer().put(src.asShortBuffer());
                } else {
                    convert(t.dtype(), src, dst.asFloatBuffer());
                }
            }
        }
    }

    /** A little-endian read-only mapping of {@code count} elements starting at element {@code first}. */
    private ByteBuffer map(TensorInfo t, long first, int count) throws IOException {
        int size = t.dtype().bytes();
        long position = header.dataStart() + t.begin() + first * size;
        return channel.map(FileChannel.MapMode.READ_ONLY, position, (long) count * size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Closes the file; arrays already loaded stay valid (they never alias the mapping). */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot close: " + e.getMessage(), e);
        }
    }

    /** Converts F32/F16/BF16/F64 elements of {@code src} into {@code dst}, a block of elements at a time. */
    private static void convert(SafetensorsDtype dtype, ByteBuffer src, FloatBuffer dst) {
        if (dtype == SafetensorsDtype.F32) {
            dst.put(src.asFloatBuffer());
            return;
        }
        float[] block = new float[BLOCK];
        if (dtype == SafetensorsDtype.F64) {
            DoubleBuffer in = src.asDoubleBuffer();
            double[] d = new double[BLOCK];
            while (in.hasRemaining()) {
                int len = Math.min(BLOCK, in.remaining());
                in.get(d, 0, len);
                for (int i = 0; i < len; i++) {
                    block[i] = (float) d[i];
                }
                dst.put(block, 0, len);
            }
            return;
        }
        ShortBuffer in = src.asShortBuffer();
        short[] s = new short[BLOCK];
        while (in.hasRemaining()) {
            int len = Math.min(BLOCK, in.remaining());
            in.get(s, 0, len);
            if (dtype == SafetensorsDtype.BF16) {
                for (int i = 0; i < len; i++) {
                    block[i] = Bf16.toFloat(s[i]);
                }
            } else {
                for (int i = 0; i < len; i++) {
                    block[i] = Half.toFloat(s[i]);
                }
            }
            dst.put(block, 0, len);
        }
    }
}
