package repo.rewards.combine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import repo.rewards.api.SourceResult;

/**
 * GDPO-style: each named source is normalised on its own, {@code z = (v - mean) / std}, then the z-scores are
 * summed with weights, so that a source with a large scale (rule points in the hundreds) cannot swamp one
 * with a small scale (an RM score near 1), and distinct reward combinations keep distinct advantages.
 *
 * <ul>
 *   <li>{@link Mode#BATCH} ({@link #combineBatch}): mean and std over the batch's valid values of each
 *       source. A source with zero spread in the batch contributes 0.</li>
 *   <li>{@link Mode#RUNNING} (and every single-sample {@link #combine} call): each source has a
 *       {@link RunningWhitening} updated with the sample's value, then used to normalise it.</li>
 * </ul>
 * Failed sources are excluded from the statistics and count 0 under {@link OnSourceFailure#USE_REMAINING}.
 * {@code e_enh} is the weighted sum of the normalised non-model sources; {@code r_model}, {@code e_judge},
 * {@code e_func} are raw values.
 */
public final class NormalizeThenSum implements RewardCombiner {
    /** Where the statistics come from. */
    public enum Mode { BATCH, RUNNING }

    private static final double EPS = 1e-8;
    private final Map<String, Double> weights;
    private final Roles roles;
    private final List<String> names;
    private final OnSourceFailure policy;
    private final Mode mode;
    private final Map<String, RunningWhitening> running = new LinkedHashMap<>();

    public NormalizeThenSum(Map<String, Double> weights, Roles roles, List<String> names, OnSourceFailure policy, Mode mode) {
        WeightedSum.checkWeights(weights, names);
        this.weights = Map.copyOf(weights);
        this.roles = roles;
        this.names = List.copyOf(names);
        this.policy = policy;
        this.mode = mode;
        names.forEach(n -> running.put(n, new RunningWhitening()));
    }

    @Override
    public Combined combine(Sources s) {
        List<String> failed = s.failed();
        if (!failed.isEmpty() && policy == OnSourceFailure.DROP_SAMPLE) {
            return Combined.dropped(failed, "source failed: " + String.join(", ", failed));
        }
        Map<String, Double> z = new LinkedHashMap<>();
        for (String name : names) {
            SourceResult r = s.get(name);
            z.put(name, r == null || r.failed() ? 0 : running.get(name).updateAndWhiten(r.value()));
        }
        return result(s, z, failed);
    }

    @Override
    public List<Combined> combineBatch(List<Sources> batch) {
        if (mode == Mode.RUNNING) {
            return RewardCombiner.super.combineBatch(batch);
        }
        Map<String, RunningWhitening> stats = new LinkedHashMap<>();
        for (String name : names) {
            RunningWhitening w = new RunningWhitening();
            for (Sources b : batch) {
                SourceResult r = b.get(name);
                if (r != null && !r.failed()) {
                    w.update(r.value());
                }
            }
            stats.put(name, w);
        }
        List<Combined> out = new ArrayList<>();
        for (Sources b : batch) {
            List<String> failed = b.failed();
            if (!failed.isEmpty() && policy == OnSourceFailure.DROP_SAMPLE) {
                out.add(Combined.dropped(failed, "source failed: " + String.join(", ", failed)));
                continue;
            }
            Map<String, Double> z = new LinkedHashMap<>();
            for (String name : names) {
                SourceResult r = b.get(name);
                RunningWhitening w = stats.get(name);
                z.put(name, r == null || r.failed() || w.std() < EPS ? 0 : (r.value() - w.mean()) / w.std());
            }
            out.add(result(b, z, failed));
        }
        return out;
    }

    private Combined result(Sources s, Map<String, Double> z, List<String> failed) {
        double total = 0, aux = 0;
        for (String name : names) {
            double part = weights.getOrDefault(name, 1.0) * z.get(name);
            total += part;
            aux += name.equals(roles.model()) ? 0 : part;
        }
        boolean hasAux = !roles.enhancers().isEmpty();
        return new Combined(total, hasAux ? aux : null, roles.model() == null ? null : s.points(roles.model()),
                s.points(roles.judges()), s.points(roles.functions()), false, failed, "normalised " + mode.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public JsonNode state() {
        if (mode != Mode.RUNNING) {
            return null;
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        running.forEach((name, w) -> o.set(name, w.state()));
        return o;
    }

    @Override
    public void restore(JsonNode state) {
        if (mode == Mode.RUNNING) {
            running.forEach((name, w) -> w.restore(state == null ? null : state.get(name)));
        }
    }
}
