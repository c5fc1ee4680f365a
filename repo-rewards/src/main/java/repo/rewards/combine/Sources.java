package repo.rewards.combine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import repo.rewards.api.SourceResult;

/**
 * What every source of a pipeline said about one sample, by source name, in pipeline order.
 *
 * @param byName source name -> its result
 */
public record Sources(Map<String, SourceResult> byName) {
    public Sources {
        byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /** The named source's result, or null when the pipeline has no such source. */
    public SourceResult get(String name) {
        return byName.get(name);
    }

    /** Names of the sources that failed, in pipeline order. */
    public List<String> failed() {
        return byName.entrySet().stream().filter(e -> e.getValue().failed()).map(Map.Entry::getKey).toList();
    }

    /** The named source's points as a combiner uses them: null when absent, 0 when it failed, else its value. */
    public Double points(String name) {
        SourceResult s = byName.get(name);
        return s == null ? null : s.failed() ? 0.0 : s.value();
    }

    /** The summed {@link #points} of several sources: null when none of them is present. */
    public Double points(List<String> names) {
        Double sum = null;
        for (String n : names) {
            Double p = points(n);
            if (p != null) {
                sum = (sum == null ? 0 : sum) + p;
            }
        }
        return sum;
    }
}
