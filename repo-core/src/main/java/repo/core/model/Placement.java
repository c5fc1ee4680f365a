package repo.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Which device holds each decoder layer when a model is spread over devices 0..n-1 of one node. Device 0 also holds
 * the embedding, the final norm and the LM head (so a forward's inputs, hidden states, logits and every head live
 * there, as {@code MemoryPlan} assumes); hidden states go 0 → 1 → … → n-1 and back to 0.
 *
 * <p>Layers are contiguous, every device holds at least one and at most {@link #maxLayersPerDevice} of them (the KV
 * cache, the activations and the adapter state grow with a device's layer count, and the plan sizes them for that
 * many), and within those bounds the split minimises the largest device's weight bytes, so device 0 takes fewer
 * layers when the count allows. Ties go to the split with fewer layers on earlier devices.
 *
 * @param devices n
 * @param layerDevice device index of each layer, non-decreasing from 0 to n-1
 */
public record Placement(int devices, List<Integer> layerDevice) {

    public Placement {
        if (devices < 1) {
            throw new IllegalArgumentException("a placement needs at least one device, got " + devices);
        }
        layerDevice = List.copyOf(layerDevice);
        if (layerDevice.size() < devices) {
            throw new IllegalArgumentException("cannot spread " + layerDevice.size() + " layer(s) over " + devices
                    + " devices: every device needs at least one layer");
        }
        int[] count = new int[devices];
        for (int i = 0; i < layerDevice.size(); i++) {
            int d = layerDevice.get(i);
            if (d < 0 || d >= devices || (i > 0 && d != layerDevice.get(i - 1) && d != layerDevice.get(i - 1) + 1)) {
                throw new IllegalArgumentException("layer " + i + " on device " + d + ": layers must run over devices 0.."
                        + (devices - 1) + " in order, each device holding a contiguous run; got " + layerDevice);
            }
            count[d]++;
        }
        int cap = maxLayersPerDevice(layerDevice.size(), devices);
        if (layerDevice.get(0) != 0 || Arrays.stream(count).anyMatch(c -> c == 0 || c > cap)) {
            throw new IllegalArgumentException("every device needs between 1 and " + cap + " layers, got counts "
                    + Arrays.toString(count));
        }
    }

    /** ⌈layers / devices⌉: the most layers any device holds. */
    public static int maxLayersPerDevice(int layers, int devices) {
        if (layers < 1 || devices < 1) {
            throw new IllegalArgumentException("layers and devices must be >= 1, got " + layers + " and " + devices);
        }
        return (layers + devices - 1) / devices;
    }

    /**
     * The split that minimises the largest device's bytes (see the class comment).
     *
     * @param layerBytes bytes of each decoder layer's weights
     * @param firstDeviceBytes bytes device 0 holds besides its layers: embedding, final norm, LM head
     */
    public static Placement balance(long[] layerBytes, long firstDeviceBytes, int devices) {
        int layers = layerBytes.length;
        if (devices < 1 || layers < devices) {
            throw new IllegalArgumentException("cannot spread " + layers + " layer(s) over " + devices
                    + " device(s): every device needs at least one layer");
        }
        if (firstDeviceBytes < 0 || Arrays.stream(layerBytes).anyMatch(b -> b < 0)) {
            throw new IllegalArgumentException("byte counts must be >= 0");
        }
        int cap = maxLayersPerDevice(layers, devices);
        long[] prefix = new long[layers + 1];
        for (int i = 0; i < layers; i++) {
            prefix[i + 1] = prefix[i] + layerBytes[i];
        }
        // best[d][i]: the smallest possible largest load when devices 0..d hold layers [0, i); from[d][i]: where d starts
        long[][] best = new long[devices][layers + 1];
        int[][] from = new int[devices][layers + 1];
        for (long[] row : best) {
            Arrays.fill(row, Long.MAX_VALUE);
        }
        for (int i = 1; i <= Math.min(cap, layers); i++) {
            best[0][i] = firstDeviceBytes + prefix[i];
        }
        for (int d = 1; d < devices; d++) {
            for (int i = d + 1; i <= layers; i++) {
                for (int j = Math.max(d, i - cap); j < i; j++) {
                    if (best[d - 1][j] == Long.MAX_VALUE) {
                        continue;
                    }
                    long load = Math.max(best[d - 1][j], prefix[i] - prefix[j]);
                    if (load < best[d][i]) {
                        best[d][i] = load;
                        from[d][i] = j;
                    }
                }
            }
        }
        Integer[] out = new Integer[layers];
        for (int d = devices - 1, end = layers; d >= 0; d--) {
            int start = d == 0 ? 0 : from[d][end];
            Arrays.fill(out, start, end, d);
            end = start;
        }
        return new Placement(devices, Arrays.asList(out));
    }

    /** The placement of {@code c}'s layers over {@code devices}, weights stored as {@code precision} stores them. */
    public static Placement of(Qwen3Config c, int devices, ModelOptions.Precision precision) {
        long wb = precision.storageType().getNumOfBytes(), nb = precision.computeType().getNumOfBytes(); // norms: compute dtype
        long h = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        long layer = (2 * h * q + 2 * h * kv + 3 * h * c.intermediateSize()) * wb + (2 * h + 2L * c.headDim()) * nb;
        long embed = (long) c.vocabSize() * h * wb * (c.tieWordEmbeddings() ? 1 : 2) + h * nb;
        long[] layers = new long[c.numHiddenLayers()];
        Arrays.fill(layers, layer);
        return balance(layers, embed, devices);
    }

    /** Layers per device, device 0 first. */
    public List<Integer> layerCounts() {
        List<Integer> out = new ArrayList<>(Collections.nCopies(devices, 0));
        layerDevice.forEach(d -> out.set(d, out.get(d) + 1));
        return out;
    }

    /** Device index of layer {@code i}. */
    public int deviceOf(int layer) {
        return layerDevice.get(layer);
    }
}
