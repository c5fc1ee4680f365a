package repo.core.io;

/**
 * bfloat16 &lt;-&gt; float32 conversion in plain Java (DJL's BFLOAT16 data type aborts the JVM, so it is never used).
 *
 * <p>bf16 is the upper half of an IEEE float32: widening is exact; narrowing rounds to nearest, ties to even.
 */
public final class Bf16 {

    private Bf16() {
    }

    /** The float32 with the same sign, exponent and top 7 mantissa bits; exact. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * Rounds to the nearest bf16, ties to even. Values beyond the bf16 range become infinities; a NaN stays a
     * (quiet) NaN with its sign.
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }
}
