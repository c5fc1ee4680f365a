package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Preallocated key/value cache for incremental decoding: per layer two arrays (B, K, Tmax, D) that
 * decode steps write in place. Keys are stored after q/k-norm and RoPE, as transformers stores them.
 * In-place writes break autograd, so training forwards never use a cache.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;   // L x (B, K, Tmax, D)
    private final NDArray[] values; // L x (B, K, Tmax, D)
    private final int capacity;
    private int length;

    public KvCache(NDManager parent, Qwen3Config c, int batch, int capacity) {
        if (capacity <= 0 || batch <= 0) {
            throw new IllegalArgumentException("KV cache needs batch > 0 and capacity > 0, got " + batch + ", " + capacity);
        }
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[c.numHiddenLayers()];
        this.values = new NDArray[c.numHiddenLayers()];
        Shape shape = new Shape(batch, c.numKeyValueHeads(), capacity, c.headDim());
        for (int l = 0; l < keys.length; l++) {
            keys[l] = manager.zeros(shape, DataType.FLOAT32);
            values[l] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    /** Tokens already cached (P). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Writes this step's keys and values (B, K, T, D) of one layer at positions [P, P+T) and returns
     * views of everything cached so far, (B, K, P+T, D).
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        long t = k.getShape().get(2);
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " cached + " + t + " new > capacity " + capacity);
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", length, length + t);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex upTo = new NDIndex(":, :, :{}", length + t);
        return new NDArray[] {keys[layer].get(upTo), values[layer].get(upTo)};
    }

    /** Called by the model once every layer has appended T tokens. */
    void advance(int t) {
        length += t;
    }

    @Override
    public void close() {
        manager.close();
    }
}
