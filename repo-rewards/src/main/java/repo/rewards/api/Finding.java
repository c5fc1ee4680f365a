package repo.rewards.api;

/**
 * One thing a rule or a judge found in a reply.
 *
 * @param ruleId stable id such as {@code price-grounding} or a rubric item id
 * @param severity how bad it is
 * @param points signed points it contributes (negative = deduction, positive = bonus)
 * @param message what is wrong, in words a reviewer understands
 * @param evidence the offending span of the reply, or null when the finding is about an absence
 */
public record Finding(String ruleId, Severity severity, double points, String message, Evidence evidence) {

    /** A span of the reply: characters [begin, end) and their text. */
    public record Evidence(int begin, int end, String text) {
    }
}
