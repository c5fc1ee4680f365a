package repo.core.model;

import ai.djl.Device;
import java.util.Locale;

/**
 * Where and in which precision a model runs.
 *
 * @param device {@code cpu} or {@code gpu:N}; nothing in the model assumes CPU
 * @param precision how weights are stored and maths is done; activations, norms, softmax and the residual stream
 *     are fp32 unless FP64 is asked for
 */
public record ModelOptions(Device device, Precision precision) {

    /** Storage precision of the frozen weights. */
    public enum Precision {
        /** fp32 weights: the only sensible choice on CPU (fp16 GEMM runs at about 1 GFLOP/s there). */
        FP32,
        /** fp16 weights cast up to fp32 per use: halves weight memory on GPU, fp32 maths everywhere. */
        FP16_WEIGHTS,
        /** fp64 weights and maths: slow, for gradient checks against finite differences. */
        FP64;

        /** The dtype activations and maths use. */
        public ai.djl.ndarray.types.DataType computeType() {
            return this == FP64 ? ai.djl.ndarray.types.DataType.FLOAT64 : ai.djl.ndarray.types.DataType.FLOAT32;
        }

        /** The dtype frozen projection and embedding weights are stored in. */
        public ai.djl.ndarray.types.DataType storageType() {
            return switch (this) {
                case FP32 -> ai.djl.ndarray.types.DataType.FLOAT32;
                case FP16_WEIGHTS -> ai.djl.ndarray.types.DataType.FLOAT16;
                case FP64 -> ai.djl.ndarray.types.DataType.FLOAT64;
            };
        }
    }

    public ModelOptions {
        if (device == null || precision == null) {
            throw new IllegalArgumentException("device and precision are required");
        }
    }

    public static ModelOptions cpu() {
        return new ModelOptions(Device.cpu(), Precision.FP32);
    }

    /** Parses {@code cpu}, {@code gpu} or {@code gpu:N}. */
    public static Device parseDevice(String name) {
        String s = name.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("gpu") || s.equals("cuda")) {
            return Device.gpu(0);
        }
        if (s.matches("(gpu|cuda):\\d+")) {
            return Device.gpu(Integer.parseInt(s.substring(s.indexOf(':') + 1)));
        }
        throw new IllegalArgumentException("device '" + name + "' is not valid; expected cpu, gpu or gpu:N");
    }
}
