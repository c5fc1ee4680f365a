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

    /**
     * A span of the reply: {@code [begin, end)} counted in <b>Unicode code points</b> (an emoji or any character
     * outside the Basic Multilingual Plane counts 1, so offsets stay right after surrogate pairs and agree with
     * Python's {@code str} indexing), and its text, cut to {@link #MAX_TEXT_CODE_POINTS} code points. The full length
     * of the span is always {@code end - begin}, also when the text is cut.
     *
     * @param begin first code point of the span
     * @param end one past the last code point
     * @param text the span's text, at most {@link #MAX_TEXT_CODE_POINTS} code points
     */
    public record Evidence(int begin, int end, String text) {
        /** Evidence text is cut to this many code points; {@code end - begin} keeps the full length. */
        public static final int MAX_TEXT_CODE_POINTS = 200;

        /** The span's full length in code points. */
        public int length() {
            return end - begin;
        }

        /** True when {@link #text()} holds less than the whole span. */
        public boolean truncated() {
            return text.codePointCount(0, text.length()) < end - begin;
        }

        /**
         * Evidence for the UTF-16 range {@code [from, to)} of {@code reply} (what {@code String.indexOf} and
         * {@code Matcher.start} give), converted to code points, its text bounded.
         */
        public static Evidence ofUtf16(String reply, int from, int to) {
            if (from < 0 || to > reply.length() || from > to) {
                throw new IllegalArgumentException("evidence range [" + from + ", " + to + ") is outside the reply of "
                        + reply.length() + " UTF-16 units");
            }
            int b = reply.codePointCount(0, from);
            int n = reply.codePointCount(from, to);
            return new Evidence(b, b + n, bounded(reply.substring(from, to)));
        }

        /** {@code s} cut to {@link #MAX_TEXT_CODE_POINTS} code points (never inside a surrogate pair). */
        public static String bounded(String s) {
            if (s.length() <= MAX_TEXT_CODE_POINTS || s.codePointCount(0, s.length()) <= MAX_TEXT_CODE_POINTS) {
                return s;
            }
            return s.substring(0, s.offsetByCodePoints(0, MAX_TEXT_CODE_POINTS));
        }
    }
}
