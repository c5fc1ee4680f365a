package repo.core.io;

import java.util.Arrays;

/**
 * One entry of a safetensors header.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions, row-major; empty for a 0-rank tensor
 * @param begin first byte of the tensor, relative to the start of the data section
 * @param end one past the last byte, relative to the start of the data section
 */
public record TensorInfo(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {

    /** Number of elements: the product of the dimensions (1 for a 0-rank tensor). */
    public long elements() {
        return elements(shape);
    }

    /** Size of the tensor's data in bytes. */
    public long byteSize() {
        return end - begin;
    }

    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
