package repo.rewards.api;

import java.util.List;

/**
 * What one reward source said about one item; logged per sample in reward traces.
 *
 * @param source the source name ("rm", "judge", "rules", or a custom name)
 * @param value the scalar: the RM score, or the judge's / rules' summed points; NaN when {@code error} is set
 * @param findings per-rule or per-rubric-item findings (empty for the RM)
 * @param latencyMillis wall time spent
 * @param error why the source failed, or null; a failed source never silently becomes a score
 */
public record SourceResult(String source, double value, List<Finding> findings, long latencyMillis, String error) {
    public SourceResult {
        findings = findings == null ? List.of() : List.copyOf(findings);
        if (error != null && !Double.isNaN(value)) {
            throw new IllegalArgumentException("a failed source result must carry NaN, not " + value);
        }
    }

    public boolean failed() {
        return error != null;
    }

    public static SourceResult ok(String source, double value, List<Finding> findings, long latencyMillis) {
        return new SourceResult(source, value, findings, latencyMillis, null);
    }

    public static SourceResult failure(String source, String error, long latencyMillis) {
        return new SourceResult(source, Double.NaN, List.of(), latencyMillis, error);
    }
}
