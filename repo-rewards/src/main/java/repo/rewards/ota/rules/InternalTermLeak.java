package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.Severity;

/**
 * {@code internal-term-leak}: the reply says an OTA-internal word to the hotel: 工单 / work order,
 * 目标价 / target price, 底价 / floor price, or an internal system name. One finding per occurrence.
 * Parameters: {@code terms} (replaces the default term list), {@code systems} (internal system names).
 */
public final class InternalTermLeak extends Rule {
    public static final String ID = "internal-term-leak";
    public static final List<String> DEFAULT_TERMS = List.of("工单", "追价单", "任务单", "目标价", "底价", "底线价", "考核价", "内部价",
            "最低可接受价", "最低可接受", "内部目标", "考核目标",
            "work order", "work-order", "price-chase ticket", "target price", "target rate", "floor price", "floor rate");
    public static final List<String> DEFAULT_SYSTEMS = List.of("追价系统", "比价系统", "BD后台", "price-chase system", "pricing engine");

    /** Paraphrases of the internal target or floor ("the lowest we can accept internally", "my manager set a floor"). */
    public static final List<String> DEFAULT_PATTERNS = List.of(
            "\\binternal(ly)?\\b[^.?!]{0,40}\\b(target|floor|lowest|minimum|limit)\\b",
            "\\b(lowest|minimum|limit)\\b[^.?!]{0,40}\\binternal(ly)?\\b",
            "\\bbottom[- ]line\\b[^.?!]{0,30}\\b(allowed|accept|authori[sz]ed|is|price|rate)\\b",
            "\\b(allowed|authori[sz]ed|permitted) to (accept|go|approve)\\b",
            "\\b(set|gave|given|give)( me| us)? a (floor|minimum|target)\\b", "\\b(our|my) (floor|minimum)\\b",
            "(公司|领导|上面|内部|系统)[^。！？，,]{0,8}(定|给|要求|设)[^。！？，,]{0,6}(最低|底线|目标)",
            "(我们|我这边|我)[^。！？，,]{0,4}(能批|可批|批得了)的最低");
    private final List<String> terms;
    private final List<java.util.regex.Pattern> patterns;

    public InternalTermLeak(double points, Severity severity, List<String> terms) {
        this(points, severity, terms, Texts.compile("patterns", DEFAULT_PATTERNS));
    }

    public InternalTermLeak(double points, Severity severity, List<String> terms, List<java.util.regex.Pattern> patterns) {
        super(ID, points, severity);
        this.terms = List.copyOf(terms);
        this.patterns = List.copyOf(patterns);
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        List<Finding> out = new ArrayList<>();
        List<int[]> spans = new ArrayList<>(Texts.findLiterals(r, terms));
        for (java.util.regex.Pattern p : patterns) {
            java.util.regex.Matcher m = p.matcher(r);
            while (m.find()) {
                spans.add(new int[] {m.start(), m.end()});
            }
        }
        for (int[] m : Texts.nonOverlapping(spans)) {
            out.add(finding("internal term \"" + r.substring(m[0], m[1]) + "\" said to the hotel", r, m[0], m[1]));
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
            List<String> all = new ArrayList<>(s.getStrings("terms", DEFAULT_TERMS));
            all.addAll(s.getStrings("systems", DEFAULT_SYSTEMS));
            List<java.util.regex.Pattern> patterns = Texts.compile("patterns", s.getStrings("patterns", DEFAULT_PATTERNS));
            Rule r = new InternalTermLeak(s.points(-50), s.severity(Severity.HIGH), all, patterns);
            s.done();
            return r;
        }
    }
}
