package repo.rewards.judge;

import java.util.regex.Pattern;
import repo.rewards.api.Severity;

/**
 * One rubric item: a behaviour the judge looks for in a reply.
 *
 * @param id stable kebab-case id (e.g. {@code press-after-acceptance}); traces, caches and the offline judge use it
 * @param description what the behaviour is, in words the judge model reads
 * @param points what a hit contributes: negative = deduction, positive = bonus; never 0
 * @param severity how bad a hit is (bonuses are conventionally LOW)
 */
public record RubricItem(String id, String description, double points, Severity severity) {
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
    }

    /** True for a bonus (positive points). */
    public boolean bonus() {
        return points > 0;
    }
}
