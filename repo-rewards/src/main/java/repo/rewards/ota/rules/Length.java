package repo.rewards.ota.rules;

import java.util.List;
import java.util.Map;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.Severity;

/**
 * {@code length}: the trimmed reply is shorter than {@code min_chars} or longer than {@code max_chars}
 * (Unicode code points; a Chinese character counts as one). The evidence of an overlong reply is the part
 * beyond the limit.
 */
public final class Length extends Rule {
    public static final String ID = "length";
    private final int minChars;
    private final int maxChars;

    public Length(double points, Severity severity, int minChars, int maxChars) {
        super(ID, points, severity);
        if (minChars < 0 || maxChars < minChars) {
            throw new IllegalArgumentException("need 0 <= min_chars <= max_chars, got " + minChars + " and " + maxChars);
        }
        this.minChars = minChars;
        this.maxChars = maxChars;
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        int lead = 0;
        while (lead < r.length() && Character.isWhitespace(r.charAt(lead))) {
            lead++;
        }
        String t = r.strip();
        int n = t.codePointCount(0, t.length());
        if (n > maxChars) {
            int cut = lead + t.offsetByCodePoints(0, maxChars);
            return List.of(finding("reply is " + n + " characters; at most " + maxChars + " allowed", r, cut, lead + t.length()));
        }
        if (n < minChars) {
            return List.of(finding("reply is " + n + " characters; at least " + minChars + " required", r, lead, lead + t.length()));
        }
        return List.of();
    }

    /** ServiceLoader provider. */
    public static final class Provider implements RewardFunctionProvider {
        @Override
        public String ruleId() {
            return ID;
        }

        @Override
        public RewardFunction create(Map<String, Object> settings) {
            RuleSettings s = new RuleSettings(ID, settings);
            Rule r = new Length(s.points(-10), s.severity(Severity.LOW), s.getInt("min_chars", 4), s.getInt("max_chars", 400));
            s.done();
            return r;
        }
    }
}
