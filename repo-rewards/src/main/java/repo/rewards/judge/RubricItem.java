package repo.rewards.judge;

import java.util.List;
import java.util.regex.Pattern;
import repo.rewards.api.Severity;

/**
 * One rubric item: a behaviour the judge looks for in a reply.
 *
 * @param id stable kebab-case id (e.g. {@code press-after-acceptance}); traces, caches and the offline judge use it
 * @param description what the behaviour is, in words the judge model reads
 * @param points what a hit contributes: negative = deduction, positive = bonus; never 0
 * @param severity how bad a hit is (bonuses are conventionally LOW)
 * @param coveredByRules ids of deterministic rules that already check this behaviour (YAML {@code covered_by_rule});
 *     when any of them is on beside the judge, the item is left out of the judge's rubric
 *     ({@link Rubric#withoutItemsCoveredBy}), so one breach costs points once. Empty for judge-only items.
 */
public record RubricItem(String id, String description, double points, Severity severity, List<String> coveredByRules) {
    /** Lower-case words joined by single hyphens. */
    public static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    public RubricItem {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("rubric item id '" + id + "' is not kebab-case (e.g. press-after-acceptance)");
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("rubric item " + id + " needs a description");
        }
        if (!Double.isFinite(points) || points == 0 || Math.abs(points) > 100) {
            throw new IllegalArgumentException("rubric item " + id + ": points must be non-zero and within [-100, 100] "
                    + "(negative = deduction, positive = bonus), got " + points);
        }
        if (severity == null) {
            throw new IllegalArgumentException("rubric item " + id + " needs a severity: low, medium or high");
        }
        coveredByRules = coveredByRules == null ? List.of() : List.copyOf(coveredByRules);
        for (String r : coveredByRules) {
            if (!ID.matcher(r).matches()) {
                throw new IllegalArgumentException("rubric item " + id + ": covered_by_rule '" + r + "' is not a kebab-case rule id");
            }
        }
    }

    /** A judge-only item (no rule covers it). */
    public RubricItem(String id, String description, double points, Severity severity) {
        this(id, description, points, severity, List.of());
    }

    /** True when one of {@code activeRuleIds} already checks this behaviour. */
    public boolean coveredBy(java.util.Collection<String> activeRuleIds) {
        return coveredByRules.stream().anyMatch(activeRuleIds::contains);
    }

    /** True for a bonus (positive points). */
    public boolean bonus() {
        return points > 0;
    }
}
