package repo.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import repo.core.model.Placement;
import repo.core.model.Qwen3Config;

/**
 * Memory per device of an RL (or supervised) LoRA run on one frozen base, from the model's shape and the run's knobs:
 * pure arithmetic, checked against hand-computed figures (MemoryPlanTest). The figures are for the fullest device,
 * taken to hold {@link Placement#maxLayersPerDevice} layers plus the embedding, LM head and logits: the first device of
 * a {@link Placement}, or a bound on it when the placement gives it fewer layers. The training and rollout phases do
 * not overlap, so the peak is the larger of the two.
 *
 * <pre>
 * weights      = params(base) × weight bytes                   (fp16 2, fp32 4)
 * adapter      = Σ_layers Σ_targets r·(in + out) params; trainable: × 16 bytes (fp32 param, grad, AdamW m and v), frozen: × 4
 * activations  = graphs × mb × T × L × a(T) × 4                 a(T) = 6h + 5·H·D + 4·K·D + 2·H·T + 5·I  (saved fp32 per token and layer)
 *   checkpointed graphs × mb × T × (L·h + a(T)) × 4            (layer inputs only, plus one layer recomputed)
 * logits       = 3 × rows × V × 4                               rows = chunk, or graphs·mb·T when not chunked (logits, log-softmax, probs)
 * KV cache     = 2 × L × K × D × (P + N) × rollout chunk × KV bytes    (fp16 for fp16 weights on GPU: ModelOptions.kvCacheType)
 * </pre>
 * graphs = 2 when policy and critic forwards are held together for one backward (PPO/REPO), else 1.
 */
public final class MemoryPlan {
    private MemoryPlan() {
    }

    /** The knobs and sizes a plan depends on. */
    public record Inputs(Qwen3Config model, int weightBytes, int kvBytes, int loraR, List<String> loraTargets,
                         int trainableAdapters, int frozenAdapters, int graphs, int promptTokens, int newTokens, int rollouts,
                         int rolloutChunk, int microBatch, boolean checkpointing, int logitsChunkRows, int gpus) {
        public Inputs {
            if (gpus <= 0 || microBatch <= 0 || rolloutChunk <= 0 || rollouts <= 0) {
                throw new IllegalArgumentException("gpus, micro-batch, rollout chunk and rollouts must be > 0");
            }
        }

        int seq() {
            return promptTokens + newTokens;
        }
    }

    /** Bytes per device by item (the device holding embedding and head, i.e. the fullest), and the phase peaks. */
    public record Plan(Map<String, Double> items, double trainPeak, double rolloutPeak) {
        public double peak() {
            return Math.max(trainPeak, rolloutPeak);
        }
    }

    /** Parameters of one decoder layer's projections and norms. */
    public static long layerParams(Qwen3Config c) {
        long h = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        return h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize() + 2 * h + 2L * c.headDim();
    }

    /** Every base parameter: embedding, layers, final norm, and the LM head when untied. */
    public static long baseParams(Qwen3Config c) {
        long embed = (long) c.vocabSize() * c.hiddenSize();
        return embed * (c.tieWordEmbeddings() ? 1 : 2) + c.numHiddenLayers() * layerParams(c) + c.hiddenSize();
    }

    /** LoRA parameters of one adapter of rank r on the named projections of every layer. */
    public static long loraParams(Qwen3Config c, int r, List<String> targets) {
        long h = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        long i = c.intermediateSize(), perLayer = 0;
        for (String t : targets) {
            perLayer += r * switch (t) {
                case "q_proj" -> h + q;
                case "k_proj", "v_proj" -> h + kv;
                case "o_proj" -> q + h;
                case "gate_proj", "up_proj", "down_proj" -> h + i;
                default -> throw new IllegalArgumentException("unknown LoRA target module \"" + t
                        + "\"; expected q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj or down_proj");
            };
        }
        return perLayer * c.numHiddenLayers();
    }

    /** Saved fp32 elements per token and layer in a training forward over sequences of length t. */
    public static long activationElements(Qwen3Config c, long t) {
        long h = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        return 6 * h + 5 * q + 4 * kv + 2L * c.numAttentionHeads() * t + 5L * c.intermediateSize();
    }

    public static Plan plan(Inputs in) {
        Qwen3Config c = in.model();
        int n = in.gpus(), layersHere = Placement.maxLayersPerDevice(c.numHiddenLayers(), n);
        double share = (double) layersHere / c.numHiddenLayers();              // the fullest device's share of the layers
        long t = in.seq();
        double embedHead = (double) c.vocabSize() * c.hiddenSize() * (c.tieWordEmbeddings() ? 1 : 2) * in.weightBytes();
        double layerWeights = (double) c.numHiddenLayers() * layerParams(c) * in.weightBytes();
        long lora = loraParams(c, in.loraR(), in.loraTargets());
        Map<String, Double> items = new LinkedHashMap<>();
        items.put("weights", embedHead + layerWeights * share + (double) c.hiddenSize() * in.weightBytes()); // + final norm
        for (int a = 0; a < in.trainableAdapters(); a++) {
            items.put("adapter " + (a + 1) + " (trainable) params", lora * 4.0 * share);
        }
        for (int a = 0; a < in.frozenAdapters(); a++) {
            items.put("adapter " + (in.trainableAdapters() + a + 1) + " (frozen) params", lora * 4.0 * share);
        }
        items.put("gradients", in.trainableAdapters() * lora * 4.0 * share);
        items.put("optimizer state (AdamW m, v)", in.trainableAdapters() * lora * 8.0 * share);
        double tokens = (double) in.graphs() * in.microBatch() * t;
        double perLayer = activationElements(c, t) * 4.0;
        items.put("activations, no checkpointing", tokens * layersHere * perLayer);
        items.put("activations, checkpointed", tokens * (layersHere * c.hiddenSize() * 4.0 + perLayer));
        double rows = in.logitsChunkRows() > 0 ? Math.min(in.logitsChunkRows(), tokens) : tokens;
        items.put("logits", 3 * rows * c.vocabSize() * 4.0);
        items.put("KV cache (rollouts)", 2.0 * layersHere * c.numKeyValueHeads() * c.headDim() * t * in.rolloutChunk() * in.kvBytes());
        items.put("rollout logits", 3.0 * in.rolloutChunk() * c.vocabSize() * 4.0);
        double statics = items.get("weights") + (in.trainableAdapters() + in.frozenAdapters()) * lora * 4.0 * share;
        double train = statics + items.get("gradients") + items.get("optimizer state (AdamW m, v)")
                + items.get(in.checkpointing() ? "activations, checkpointed" : "activations, no checkpointing") + items.get("logits");
        double rollout = statics + items.get("KV cache (rollouts)") + items.get("rollout logits");
        return new Plan(items, train, rollout);
    }

    /** Empty when the plan fits in {@code deviceBytes}; otherwise what does not fit, with the numbers and the knobs to turn. */
    public static List<String> problems(Inputs in, Plan p, double deviceBytes) {
        List<String> out = new ArrayList<>();
        if (p.trainPeak() > deviceBytes) {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "training needs %s per device, more than %s:", gb(p.trainPeak()),
                    gb(deviceBytes)));
            if (!in.checkpointing()) {
                s.append(String.format(Locale.ROOT, " turn on gradient checkpointing (activations %s -> %s);",
                        gb(p.items().get("activations, no checkpointing")), gb(p.items().get("activations, checkpointed"))));
            }
            if (in.microBatch() > 1) {
                s.append(" lower the micro-batch (now ").append(in.microBatch()).append(");");
            }
            if (in.logitsChunkRows() <= 0) {
                s.append(" chunk the LM head (logits ").append(gb(p.items().get("logits"))).append(");");
            }
            s.append(" or spread the layers over more devices (now ").append(in.gpus()).append(")");
            out.add(s.toString());
        }
        if (p.rolloutPeak() > deviceBytes) {
            out.add(String.format(Locale.ROOT, "rollouts need %s per device, more than %s: generate in smaller chunks (now %d sequences, "
                    + "KV cache %s), or spread the layers over more devices (now %d)", gb(p.rolloutPeak()), gb(deviceBytes),
                    in.rolloutChunk(), gb(p.items().get("KV cache (rollouts)")), in.gpus()));
        }
        return out;
    }

    public static String gb(double bytes) {
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }
}
