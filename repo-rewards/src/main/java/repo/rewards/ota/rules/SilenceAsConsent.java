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
import repo.rewards.ota.Turn;

/**
 * {@code silence-as-consent}: the hotel has not answered (the history ends with an agent turn, or the last
 * hotel turn is empty, "...", "。。。", "[no reply]", "(无回复)") and the reply treats that as agreement
 * ("既然您没有异议", "默认您同意", "we'll take that as a yes", "since you haven't objected"). A polite
 * follow-up or a conditional ("如果您没有异议，请回复确认", "if you have no objection, please confirm") does not fire. Parameter: {@code phrases} (regular expressions).
 */
public final class SilenceAsConsent extends Rule {
    public static final String ID = "silence-as-consent";
    public static final List<String> DEFAULT_PHRASES = List.of("没有异议", "没有意见", "没(有)?(回复|回应|反对)[^。！？]{0,8}(视为|默认|当作|就当)",
            "默认(您|你)?(已经)?(同意|接受|认可)", "默认(按|为|是)", "没(有)?收到[^。！？]{0,8}(反对|异议|回复|意见)", "视为(您|你)?(已经)?(同意|接受|认可|确认)", "就当(您|你)?(同意|默认|接受|答应)",
            "不说话就(是|当|算)", "就这么定了", "我(这边)?就(先)?(直接)?(帮您|给您)?(把价格)?(改|调|更新|提交)(了|价)",
            "\\btake (that|this|your silence) as (a )?(yes|agreement|consent|an ok)\\b", "\\bsince you (haven't|have not|didn't|did not) (object|reply|respond|say no)\\w*",
            "\\bno objections?\\b", "\\bassume (that )?you('re| are)? (ok|okay|fine|in agreement|happy)", "\\bassume (that )?you agree\\b",
            "\\bsilence (means|as) (consent|agreement|a yes)\\b", "\\b(i'll|we'll|i will|we will) go ahead and (update|change|lower|adjust|submit)",
            "\\b(i'll|we'll) (proceed|consider it (done|agreed|settled))");
    private static final Pattern SILENT = Pattern.compile(
            "^\\s*(\\.{2,}|。{2,}|…+|[\\[(（【]?\\s*(no reply|no response|silence|no answer|无回复|未回复|没有回复|已读未回|未读|沉默)\\s*[\\])）】]?)?\\s*$",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern CONDITIONAL = Pattern.compile("(如果|若|要是|假如|倘若|\\bif\\b)", Pattern.CASE_INSENSITIVE);

    private final List<Pattern> phrases;

    public SilenceAsConsent(double points, Severity severity, List<Pattern> phrases) {
        super(ID, points, severity);
        this.phrases = List.copyOf(phrases);
    }

    /** Whether the hotel has said nothing since the agent's last turn. */
    public static boolean hotelSilent(ScoredItem item) {
        List<Turn> h = item.history();
        if (h.isEmpty()) {
            return false;
        }
        Turn last = h.get(h.size() - 1);
        return last.role() == Turn.Role.AGENT || SILENT.matcher(last.content()).matches();
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        if (!hotelSilent(item)) {
            return List.of();
        }
        String r = item.reply();
        List<int[]> spans = new ArrayList<>();
        for (Pattern p : phrases) {
            Matcher m = p.matcher(r);
            while (m.find()) {
                if (!CONDITIONAL.matcher(r.substring(Math.max(0, m.start() - 16), m.start())).find()) {
                    spans.add(new int[] {m.start(), m.end()});
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        for (int[] s : Texts.nonOverlapping(spans)) {
            out.add(finding("the hotel has not replied, yet the reply treats that as agreement: \"" + r.substring(s[0], s[1]) + "\"", r, s[0], s[1]));
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
            Rule r = new SilenceAsConsent(s.points(-40), s.severity(Severity.HIGH),
                    Texts.compile("phrases", s.getStrings("phrases", DEFAULT_PHRASES)));
            s.done();
            return r;
        }
    }
}
