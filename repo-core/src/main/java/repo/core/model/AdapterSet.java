package repo.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LoRA bookkeeping of one {@link Qwen3Model}: named adapters and which one is merged into the base weights.
 * Every {@link Qwen3Model.Linear} asks it which update to add for the adapter its {@link Forward} names; there is
 * no active adapter.
 *
 * <p>Invariants: at most one adapter is merged; while it is, forwards with it skip its Linear branches (the delta
 * is already in W), so nothing is applied twice, and forwards with the base or another adapter, or removing it,
 * are refused until it is unmerged.
 */
final class AdapterSet {
    private final NDManager parent;
    private final DataType ctype;
    private final Map<String, Qwen3Model.Linear> linears;
    private final Map<String, LoraConfig> configs = new LinkedHashMap<>();
    private final Map<String, NDManager> managers = new LinkedHashMap<>();
    private String merged;

    AdapterSet(NDManager parent, DataType ctype, Map<String, Qwen3Model.Linear> linears) {
        this.parent = parent;
        this.ctype = ctype;
        this.linears = linears;
    }

    /** The update {@code linear} adds for a forward with {@code adapter}, or null (base, not targeted, or merged). */
    LoraAdapter applied(Qwen3Model.Linear linear, String adapter) {
        if (adapter == null || adapter.equals(merged)) {
            return null;
        }
        return linear.lora().get(adapter);
    }

    /** Refuses a forward with {@code adapter} (null: the base) that would see another adapter's merged delta. */
    void check(String adapter) {
        if (adapter != null) {
            config(adapter);
        }
        if (merged != null && !merged.equals(adapter)) {
            throw new IllegalStateException("adapter '" + merged + "' is merged into the base weights; unmerge it before"
                    + " running " + (adapter == null ? "the base model" : "adapter '" + adapter + "'"));
        }
    }

    /**
     * Creates adapter {@code name} on every matching projection: A ~ U(±1/√in) (kaiming_uniform with a=√5, as PEFT),
     * B = 0, so the adapted model starts equal to the base. A is drawn from a SplittableRandom seeded by
     * {@code seed} and the module name (see {@link Params}), so it neither depends on nor disturbs torch's generator.
     */
    void add(String name, LoraConfig cfg, long seed) {
        if (name == null || name.isBlank() || name.contains(".")) {
            throw new IllegalArgumentException("adapter name must be non-blank and contain no '.', got '" + name + "'");
        }
        if (configs.containsKey(name)) {
            throw new IllegalArgumentException("adapter '" + name + "' already exists; remove it first");
        }
        Set<String> unmatched = cfg.unmatchedTargets(linears.keySet());
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException("target module(s) " + unmatched + " match no projection of this model;"
                    + " valid targets are " + LoraConfig.ALL_LINEAR + ", optionally with a dotted prefix of a module"
                    + " name such as model.layers.0.self_attn.q_proj");
        }
        NDManager m = parent.newSubManager();
        Map<Device, NDManager> onDevice = new HashMap<>(); // each module's A and B sit on its weight's device
        for (Qwen3Model.Linear lin : linears.values()) {
            if (!cfg.matches(lin.name())) {
                continue;
            }
            NDManager dm = onDevice.computeIfAbsent(lin.weight().getDevice(), d -> d.equals(m.getDevice()) ? m : m.newSubManager(d));
            long out = lin.weight().getShape().get(0), in = lin.weight().getShape().get(1);
            NDArray a = Params.uniform(dm, new Shape(cfg.r(), in), ctype, 1.0 / Math.sqrt(in), Params.mix(seed, lin.name()));
            NDArray b = Params.zeros(dm, new Shape(out, cfg.r()), ctype);
            lin.lora().put(name, new LoraAdapter(name, lin.name(), a, b, cfg.scaling(), cfg.dropout()));
        }
        configs.put(name, cfg);
        managers.put(name, m);
    }

    String merged() {
        return merged;
    }

    List<String> names() {
        return List.copyOf(configs.keySet());
    }

    LoraConfig config(String name) {
        LoraConfig c = configs.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no adapter named '" + name + "'; adapters: " + configs.keySet());
        }
        return c;
    }

    /** module name -> that module's weights, in model order. */
    Map<String, LoraAdapter> modules(String name) {
        config(name);
        Map<String, LoraAdapter> out = new LinkedHashMap<>();
        for (Qwen3Model.Linear lin : linears.values()) {
            LoraAdapter a = lin.lora().get(name);
            if (a != null) {
                out.put(lin.name(), a);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** A then B of every adapted module, in model order. */
    List<NDArray> parameters(String name) {
        List<NDArray> out = new ArrayList<>();
        modules(name).values().forEach(a -> {
            out.add(a.a());
            out.add(a.b());
        });
        return Collections.unmodifiableList(out);
    }

    void remove(String name) {
        config(name);
        if (name.equals(merged)) {
            throw new IllegalStateException("adapter '" + name + "' is merged into the base weights; unmerge it first");
        }
        linears.values().forEach(l -> l.lora().remove(name));
        configs.remove(name);
        managers.remove(name).close();
    }

    /** W += scaling·B·A for every adapted module, without grad. */
    void merge(String name) {
        config(name);
        if (merged != null) {
            throw new IllegalStateException("adapter '" + merged + "' is already merged; unmerge it first");
        }
        addDeltas(name, 1);
        merged = name;
    }

    /** W -= scaling·B·A: the inverse of {@link #merge} up to rounding. */
    void unmerge(String name) {
        if (!name.equals(merged)) {
            throw new IllegalStateException("adapter '" + name + "' is not merged" + (merged == null ? ""
                    : "; '" + merged + "' is"));
        }
        addDeltas(name, -1);
        merged = null;
    }

    private void addDeltas(String name, int sign) {
        NoGrad.run(() -> modules(name).forEach((module, a) -> {
            NDArray w = linears.get(module).weight();
            try (NDScope scope = new NDScope()) {                // closes the delta and its intermediates
                NDArray d = a.delta().toType(w.getDataType(), false); // (out, in), rounded to fp16 for FP16_WEIGHTS
                if (sign > 0) {
                    w.addi(d);
                } else {
                    w.subi(d);
                }
            }
        }));
    }

    void close() {
        List.copyOf(managers.values()).forEach(NDManager::close);
    }
}
