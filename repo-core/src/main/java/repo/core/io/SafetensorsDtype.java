package repo.core.io;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The element types of the safetensors format that this library understands, with their size in bytes.
 *
 * <p>Only F32, F16, BF16 and F64 tensors can be loaded as floating-point weights; the integer types are
 * recognised so that files holding them still open and validate.
 */
public enum SafetensorsDtype {
    BOOL(1), U8(1), I8(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    /** Valid safetensors dtypes that this library refuses (complex, 8/6/4-bit floats). */
    private static final List<String> UNSUPPORTED =
            List.of("C64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F4", "F6_E2M3", "F6_E3M2");

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether {@link SafetensorsFile#load} can turn this dtype into a FLOAT32/FLOAT16 array. */
    public boolean isLoadableFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /**
     * The dtype for a header's {@code "dtype"} string (case-sensitive, as the format requires).
     *
     * @throws IllegalArgumentException for an unknown name, or a valid safetensors dtype this library does not support
     */
    public static SafetensorsDtype parse(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        String supported = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
        if (UNSUPPORTED.contains(name)) {
            throw new IllegalArgumentException("dtype \"" + name + "\" is a safetensors dtype this library does not support;"
                    + " supported: " + supported);
        }
        throw new IllegalArgumentException("unknown dtype \"" + name + "\"; expected one of " + supported);
    }
}
