package repo.rewards.combine;

import java.util.ArrayList;
import java.util.List;
import repo.rewards.api.RewardSource;

/**
 * Which named sources play which part in a combined reward: the reward model whose score is R_model, and the
 * judge and function sources whose points make the enhancement E (their sums are reported as {@code e_judge} and
 * {@code e_func}).
 *
 * @param model the R_model source, or null for none
 * @param judges the JUDGE-kind sources that feed E
 * @param functions the other sources that feed E
 */
public record Roles(String model, List<String> judges, List<String> functions) {
    public Roles {
        judges = List.copyOf(judges);
        functions = List.copyOf(functions);
    }

    /** Every source that feeds E. */
    public List<String> enhancers() {
        List<String> all = new ArrayList<>(judges);
        all.addAll(functions);
        return all;
    }

    /**
     * The roles of {@code sources}: {@code model} names R_model (null: the one MODEL-kind source, if any) and
     * {@code enhance} the sources that feed E (null: every JUDGE and FUNCTION source). Every source must take part.
     *
     * @param where the config file, for messages
     */
    public static Roles of(List<RewardSource> sources, String model, List<String> enhance, String where) {
        List<String> names = sources.stream().map(RewardSource::name).toList();
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException(where + ": two reward sources share a name: " + names);
        }
        List<String> models = sources.stream().filter(s -> s.kind() == RewardSource.Kind.MODEL).map(RewardSource::name).toList();
        if (model == null && models.size() > 1) {
            throw new IllegalArgumentException(where + ": combiner.model: several reward models " + models
                    + "; name the one whose score is R_model");
        }
        String m = model != null ? model : models.isEmpty() ? null : models.get(0);
        if (m != null && !names.contains(m)) {
            throw new IllegalArgumentException(where + ": combiner.model: no source named '" + m + "'; sources: " + names);
        }
        List<String> e = enhance != null ? enhance
                : sources.stream().filter(s -> s.kind() != RewardSource.Kind.MODEL).map(RewardSource::name).toList();
        List<String> judges = new ArrayList<>(), functions = new ArrayList<>();
        for (String name : e) {
            RewardSource s = sources.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException(where + ": combiner.enhance: no source named '" + name + "'; sources: " + names));
            if (name.equals(m)) {
                throw new IllegalArgumentException(where + ": combiner.enhance: '" + name + "' is R_model; it cannot also feed E");
            }
            (s.kind() == RewardSource.Kind.JUDGE ? judges : functions).add(name);
        }
        for (String name : names) {
            if (!name.equals(m) && !e.contains(name)) {
                throw new IllegalArgumentException(where + ": reward source '" + name + "' takes no part: it is neither"
                        + " combiner.model nor in combiner.enhance");
            }
        }
        return new Roles(m, judges, functions);
    }
}
