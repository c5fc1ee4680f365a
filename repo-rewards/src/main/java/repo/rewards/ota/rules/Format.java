package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code format}: a chat message to a hotel manager is plain text. Fires on markdown headings, bullets,
 * bold, tables and code fences, on role tags at a line start ("Agent:", "assistant:", "酒店：") and on
 * chat-template tokens ({@code <|im_start|>}). One finding per match; the evidence of a heading, bullet or
 * table is its whole line. Parameter: {@code extra_patterns}
 * (more regular expressions, reported as "custom format pattern").
 */
public final class Format extends Rule {
    public static final String ID = "format";
    static final Map<String, Pattern> BUILT_IN = new LinkedHashMap<>();

    static {
        int f = Pattern.MULTILINE | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        BUILT_IN.put("chat-template token", Pattern.compile("<\\|(im_start|im_end|endoftext|assistant|user|system)\\|>", f));
        BUILT_IN.put("role tag", Pattern.compile("^[ \\t]*(agent|assistant|user|system|hotel|bd|ai|助手|客服|酒店方?|经理|BD经理)[ \\t]*[:：]", f));
        BUILT_IN.put("code fence", Pattern.compile("```", f));
        BUILT_IN.put("markdown heading", Pattern.compile("^[ \\t]{0,3}#{1,6}[ \\t]+\\S.*$", f));
        BUILT_IN.put("markdown table", Pattern.compile("^[ \\t]*\\|.*\\|[ \\t]*$", f));
        BUILT_IN.put("markdown bullet", Pattern.compile("^[ \\t]*[-*+][ \\t]+\\S.*$", f));
        BUILT_IN.put("markdown bold", Pattern.compile("\\*\\*[^*\\n]+\\*\\*|__[^_\\n]+__", f));
    }

    private final Map<String, Pattern> patterns;

    public Format(double points, Severity severity, List<Pattern> extra) {
        super(ID, points, severity);
        patterns = new LinkedHashMap<>(BUILT_IN);
        for (int i = 0; i < extra.size(); i++) {
            patterns.put("custom format pattern " + (i + 1), extra.get(i));
        }
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        List<Finding> out = new ArrayList<>();
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (Map.Entry<String, Pattern> e : patterns.entrySet()) {
            Matcher m = e.getValue().matcher(r);
            while (m.find()) {
                int b = m.start(), en = m.end();
                while (b < en && Character.isWhitespace(r.charAt(b))) {
                    b++;
                }
                int fb = b;
                if (!taken.add(fb)) {
                    continue; // one finding per position: a role tag is not also a heading
                }
                out.add(finding(e.getKey() + " in a chat reply", r, b, en));
            }
        }
        out.sort((a, b) -> Integer.compare(a.evidence().begin(), b.evidence().begin()));
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
            Rule r = new Format(s.points(-15), s.severity(Severity.LOW),
                    Texts.compile("extra_patterns", s.getStrings("extra_patterns", List.of())));
            s.done();
            return r;
        }
    }
}
