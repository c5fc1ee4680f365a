package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.Severity;

/**
 * {@code cot-leak}: chain-of-thought or model self-talk in the reply: {@code <think>}, {@code </think>},
 * "Let me think", 思考过程, "as an AI", 作为AI... Parameter: {@code patterns} (regular expressions,
 * case-insensitive; replaces the defaults).
 */
public final class CotLeak extends Rule {
    public static final String ID = "cot-leak";
    public static final List<String> DEFAULT_PATTERNS = List.of(
            "</?think(ing)?>", "\\blet me think\\b", "\\blet's think step by step\\b", "\\bthinking process\\b",
            "\\bmy reasoning\\b", "\\bas an ai\\b", "\\bas a language model\\b", "\\bas an? (large )?language model\\b",
            "思考过程", "推理过程", "让我(想想|思考|分析一下)", "我的思路(是|如下)", "作为(一个)?(ai|AI|人工智能|语言模型|大模型)",
            "【\\s*(思考|分析|推理|内心|想法|心理|独白)[^】]{0,10}】",
            "[（(\\[【]\\s*(内心|思考|分析|推理|想法|心理活动|内心独白|策略|internal note|note to self|reasoning|thinking|analysis|thoughts?|strategy)\\s*[:：]",
            "\\b(think|reason|work)(ing)? (this |it )?(through )?step by step\\b");

    private final List<Pattern> patterns;

    public CotLeak(double points, Severity severity, List<Pattern> patterns) {
        super(ID, points, severity);
        this.patterns = List.copyOf(patterns);
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        List<int[]> spans = new ArrayList<>();
        for (Pattern p : patterns) {
            Matcher m = p.matcher(r);
            while (m.find()) {
                if (m.end() > m.start()) {
                    spans.add(new int[] {m.start(), m.end()});
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        for (int[] s : Texts.nonOverlapping(spans)) {
            out.add(finding("model reasoning or self-talk leaked into the reply: \"" + r.substring(s[0], s[1]) + "\"", r, s[0], s[1]));
        }
        return out;
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
            Rule r = new CotLeak(s.points(-50), s.severity(Severity.HIGH),
                    Texts.compile("patterns", s.getStrings("patterns", DEFAULT_PATTERNS)));
            s.done();
            return r;
        }
    }
}
