package repo.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import repo.core.io.HfCheckpoint;
import repo.core.io.SafetensorsWriter;

/**
 * Qwen3ForCausalLM (dense), computing what Hugging Face transformers' {@code modeling_qwen3.py} computes.
 *
 * <pre>
 * x = E[ids]                                         no sqrt(h) scaling
 * for each layer:  x = x + Attn(RMSNorm(x));  x = x + down(silu(gate(m)) * up(m)),  m = RMSNorm(x)
 * logits = RMSNorm(x) · W_lmᵀ                        W_lm = E when tie_word_embeddings
 * Attn: q/k RMSNorm per head BEFORE half-split RoPE, GQA (query head i reads kv head i/g), scale D^-0.5
 * </pre>
 *
 * Shapes: B batch, T new tokens, P cached tokens, S = P + T keys, h hidden, H query heads, K kv heads,
 * g = H/K, D head_dim, I intermediate, V vocab. All maths runs in fp32; with
 * {@link ModelOptions.Precision#FP16_WEIGHTS} the frozen weights are stored in fp16 and cast up per use.
 *
 * <p>Memory: every op's result belongs to its first operand's manager, so callers run each forward
 * inside an {@code NDScope} (see {@code Generator}); nothing here keeps per-call arrays.
 *
 * <p>Devices: with several {@link ModelOptions#devices} the decoder layers are spread over them as {@link Placement}
 * says; the embedding, final norm and LM head stay on the first, so inputs and outputs of every forward live there.
 */
public final class Qwen3Model implements AutoCloseable {
    static {
        HugePages.enable(); // before libtorch's first allocation
    }

    /** Additive mask value for blocked keys: exp(-1e9) is exactly 0 in fp32, and rows stay finite. */
    private static final float BLOCKED = -1e9f;

    // ---- building blocks ---------------------------------------------------------------------

    /** RMSNorm over the last axis, in fp32: x · (mean(x²) + eps)^-½ · w. */
    static NDArray rmsNorm(NDArray x, NDArray w, float eps) {
        NDArray inv = Scalars.pow(x.square().mean(new int[] {-1}, true).add(eps), -0.5f); // (..., 1)
        return x.mul(inv).mul(w);                                                  // (..., n)
    }

    /** rotate_half: concat(-x[..., D/2:], x[..., :D/2]), the half-split (NeoX) layout. */
    static NDArray rotateHalf(NDArray x) {
        long half = x.getShape().getLastDimension() / 2;
        NDArray x1 = x.get(new NDIndex("..., :{}", half));
        NDArray x2 = x.get(new NDIndex("..., {}:", half));
        return NDArrays.concat(new NDList(x2.neg(), x1), -1);
    }

    /** x' = x·cos + rotate_half(x)·sin; x (B, n, T, D), cos/sin (B, 1, T, D). */
    static NDArray applyRope(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(rotateHalf(x).mul(sin));
    }

    /**
     * A bias-free projection y = x·Wᵀ with W (out, in) as stored by Hugging Face, plus the update
     * scaling·B(A(dropout(x))) of the adapter the {@link Forward} names, when this module is one of its targets
     * (see {@link LoraAdapter}).
     */
    public static final class Linear {
        private final String name;
        private NDArray weight; // (out, in)
        private final Map<String, LoraAdapter> lora = new LinkedHashMap<>(); // adapter name -> A, B
        private AdapterSet adapters;

        Linear(String name, NDArray weight) {
            this.name = name;
            this.weight = weight;
        }

        /** (..., in) -> (..., out) with the adapter (or the base) {@code pass} names. */
        public NDArray forward(NDArray x, Forward pass) {
            NDArray y = JniUtils.linear((PtNDArray) x, (PtNDArray) computeWeight(weight), null);
            LoraAdapter a = adapters.applied(this, pass.adapter());
            return a == null ? y : y.add(a.update(x, pass.dropout()));
        }

        Map<String, LoraAdapter> lora() {
            return lora;
        }

        public String name() {
            return name;
        }

        public NDArray weight() {
            return weight;
        }

        void setWeight(NDArray w) {
            this.weight = w;
        }
    }

    /** fp16-stored frozen weights are cast up per use (the cast detaches, which is right for frozen weights). */
    private static NDArray computeWeight(NDArray w) {
        return w.getDataType() == DataType.FLOAT16 ? w.toType(DataType.FLOAT32, false) : w;
    }

    /** Grouped-query self-attention with q_norm/k_norm. */
    static final class Attention {
        final Linear q, k, v, o;
        final NDArray qNorm, kNorm; // (D)
        final int nHeads, nKv, headDim;
        final float eps, scale;

        Attention(Qwen3Config c, Linear q, Linear k, Linear v, Linear o, NDArray qNorm, NDArray kNorm) {
            this.q = q;
            this.k = k;
            this.v = v;
            this.o = o;
            this.qNorm = qNorm;
            this.kNorm = kNorm;
            this.nHeads = c.numAttentionHeads();
            this.nKv = c.numKeyValueHeads();
            this.headDim = c.headDim();
            this.eps = (float) c.rmsNormEps();
            this.scale = (float) (1.0 / Math.sqrt(headDim));
        }

        /** x (B, T, h), cos/sin (B, 1, T, D), mask (B, 1, 1, T, S) -> (B, T, h) */
        NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache, int layer, Forward pass) {
            long b = x.getShape().get(0), t = x.getShape().get(1);
            int g = nHeads / nKv;
            NDArray qh = heads(q.forward(x, pass), nHeads, b, t, qNorm);           // (B, H, T, D)
            NDArray kh = heads(k.forward(x, pass), nKv, b, t, kNorm);              // (B, K, T, D)
            NDArray vh = v.forward(x, pass).reshape(b, t, nKv, headDim).transpose(0, 2, 1, 3); // (B, K, T, D)
            qh = applyRope(qh, cos, sin);
            kh = applyRope(kh, cos, sin);
            if (cache != null) {
                NDArray[] kv = cache.append(layer, kh, vh);                  // (B, K, S, D) each
                kh = kv[0];
                vh = kv[1];
            }
            long s = kh.getShape().get(2);
            // query heads of one kv group are adjacent: (B, H, T, D) -> (B, K, g*T, D), no repeat_kv copy;
            // the 1/sqrt(D) scale goes on q, D values per query, rather than on the S scores
            NDArray qg = Scalars.mul(qh, scale).reshape(b, nKv, (long) g * t, headDim);
            NDArray scores = qg.matMul(kh.transpose(0, 1, 3, 2))            // (B, K, g*T, S)
                    .reshape(b, nKv, g, t, s).add(mask);                     // (B, K, g, T, S)
            NDArray probs = scores.softmax(-1).reshape(b, nKv, (long) g * t, s);
            NDArray out = probs.matMul(vh)                                   // (B, K, g*T, D)
                    .reshape(b, nHeads, t, headDim).transpose(0, 2, 1, 3)    // (B, T, H, D)
                    .reshape(b, t, (long) nHeads * headDim);                 // (B, T, H*D)
            return o.forward(out, pass);                                           // (B, T, h)
        }

        /** (B, T, n*D) -> per-head RMSNorm -> (B, n, T, D) */
        private NDArray heads(NDArray x, int n, long b, long t, NDArray norm) {
            return rmsNorm(x.reshape(b, t, n, headDim), computeWeight(norm), eps).transpose(0, 2, 1, 3);
        }
    }

    /** SwiGLU feed-forward: down(silu(gate(x)) * up(x)). */
    static final class Mlp {
        final Linear gate, up, down;

        Mlp(Linear gate, Linear up, Linear down) {
            this.gate = gate;
            this.up = up;
            this.down = down;
        }

        /** (B, T, h) -> (B, T, h) */
        NDArray forward(NDArray x, Forward pass) {
            NDArray gx = gate.forward(x, pass);                                     // (B, T, I)
            return down.forward(gx.mul(Activation.sigmoid(gx)).mul(up.forward(x, pass)), pass);
        }
    }

    /** Pre-norm residual block. */
    static final class DecoderLayer {
        final NDArray inputNorm, postNorm; // (h)
        final Attention attn;
        final Mlp mlp;
        final float eps;

        DecoderLayer(NDArray inputNorm, NDArray postNorm, Attention attn, Mlp mlp, float eps) {
            this.inputNorm = inputNorm;
            this.postNorm = postNorm;
            this.attn = attn;
            this.mlp = mlp;
            this.eps = eps;
        }

        /** (B, T, h) -> (B, T, h) */
        NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache, int layer, Forward pass) {
            x = x.add(attn.forward(rmsNorm(x, computeWeight(inputNorm), eps), cos, sin, mask, cache, layer, pass));
            return x.add(mlp.forward(rmsNorm(x, computeWeight(postNorm), eps), pass));
        }
    }

    // ---- the model ---------------------------------------------------------------------------

    private final Qwen3Config config;
    private final ModelOptions options;
    private final NDManager manager;       // owns every weight
    private final Map<String, NDArray> weights; // HF name -> array, the single source of truth for saving
    private final NDArray embed;           // (V, h)
    private final DecoderLayer[] layers;
    private final NDArray finalNorm;       // (h)
    private final NDArray lmHead;          // (V, h); the embedding itself when tied
    private final NDArray invFreq;         // (D/2) in the compute dtype
    private final DataType ctype;          // compute dtype: fp32, or fp64 for gradient checks
    private final AdapterSet adapters;     // LoRA adapters and the merged one
    private final Placement placement;     // layer -> index into options.devices()
    private final NDManager[] onDevice;    // device index -> the manager of that device's weights (0: manager)

    private Qwen3Model(Qwen3Config config, ModelOptions options, NDManager[] onDevice, Placement placement,
                       Map<String, NDArray> weights) {
        this.config = config;
        this.options = options;
        this.manager = onDevice[0];
        this.onDevice = onDevice;
        this.placement = placement;
        this.weights = weights;
        float eps = (float) config.rmsNormEps();
        this.embed = weights.get("model.embed_tokens.weight");
        this.finalNorm = weights.get("model.norm.weight");
        this.lmHead = config.tieWordEmbeddings() ? embed : weights.get("lm_head.weight");
        this.layers = new DecoderLayer[config.numHiddenLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            Attention attn = new Attention(config, linear(p + "self_attn.q_proj"), linear(p + "self_attn.k_proj"),
                    linear(p + "self_attn.v_proj"), linear(p + "self_attn.o_proj"),
                    weights.get(p + "self_attn.q_norm.weight"), weights.get(p + "self_attn.k_norm.weight"));
            Mlp mlp = new Mlp(linear(p + "mlp.gate_proj"), linear(p + "mlp.up_proj"), linear(p + "mlp.down_proj"));
            layers[i] = new DecoderLayer(weights.get(p + "input_layernorm.weight"),
                    weights.get(p + "post_attention_layernorm.weight"), attn, mlp, eps);
        }
        float[] inv = new float[config.headDim() / 2];
        for (int j = 0; j < inv.length; j++) {
            inv[j] = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * j) / config.headDim()));
        }
        this.ctype = options.precision().computeType();
        NDArray f = manager.create(inv);
        this.invFreq = ctype == DataType.FLOAT32 ? f : f.toType(ctype, false);
        Map<String, Linear> lins = linears();
        this.adapters = new AdapterSet(manager, ctype, lins);
        lins.values().forEach(l -> l.adapters = adapters);
    }

    private Linear linear(String module) {
        return new Linear(module, weights.get(module + ".weight"));
    }

    /** One manager per device of {@code options}: a base manager on the first, its sub-managers on the others. */
    private static NDManager[] deviceManagers(ModelOptions options) {
        options.devices().forEach(ModelOptions::requireUsable);
        NDManager[] out = new NDManager[options.devices().size()];
        out[0] = Engine.getInstance().newBaseManager(options.device());
        for (int d = 1; d < out.length; d++) {
            out[d] = out[0].newSubManager(options.devices().get(d));
        }
        return out;
    }

    /** Device index of a weight: its layer's device, or 0 (embedding, final norm, LM head). */
    private static int deviceIndex(String name, Placement placement) {
        String layers = "model.layers.";
        return name.startsWith(layers)
                ? placement.deviceOf(Integer.parseInt(name.substring(layers.length(), name.indexOf('.', layers.length())))) : 0;
    }

    /** Loads a Hugging Face Qwen3 checkpoint folder (config.json + safetensors, sharded or not). */
    public static Qwen3Model load(Path dir, ModelOptions options) {
        NDManager[] ms = deviceManagers(options);
        NDManager m = ms[0];
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            ModelOptions.Precision p = options.precision();
            Placement placement = Placement.of(ckpt.config(), ms.length, p);
            Map<String, NDArray> w = new LinkedHashMap<>();
            for (String name : HfCheckpoint.expectedShapes(ckpt.config()).keySet()) {
                // norms are tiny and stay in the compute dtype; fp64 is made from an fp32 load
                DataType type = name.endsWith("norm.weight") || p == ModelOptions.Precision.FP64 ? DataType.FLOAT32 : p.storageType();
                NDArray a = ckpt.load(name, ms[deviceIndex(name, placement)], type);
                if (a.getDataType() != p.computeType() && type == DataType.FLOAT32) {
                    NDArray wide = a.toType(p.computeType(), false);
                    a.close();
                    a = wide;
                }
                w.put(name, a);
            }
            return new Qwen3Model(ckpt.config(), options, ms, placement, w);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Builds a model from named weights (HF names, shapes as in {@link HfCheckpoint#expectedShapes}).
     * The arrays are attached to the model's manager, which then owns them.
     */
    public static Qwen3Model fromWeights(Qwen3Config config, Map<String, NDArray> weights, ModelOptions options) {
        Map<String, Shape> missing = new LinkedHashMap<>();
        HfCheckpoint.expectedShapes(config).forEach((name, shape) -> {
            NDArray a = weights.get(name);
            if (a == null || !a.getShape().equals(new Shape(shape))) {
                missing.put(name, new Shape(shape));
            }
        });
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("weights missing or of the wrong shape (name=expected shape): " + missing);
        }
        Placement placement = Placement.of(config, options.devices().size(), options.precision());
        NDManager[] ms = deviceManagers(options);
        Map<String, NDArray> w = new LinkedHashMap<>();
        HfCheckpoint.expectedShapes(config).keySet().forEach(name -> {
            NDManager m = ms[deviceIndex(name, placement)];
            NDArray a = weights.get(name);
            if (!a.getDevice().equals(m.getDevice())) {
                NDArray moved = a.toDevice(m.getDevice(), false); // weights are frozen here: the copy may detach
                a.close();
                a = moved;
            }
            a.attach(m);
            w.put(name, a);
        });
        return new Qwen3Model(config, options, ms, placement, w);
    }

    public Qwen3Config config() {
        return config;
    }

    public ModelOptions options() {
        return options;
    }

    /** The manager of the first device, which owns the model's weights (use it as the parent of caches and heads). */
    public NDManager manager() {
        return manager;
    }

    /** Which device of {@link ModelOptions#devices} holds each layer. */
    public Placement placement() {
        return placement;
    }

    /**
     * A KV cache for {@code batch} sequences of up to {@code capacity} tokens, in {@link ModelOptions#kvCacheType},
     * each layer's arrays on that layer's device; it belongs to {@code parent}.
     */
    public KvCache newCache(NDManager parent, int batch, int capacity) {
        Device[] at = new Device[layers.length];
        for (int i = 0; i < at.length; i++) {
            at[i] = options.devices().get(placement.deviceOf(i));
        }
        return new KvCache(parent, config, batch, capacity, options.kvCacheType(), ctype, at);
    }

    /** Every weight by its Hugging Face name (the LM head appears only when untied). */
    public Map<String, NDArray> weights() {
        return java.util.Collections.unmodifiableMap(weights);
    }

    /** Every projection of every layer, for adapters: name such as {@code model.layers.0.self_attn.q_proj}. */
    public Map<String, Linear> linears() {
        Map<String, Linear> out = new LinkedHashMap<>();
        for (DecoderLayer l : layers) {
            for (Linear lin : new Linear[] {l.attn.q, l.attn.k, l.attn.v, l.attn.o, l.mlp.gate, l.mlp.up, l.mlp.down}) {
                out.put(lin.name(), lin);
            }
        }
        return out;
    }

    // ---- LoRA adapters and trainable parameters (bookkeeping lives in AdapterSet) ----------------

    /**
     * Adds LoRA adapter {@code name} to every projection {@code cfg} targets: A (r, in) ~ U(±1/√in) drawn from
     * {@code seed}, B (out, r) = 0, both trainable leaves on the model's device in the compute dtype. Forwards use it
     * only when they name it ({@link #with}).
     */
    public void addAdapter(String name, LoraConfig cfg, long seed) {
        adapters.add(name, cfg, seed);
    }

    /**
     * Forwards with adapter {@code name}, without dropout ({@link Forward#dropout(boolean)} turns it on). Every
     * forward names its adapter: the model holds no "active adapter" that could silently decide which weights run.
     */
    public Forward with(String name) {
        adapters.config(name);
        return new Forward(this, name, false);
    }

    /** Forwards with the base weights alone (no adapter), e.g. as the DPO/KL reference or for full-parameter training. */
    public Forward base() {
        return new Forward(this, null, false);
    }

    /** The merged adapter, or null. */
    public String mergedAdapter() {
        return adapters.merged();
    }

    public List<String> adapterNames() {
        return adapters.names();
    }

    public LoraConfig adapterConfig(String name) {
        return adapters.config(name);
    }

    /** The trainable leaves of adapter {@code name}: lora_A then lora_B of each adapted module, in model order. */
    public List<NDArray> adapterParameters(String name) {
        return adapters.parameters(name);
    }

    /** Adapter {@code name}'s weights by module name (e.g. {@code model.layers.0.self_attn.q_proj}), in model order. */
    public Map<String, LoraAdapter> adapterModules(String name) {
        return adapters.modules(name);
    }

    /** Drops adapter {@code name} and frees its arrays; refused while it is merged. */
    public void removeAdapter(String name) {
        adapters.remove(name);
    }

    /**
     * W += scaling·B·A in place (no grad) for every module of {@code name}. While merged, forwards with
     * {@code name} skip its branch (the delta is applied once), and forwards with the base or another adapter are
     * refused (they would see the delta). With {@link ModelOptions.Precision#FP16_WEIGHTS} the merged weights are
     * rounded to fp16.
     */
    public void mergeAdapter(String name) {
        adapters.merge(name);
    }

    /** W -= scaling·B·A: restores the base weights up to rounding. */
    public void unmergeAdapter(String name) {
        adapters.unmerge(name);
    }

    /**
     * Makes every base weight (embeddings, norms, projections, the untied LM head) a trainable leaf, for
     * full-parameter fine-tuning. Only for FP32 and FP64: fp16-stored weights are cast up per use, and that cast
     * detaches, so they could never receive a gradient.
     */
    public void enableFullParameterTraining() {
        if (options.precision() == ModelOptions.Precision.FP16_WEIGHTS) {
            throw new IllegalStateException("full-parameter training needs FP32 (or FP64) weights: FP16_WEIGHTS stores"
                    + " the frozen weights in fp16 and casts them up per use, which detaches them from autograd;"
                    + " load the model with Precision.FP32, or train a LoRA adapter instead");
        }
        weights.values().forEach(w -> {
            if (!w.hasGradient()) {
                w.setRequiresGradient(true);
            }
        });
    }

    /** The base weights that are trainable leaves, in checkpoint order (empty unless full-parameter training). */
    public List<NDArray> trainableBaseParameters() {
        List<NDArray> out = new ArrayList<>();
        weights.values().stream().filter(NDArray::hasGradient).forEach(out::add);
        return out;
    }

    /**
     * Writes a Hugging Face checkpoint folder holding the weights as forwards with {@code adapter} (null: the base)
     * compute them: with that adapter's delta added (out of place, so this model is not changed; an already merged
     * adapter is in the weights), loadable like any other checkpoint. Folder rules as {@link HfCheckpoint#write}.
     *
     * @param extraFiles file name in the folder -> source file, e.g. the tokenizer files of the base model
     */
    public void saveMerged(String adapter, Path dir, SafetensorsWriter.Storage storage, Map<String, Path> extraFiles) throws IOException {
        adapters.check(adapter);
        String name = adapter != null && !adapter.equals(adapters.merged()) ? adapter : null;
        Map<String, LoraAdapter> deltas = name == null ? Map.of() : adapters.modules(name);
        try (NDScope scope = new NDScope()) {           // frees the merged copies
            Map<String, NDArray> out = NoGrad.get(() -> {
                Map<String, NDArray> w = new LinkedHashMap<>();
                weights.forEach((key, value) -> {
                    LoraAdapter a = deltas.get(key.substring(0, key.length() - ".weight".length()));
                    NDArray v = a == null ? value : computeWeight(value).add(a.delta()); // (out, in), fp32/fp64
                    w.put(key, v.getDataType() == DataType.FLOAT64 ? v.toType(DataType.FLOAT32, false) : v);
                });
                return w;
            });
            HfCheckpoint.write(dir, config, out, storage, 5L << 30, extraFiles);
        }
    }

    // ---- forward -----------------------------------------------------------------------------

    /** Final hidden states (post final norm) with the adapter {@code pass} names: see {@link Forward#hidden}. */
    NDArray hidden(NDArray ids, NDArray attentionMask, KvCache cache, Forward pass) {
        Stages st = stages(ids, attentionMask, cache, pass);
        NDArray x = st.embedded();                                          // (B, T, h)
        for (int i = 0; i < layers.length; i++) {
            x = st.layer(i, x);                                             // (B, T, h)
        }
        return st.finish(x);                                                // (B, T, h)
    }

    /**
     * One forward taken apart (for gradient checkpointing, {@link CheckpointedForward}): the embedded input, the
     * rotary tables and mask its layers share, each decoder layer, and the final norm.
     */
    Stages stages(NDArray ids, NDArray attentionMask, KvCache cache, Forward pass) {
        adapters.check(pass.adapter());
        long t = ids.getShape().get(1);
        int past = cache == null ? 0 : cache.length();
        NDArray pos = positions(ids, attentionMask, past);                  // (B, T) fp32
        NDArray freqs = pos.expandDims(-1).mul(invFreq);                   // (B, T, D/2)
        NDArray emb = NDArrays.concat(new NDList(freqs, freqs), -1).expandDims(1); // (B, 1, T, D)
        return new Stages(ids, emb.cos(), emb.sin(), additiveMask(ids, attentionMask, past), cache, (int) t, pass,
                dropoutSeeds(ids.getManager(), pass));
    }

    /**
     * With LoRA dropout on, L + 1 seeds drawn from torch's generator: layer i draws its masks after seeding the
     * generator with seed i, and the last seed reseeds it after the final layer. A layer's masks are then a function of
     * the generator's state when the forward began, so a recomputed layer ({@link CheckpointedForward}) draws the same
     * masks, and what draws after the forward does not depend on how many masks the layers drew. Null without dropout.
     */
    private int[] dropoutSeeds(NDManager m, Forward pass) {
        if (!pass.dropout() || pass.adapter() == null || adapters.config(pass.adapter()).dropout() == 0) {
            return null;
        }
        try (NDArray seeds = m.randomInteger(0, Integer.MAX_VALUE, new Shape(layers.length + 1), DataType.INT32)) {
            return seeds.toIntArray();
        }
    }

    /**
     * Whether a forward with {@code pass} computes anything with a gradient: the base weights are trainable
     * (full-parameter training), or its adapter's are and the adapter is not merged.
     */
    boolean trains(Forward pass) {
        String a = pass.adapter();
        return embeddingTrainable() || a != null && !a.equals(adapters.merged())
                && adapters.parameters(a).stream().anyMatch(NDArray::hasGradient);
    }

    /** Whether the embedding is a trainable leaf (full-parameter training makes every base weight one). */
    boolean embeddingTrainable() {
        return embed.hasGradient();
    }

    /** Whether the stored LM head (the embedding when tied) is a trainable leaf; reads the flag, copies nothing. */
    boolean lmHeadTrainable() {
        return lmHead.hasGradient();
    }

    int numLayers() {
        return layers.length;
    }

    /** The arrays one forward shares between its layers; see {@link #stages}. */
    final class Stages {
        private final NDArray ids;                 // (B, T)
        private final NDArray[] cos, sin, mask;    // per device index: (B, 1, T, D) twice, (B, 1, 1, T, S); 0 made here
        private final KvCache cache;
        private final int t;
        private final Forward pass;
        private final int[] seeds;                 // per-layer dropout seeds and one after the last, or null

        private Stages(NDArray ids, NDArray cos, NDArray sin, NDArray mask, KvCache cache, int t, Forward pass, int[] seeds) {
            this.ids = ids;
            this.cos = new NDArray[onDevice.length];
            this.sin = new NDArray[onDevice.length];
            this.mask = new NDArray[onDevice.length];
            this.cos[0] = cos;
            this.sin[0] = sin;
            this.mask[0] = mask;
            this.cache = cache;
            this.t = t;
            this.pass = pass;
            this.seeds = seeds;
        }

        /**
         * E[ids]: (B, T) -> (B, T, h). torch's embedding op, not an index: on CPU the backward of an index with repeated
         * ids adds rows with atomic float adds from several threads, in an order that changes run to run, while the
         * embedding backward gives each thread its own rows of the gradient and adds them in token order.
         */
        NDArray embedded() {
            return computeWeight(JniUtils.embedding((PtNDArray) ids, (PtNDArray) embed, false));
        }

        /**
         * Decoder layer i on its device, its dropout masks drawn from its own seed: (B, T, h) -> (B, T, h). x comes from
         * layer i - 1 (or the embedding) and is copied over when that ran on another device.
         */
        NDArray layer(int i, NDArray x) {
            int d = placement.deviceOf(i);
            if (d != (i == 0 ? 0 : placement.deviceOf(i - 1))) {
                x = onto(x, d);
            }
            if (cos[d] == null) {                                           // the tables' first use on device d
                Device at = onDevice[d].getDevice();
                cos[d] = cos[0].toDevice(at, false);
                sin[d] = sin[0].toDevice(at, false);
                mask[d] = mask[0].toDevice(at, false);
            }
            reseed(i);
            return layers[i].forward(x, cos[d], sin[d], mask[d], cache, i, pass);
        }

        /** Torch's generator reseeded as the full forward leaves it after its last layer (no-op without dropout). */
        void reseedAfterLayers() {
            reseed(layers.length);
        }

        private void reseed(int k) {
            if (seeds != null) {
                Engine.getInstance().setRandomSeed(seeds[k]);
            }
        }

        /** Final norm, and the cache advanced past this forward's tokens: (B, T, h) -> (B, T, h) */
        NDArray finish(NDArray x) {
            reseedAfterLayers();
            x = placement.deviceOf(layers.length - 1) == 0 ? x : onto(x, 0);  // back to the head's device
            if (cache != null) {
                cache.advance(t);
            }
            return rmsNorm(x, computeWeight(finalNorm), (float) config.rmsNormEps());
        }
    }

    /** The LM head (V, h) in the compute dtype (the embedding when tied; an fp32 copy of fp16-stored weights). */
    NDArray lmHeadWeight() {
        return computeWeight(lmHead);
    }

    /**
     * x copied to device {@code d} with autograd kept: {@code toDevice} detaches (DJL runs it under a NoGradGuard),
     * while a copy into a fresh array there is an ordinary differentiable op (torch's {@code copy_}).
     */
    private NDArray onto(NDArray x, int d) {
        NDArray out = onDevice[d].zeros(x.getShape(), x.getDataType()); // (B, T, h)
        out.set(new NDIndex("..."), x);
        return out;
    }

    /** (B, T, h) -> (B, T, V): the LM head (no adapter touches it). */
    public NDArray logits(NDArray hidden) {
        return JniUtils.linear((PtNDArray) hidden, (PtNDArray) lmHeadWeight(), null);
    }

    /**
     * Position ids as transformers' generate derives them for left padding: cumsum(mask) - 1, with 1 at
     * padded slots; without a mask, P..P+T-1. Returns (B, T) in the compute dtype.
     */
    private NDArray positions(NDArray ids, NDArray attentionMask, int past) {
        long b = ids.getShape().get(0), t = ids.getShape().get(1);
        if (attentionMask == null) {
            return ids.getManager().arange(past, past + (int) t, 1, DataType.FLOAT32).toType(ctype, false).expandDims(0).repeat(0, b);
        }
        NDArray m = attentionMask.toType(DataType.INT64, false);
        NDArray pos = m.cumSum(1).sub(1);                                   // (B, S)
        pos = NDArrays.where(m.eq(0), pos.onesLike(), pos);
        long s = m.getShape().get(1);
        return pos.get(new NDIndex(":, {}:", s - t)).toType(ctype, false);
    }

    /** 0 where query i (at absolute position P+i) may see key j, BLOCKED elsewhere: (B, 1, 1, T, S). */
    private NDArray additiveMask(NDArray ids, NDArray attentionMask, int past) {
        NDManager m = ids.getManager();
        long b = ids.getShape().get(0), t = ids.getShape().get(1), s = past + t;
        if (attentionMask != null && attentionMask.getShape().get(1) != s) {
            throw new IllegalArgumentException("attention mask covers " + attentionMask.getShape().get(1)
                    + " positions but the cache holds " + past + " and the input adds " + t);
        }
        NDArray qi = m.arange(past, (int) s, 1, DataType.INT64).expandDims(1); // (T, 1)
        NDArray kj = m.arange(0, (int) s, 1, DataType.INT64).expandDims(0);    // (1, S)
        NDArray blocked = kj.gt(qi).expandDims(0);                               // (1, T, S)
        if (attentionMask != null) {
            blocked = blocked.logicalOr(attentionMask.eq(0).expandDims(1));    // (B, T, S)
        }
        return blocked.toType(ctype, false).mul(BLOCKED).reshape(blocked.getShape().get(0), 1, 1, t, s);
    }

    @Override
    public void close() {
        manager.close();
    }
}
