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
 * {@code over-promise}: the reply guarantees an outcome the OTA cannot promise (traffic, ranking,
 * bookings, occupancy). Fires on a {@code phrases} match anywhere (包您满房, 稳赚不赔, "guaranteed
 * bookings"), and on a {@code commitments} word (保证, 一定, 100%, guarantee, definitely will...) that is
 * not negated ("无法保证", "can't guarantee") in a sentence that also names an {@code outcomes} word
 * (流量, 排名, 订单, 满房, traffic, ranking, bookings...). "一定程度上" / "to some extent" does not fire.
 */
public final class OverPromise extends Rule {
    public static final String ID = "over-promise";
    public static final List<String> DEFAULT_PHRASES = List.of("包您满房", "包你满房", "包满房", "保证满房", "稳赚不赔", "稳赚",
            "零风险", "guaranteed bookings", "guaranteed traffic", "guaranteed sell-out", "guaranteed to sell out", "risk-free");
    public static final List<String> DEFAULT_COMMITMENTS = List.of("保证", "担保", "一定会", "一定能", "一定可以", "一定带来",
            "肯定会", "肯定能", "肯定", "绝对", "铁定", "必定", "必然", "准能", "稳稳", "稳了", "稳拿", "没跑了", "跑不了", "百分之百", "100%",
            "包您", "包你", "guarantee", "guaranteed", "guarantees", "definitely will", "will definitely", "certainly will", "will certainly",
            "for sure", "100 percent", "promise you", "i promise", "no doubt", "it's certain", "it is certain", "100% certain",
            "bound to", "sure to", "without fail", "trust me");
    public static final List<String> DEFAULT_OUTCOMES = List.of("流量", "曝光", "排名", "排序", "置顶", "订单", "订房", "预订", "间夜",
            "入住率", "满房", "出租率", "转化", "销量", "营收", "收益", "客源", "生意", "traffic", "exposure", "ranking", "rank", "top of",
            "bookings", "booking", "orders", "occupancy", "sell out", "sold out", "revenue", "conversion", "room nights", "guests",
            "爆单", "爆满", "第一", "翻倍", "翻一番", "九成", "fully booked", "booked", "fill every room", "fill", "rooms will", "double", "first");

    private final List<String> phrases;
    private final List<String> commitments;
    private final List<String> outcomes;

    public OverPromise(double points, Severity severity, List<String> phrases, List<String> commitments, List<String> outcomes) {
        super(ID, points, severity);
        this.phrases = List.copyOf(phrases);
        this.commitments = List.copyOf(commitments);
        this.outcomes = List.copyOf(outcomes);
    }

    private static final Pattern TO_SOME_EXTENT = Pattern.compile("一定(程度|范围|的|时间|比例|量)");

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        List<Finding> out = new ArrayList<>();
        List<int[]> taken = new ArrayList<>();
        for (int[] m : Texts.findLiterals(r, phrases)) {
            if (!Texts.negatedBefore(r, m[0], 4)) {
                taken.add(m);
                out.add(finding("promises an outcome the OTA cannot guarantee: \"" + r.substring(m[0], m[1]) + "\"", r, m[0], m[1]));
            }
        }
        for (int[] m : Texts.findLiterals(r, commitments)) {
            if (out.size() >= 64 || taken.stream().anyMatch(t -> m[0] < t[1] && m[1] > t[0]) || Texts.negatedBefore(r, m[0], 4)) {
                continue;
            }
            Matcher extent = TO_SOME_EXTENT.matcher(r.substring(m[0], Math.min(r.length(), m[0] + 8)));
            if (extent.lookingAt()) {
                continue;
            }
            int sb = Texts.sentenceStart(r, m[0]), se = Texts.sentenceEnd(r, m[1]);
            String sentence = r.substring(sb, se);
            if (Texts.findLiterals(sentence, outcomes).isEmpty()) {
                continue;
            }
            taken.add(m);
            out.add(finding("guarantees traffic, ranking or bookings: \"" + r.substring(m[0], m[1]) + "\" in \"" + sentence.strip() + "\"",
                    r, m[0], m[1]));
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
            Rule r = new OverPromise(s.points(-40), s.severity(Severity.HIGH), s.getStrings("phrases", DEFAULT_PHRASES),
                    s.getStrings("commitments", DEFAULT_COMMITMENTS), s.getStrings("outcomes", DEFAULT_OUTCOMES));
            s.done();
            return r;
        }
    }
}
