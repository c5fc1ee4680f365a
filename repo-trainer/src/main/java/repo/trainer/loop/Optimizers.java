package repo.trainer.loop;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import repo.trainer.common.AdamW;
import repo.trainer.common.GradClip;
import repo.trainer.common.NonFiniteGuard;
import repo.trainer.config.TrainConfig;

/**
 * One AdamW per parameter group, clipped by each group's global gradient norm. Checkpoint files:
 * {@code optimizer.safetensors} for {@link #MAIN} alone, {@code optimizer-<group>.safetensors} when there are
 * several groups (RL: {@code policy}, {@code critic}).
 */
public final class Optimizers implements AutoCloseable {
    /** The group name of a method with one group. */
    public static final String MAIN = "main";

    private final Map<String, List<NDArray>> groups;
    private final Map<String, AdamW> adams = new LinkedHashMap<>();
    private final double maxGradNorm;
    private final NonFiniteGuard nonFinite;

    public Optimizers(Map<String, List<NDArray>> groups, TrainConfig.OptimSection o, NonFiniteGuard nonFinite) {
        this.groups = new LinkedHashMap<>(groups);
        this.maxGradNorm = o.maxGradNorm();
        this.nonFinite = nonFinite;
        AdamW.Config c = new AdamW.Config(o.beta1(), o.beta2(), o.eps(), o.weightDecay());
        try {
            groups.forEach((name, params) -> adams.put(name, new AdamW(params, c)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Clips group {@code name} by its global norm and applies AdamW at {@code lr}; a non-finite norm skips the
     * update, is printed with the first non-finite tensor and counted by the {@link NonFiniteGuard}. Returns the norm
     * before clipping.
     */
    public double step(String name, double lr) {
        AdamW adam = adam(name);
        double norm = GradClip.clipGlobalNorm(groups.get(name), maxGradNorm);
        if (Double.isFinite(norm)) {
            adam.step(lr);
        } else {
            nonFinite.skipped(name, groups.get(name), norm);
            adam.zeroGrad();
        }
        return norm;
    }

    /** Drops group {@code name}'s accumulated gradients without an update (e.g. a minibatch stopped early). */
    public void zeroGrad(String name) {
        adam(name).zeroGrad();
    }

    public void save(Path checkpointDir) throws IOException {
        for (Map.Entry<String, AdamW> e : adams.entrySet()) {
            e.getValue().save(checkpointDir.resolve(file(e.getKey())));
        }
    }

    public void load(Path checkpointDir) {
        adams.forEach((name, adam) -> adam.load(checkpointDir.resolve(file(name))));
    }

    private String file(String group) {
        return adams.size() == 1 && group.equals(MAIN) ? "optimizer.safetensors" : "optimizer-" + group + ".safetensors";
    }

    private AdamW adam(String name) {
        AdamW a = adams.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no optimiser group '" + name + "'; groups: " + adams.keySet());
        }
        return a;
    }

    @Override
    public void close() {
        adams.values().forEach(AdamW::close);
    }
}
