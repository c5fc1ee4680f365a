package repo.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Locale;

/**
 * Where and in which precision a model runs.
 *
 * @param device {@code cpu} or {@code gpu:N}: the device of the embedding, the final norm, the LM head and the inputs
 *     and outputs of every forward; nothing in the model assumes CPU
 * @param precision how weights are stored and maths is done; activations, norms, softmax and the residual stream
 *     are fp32 unless FP64 is asked for
 * @param devices the devices the decoder layers are spread over, in order (see {@link Placement}); the first is
 *     {@code device}. A single device when not given
 * @param kvCache the dtype of the rollout KV cache
 */
public record ModelOptions(Device device, Precision precision, List<Device> devices, KvCacheType kvCache) {

    /** Storage precision of the frozen weights. */
    public enum Precision {
        /** fp32 weights: the only sensible choice on CPU (fp16 GEMM runs at about 1 GFLOP/s there). */
        FP32,
        /** fp16 weights cast up to fp32 per use: halves weight memory on GPU, fp32 maths everywhere. */
        FP16_WEIGHTS,
        /** fp64 weights and maths: slow, for gradient checks against finite differences. */
        FP64;

        /** The dtype activations and maths use. */
        public DataType computeType() {
            return this == FP64 ? DataType.FLOAT64 : DataType.FLOAT32;
        }

        /** The dtype frozen projection and embedding weights are stored in. */
        public DataType storageType() {
            return switch (this) {
                case FP32 -> DataType.FLOAT32;
                case FP16_WEIGHTS -> DataType.FLOAT16;
                case FP64 -> DataType.FLOAT64;
            };
        }
    }

    /** The dtype keys and values are stored in; attention reads them back in the compute dtype. */
    public enum KvCacheType {
        /** fp16 when the weights are fp16 and every device is a GPU; the compute dtype otherwise (fp16 ops on CPU are slow). */
        AUTO,
        /** fp32 (or fp64 with {@link Precision#FP64}): the compute dtype. */
        COMPUTE,
        /** fp16: half the memory; keys and values are rounded to fp16 (10-bit mantissa) once, when written. */
        FP16
    }

    public ModelOptions {
        if (device == null || precision == null || kvCache == null) {
            throw new IllegalArgumentException("device, precision and kvCache are required");
        }
        devices = devices == null || devices.isEmpty() ? List.of(device) : List.copyOf(devices);
        if (!devices.get(0).equals(device)) {
            throw new IllegalArgumentException("the first of the layer devices " + devices + " must be the model's device " + device
                    + " (it holds the embedding and the LM head)");
        }
    }

    /** One device, the KV cache dtype chosen by {@link KvCacheType#AUTO}. */
    public ModelOptions(Device device, Precision precision) {
        this(device, precision, List.of(device), KvCacheType.AUTO);
    }

    public static ModelOptions cpu() {
        return new ModelOptions(Device.cpu(), Precision.FP32);
    }

    /** Layers spread over {@code devices} (the first also holds embedding and LM head), KV cache by {@link KvCacheType#AUTO}. */
    public static ModelOptions placed(List<Device> devices, Precision precision) {
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException("at least one device is required");
        }
        return new ModelOptions(devices.get(0), precision, devices, KvCacheType.AUTO);
    }

    public ModelOptions withKvCache(KvCacheType type) {
        return new ModelOptions(device, precision, devices, type);
    }

    /** The dtype {@link KvCache} stores keys and values in under these options. */
    public DataType kvCacheType() {
        return switch (kvCache) {
            case FP16 -> DataType.FLOAT16;
            case COMPUTE -> precision.computeType();
            case AUTO -> precision == Precision.FP16_WEIGHTS && devices.stream().allMatch(Device::isGpu)
                    ? DataType.FLOAT16 : precision.computeType();
        };
    }

    /**
     * Options from a device setting: one device ({@code cpu}, {@code gpu}, {@code gpu:N}), or a comma-separated list
     * such as {@code gpu:0,gpu:1,gpu:2,gpu:3} whose devices the decoder layers are spread over ({@link #placed}; the
     * first also holds the embedding and the LM head).
     */
    public static ModelOptions parse(String devices, Precision precision) {
        List<Device> list = new java.util.ArrayList<>();
        for (String d : devices.split(",", -1)) {
            list.add(parseDevice(d));
        }
        return placed(list, precision);
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

    /**
     * Refuses a GPU device this process cannot use, before any array is made there: the libtorch the engine loaded
     * must be a CUDA build (the fat jar {@code repo.jar} bundles a CPU-only one), and the GPU must exist.
     */
    public static void requireUsable(Device device) {
        if (!device.isGpu()) {
            return;
        }
        Engine engine = Engine.getInstance();
        if (!engine.hasCapability(StandardCapabilities.CUDA)) {
            throw new IllegalStateException("device gpu:" + device.getDeviceId() + " needs a CUDA build of libtorch, but this process loaded "
                    + "libtorch " + engine.getVersion() + " without CUDA (repo.jar bundles the CPU build); build "
                    + "repo-cuda.jar with `mvn -Pcuda package` and run it through scripts/repo-cuda with "
                    + "PYTORCH_LIBRARY_PATH set to a CUDA libtorch 2.7.1 (README, \"Devices and GPUs\")");
        }
        int gpus = engine.getGpuCount();
        if (device.getDeviceId() >= gpus) {
            throw new IllegalStateException("device gpu:" + device.getDeviceId() + " does not exist: " + gpus + " GPU(s) visible"
                    + " (check CUDA_VISIBLE_DEVICES and nvidia-smi)");
        }
    }
}
