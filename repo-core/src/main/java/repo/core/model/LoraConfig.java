package repo.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A LoRA adapter's hyper-parameters, as PEFT's {@code LoraConfig} names them.
 *
 * <p>Targets follow PEFT's list rule: a module matches a target when its name equals the target or ends with
 * {@code "." + target}. A target's last dotted component must be one of {@link #ALL_LINEAR}, so
 * {@code "q_proj"}, {@code "self_attn.q_proj"} and {@code "layers.3.mlp.down_proj"} are all valid.
 *
 * @param r rank, at least 1
 * @param alpha {@code lora_alpha}; the update is scaled by {@link #scaling()}
 * @param dropout dropout probability on the LoRA branch input, in [0, 1); applied only in training mode
 * @param targetModules module names (see above); null means {@link #ALL_LINEAR}. Stored sorted and de-duplicated,
 *     as {@code adapter_config.json} lists them
 * @param useRslora rank-stabilised scaling alpha/sqrt(r) instead of alpha/r
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, boolean useRslora) {

    /** Every projection of a Qwen3 decoder layer (PEFT's "all-linear" for Qwen3, which leaves out lm_head). */
    public static final List<String> ALL_LINEAR =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraConfig {
        if (r < 1) {
            throw new IllegalArgumentException("LoRA rank r must be at least 1, got " + r);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("lora_alpha must be a positive finite number, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        }
        List<String> targets = targetModules == null ? ALL_LINEAR : targetModules;
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("target_modules is empty; name at least one of " + ALL_LINEAR);
        }
        List<String> unknown = new ArrayList<>();
        for (String t : targets) {
            if (t == null || t.isBlank() || !ALL_LINEAR.contains(t.substring(t.lastIndexOf('.') + 1))
                    || t.startsWith(".") || t.contains("..")) {
                unknown.add(String.valueOf(t));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown target module(s) " + unknown + "; valid Qwen3 targets are "
                    + ALL_LINEAR + " (optionally prefixed by a dotted path such as self_attn.q_proj)");
        }
        targetModules = List.copyOf(new TreeSet<>(targets));
    }

    /** r and alpha, no dropout, every projection, plain scaling. */
    public static LoraConfig of(int r, double alpha) {
        return new LoraConfig(r, alpha, 0.0, null, false);
    }

    public LoraConfig withTargets(List<String> targets) {
        return new LoraConfig(r, alpha, dropout, targets, useRslora);
    }

    public LoraConfig withDropout(double p) {
        return new LoraConfig(r, alpha, p, targetModules, useRslora);
    }

    public LoraConfig withRslora(boolean rslora) {
        return new LoraConfig(r, alpha, dropout, targetModules, rslora);
    }

    /** The factor on B·A: alpha / r, or alpha / sqrt(r) with rsLoRA. */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** PEFT's rule: {@code module} equals a target or ends with "." + target. */
    public boolean matches(String module) {
        for (String t : targetModules) {
            if (module.equals(t) || module.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    /** Targets that match none of {@code modules} (to catch typos such as a layer index past the last layer). */
    public Set<String> unmatchedTargets(Iterable<String> modules) {
        Set<String> out = new TreeSet<>(targetModules);
        for (String m : modules) {
            out.removeIf(t -> m.equals(t) || m.endsWith("." + t));
        }
        return out;
    }
}
