package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.Severity;
import repo.rewards.ota.TaskInfo;

/**
 * {@code hallucinated-fact}: the reply cites a hotel or a demand figure the task does not hold.
 * <ul>
 *   <li>Hotels: a known brand from {@code brands} (希尔顿, 全季, 亚朵, Hilton, Marriott...) or a name ending in
 *       酒店/宾馆/饭店/客栈/民宿 or Hotel/Inn/Resort/Suites/Lodge/Hostel that is neither the task hotel nor a
 *       listed competitor (containment either way, ignoring case, spaces, branch names in brackets and the
 *       suffix). Generic phrases (贵酒店, 周边酒店, 五星级酒店, nearby hotels, your hotel) are ignored.</li>
 *   <li>Demand figures (with {@code check_demand}): a number right after 曝光/浏览/转化/预订/exposure/
 *       impressions/views/conversion/bookings, or right before it ("12,000 impressions", "2.1% conversion"),
 *       that matches none of the task's figures for that signal: exposure (also in 万/k) for exposure words,
 *       conversion (as a fraction or a percentage) for conversion words, and the numbers in its booking trend.</li>
 * </ul>
 */
public final class HallucinatedFact extends Rule {
    public static final String ID = "hallucinated-fact";
    public static final List<String> DEFAULT_BRANDS = List.of("希尔顿", "万豪", "凯悦", "喜来登", "威斯汀", "洲际", "皇冠假日", "假日酒店",
            "香格里拉", "丽思卡尔顿", "四季酒店", "诺富特", "宜必思", "美居酒店", "全季", "汉庭", "亚朵", "如家酒店", "锦江之星", "维也纳酒店", "桔子酒店",
            "7天酒店", "7天连锁", "速8酒店", "Hilton", "Marriott", "Hyatt", "Sheraton", "Westin", "InterContinental", "Crowne Plaza", "Holiday Inn",
            "Shangri-La", "Ritz-Carlton", "Four Seasons", "Novotel", "Ibis", "Mercure", "Atour", "Hanting", "Home Inn");
    private static final Pattern ZH_NAME = Pattern.compile("([\\p{IsHan}A-Za-z0-9·]{1,12}?)(大酒店|酒店|宾馆|饭店|客栈|民宿|度假村)");
    private static final Pattern ZH_STOP = Pattern.compile(
            "^.*([一二三四五六七八九十几两多\\d]家|这家|那家|哪家|每家|的|和|与|跟|比|是|在|隔壁|附近|对面|旁边|比如|像|例如|其他|周边|同类|竞品|同档次|同商圈|这|那|该|各|贵|本|您|你|我们|咱们|对|把|给|了|说|看|从|及|或|等|为|于|让|向|连|都|也|还|才|就)");
    private static final Pattern ZH_GENERIC = Pattern.compile(
            "^(五星级?|四星级?|三星级?|二星级?|星级|高端|高星|商务|经济型?|连锁|精品|度假|快捷|豪华|同类|当地|市区|机场|周边|附近|其他|品牌|单体|中高端|中端|城市|主题|同区域|区域|一些|多家|几家|好几家|很多|不少|部分|大部分|所有|整个|全市|全城)+$");
    /** A hotel category or grade, not a name: 高档型酒店, 北京豪华型酒店, 同级饭店, 五星级酒店. */
    private static final Pattern ZH_CATEGORY_END = Pattern.compile("(型|星级?|同级|同档次?|同等级|同类型?|同价位|档次|级别?)$");
    private static final Pattern EN_NAME = Pattern.compile("\\b((?:[A-Z][\\w'&.-]*\\s+){1,4})(Hotel|Inn|Resort|Suites|Lodge|Hostel)\\b");
    private static final Pattern EN_LEAD = Pattern.compile("^((The|Your|Our|This|That|Nearby|Other|Every|Any|Each|A|An|Its|Their|My|Compared|Unlike|Like|At|In|Many|Some|Both)\\s+)+");
    private static final Pattern SUFFIX = Pattern.compile("(大酒店|酒店|宾馆|饭店|客栈|民宿|度假村|hotel|inn|resort|suites|lodge|hostel)$");
    private static final Pattern DEMAND_WORD = Pattern.compile(
            "(曝光量|曝光|浏览量|浏览|访问量|转化率|转化|预订量|订单量|排名|名次|评论数|点评数|评价数|exposure|impressions|views|page views|conversion rate|conversion|bookings|ranked|ranking|reviews)",
            Pattern.CASE_INSENSITIVE);
    /** The rule stops looking after this many candidate names (the rule set keeps max_findings of them anyway). */
    static final int MAX_FINDINGS_SCANNED = 64;
    private static final Pattern CLAUSE_BREAK = Pattern.compile("[，,；;：:]");
    private static final Pattern FIGURE_BEFORE = Pattern.compile("(?<![\\d.,])(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?\\s*(%|％|万|k|K)?\\s*(的|次|个)?\\s*$");
    private static final Pattern FIGURE = Pattern.compile("(?<![\\d.])(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?\\s*(%|％|万|k\\b|K\\b)?");

    private final List<String> brands;
    private final boolean checkDemand;

    public HallucinatedFact(double points, Severity severity, List<String> brands, boolean checkDemand) {
        super(ID, points, severity);
        this.brands = List.copyOf(brands);
        this.checkDemand = checkDemand;
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        List<String> known = knownCores(item.task());
        List<Finding> out = new ArrayList<>();
        java.util.BitSet taken = new java.util.BitSet(r.length());
        Matcher zh = ZH_NAME.matcher(r);
        while (zh.find()) {
            String prefix = ZH_STOP.matcher(zh.group(1)).replaceFirst("");
            if (prefix.length() < 2 || ZH_GENERIC.matcher(prefix).matches() || ZH_CATEGORY_END.matcher(prefix).find()) {
                continue;
            }
            int b = zh.end(1) - prefix.length();
            check(r, b, zh.end(), known, out, taken);
        }
        Matcher en = EN_NAME.matcher(r);
        while (en.find()) {
            String lead = en.group(1);
            Matcher l = EN_LEAD.matcher(lead);
            int skip = l.lookingAt() ? l.end() : 0;
            if (lead.substring(skip).isBlank()) {
                continue;
            }
            check(r, en.start() + skip, en.end(), known, out, taken);
        }
        for (int[] m : Texts.findLiterals(r, brands)) {
            if (out.size() < MAX_FINDINGS_SCANNED && !overlaps(taken, m[0], m[1])) {
                check(r, m[0], m[1], known, out, taken);
            }
        }
        if (checkDemand) {
            demand(item, r, out);
        }
        out.sort((a, b) -> Integer.compare(a.evidence().begin(), b.evidence().begin()));
        return out;
    }

    private static boolean overlaps(java.util.BitSet taken, int b, int e) {
        int i = taken.nextSetBit(b);
        return i >= 0 && i < e;
    }

    private void check(String r, int b, int e, List<String> known, List<Finding> out, java.util.BitSet taken) {
        taken.set(b, e);
        String core = core(r.substring(b, e));
        if (core.isEmpty()) {
            return;
        }
        for (String k : known) {
            if (!k.isEmpty() && (k.contains(core) || core.contains(k))) {
                return;
            }
        }
        out.add(finding("cites \"" + r.substring(b, e) + "\", which is neither the task hotel nor a listed competitor", r, b, e));
    }

    private static List<String> knownCores(TaskInfo task) {
        List<String> out = new ArrayList<>();
        out.add(core(task.hotel().name()));
        for (TaskInfo.CompetitorOffer c : task.competitors()) {
            if (c.hotel() != null) {
                out.add(core(c.hotel()));
            }
        }
        return out;
    }

    private static String core(String name) {
        String s = name.replaceAll("[(（\\[【][^)）\\]】]*[)）\\]】]", "");
        s = Texts.normalize(s);
        return SUFFIX.matcher(s).replaceFirst("");
    }

    private void demand(ScoredItem item, String r, List<Finding> out) {
        List<Double> exposure = new ArrayList<>();
        List<Double> conversion = new ArrayList<>();
        List<Double> trend = new ArrayList<>();
        TaskInfo.DemandSignals d = item.task().demand();
        if (d != null) {
            if (d.exposure() != null) {
                exposure.addAll(List.of(d.exposure(), d.exposure() / 10000.0, d.exposure() / 1000.0));
            }
            if (d.conversion() != null) {
                conversion.addAll(List.of(d.conversion(), d.conversion() * 100.0));
            }
            if (d.bookingTrend() != null) {
                Matcher m = Pattern.compile("\\d+(?:\\.\\d+)?").matcher(d.bookingTrend().replace(",", ""));
                while (m.find()) {
                    trend.add(Double.parseDouble(m.group()));
                }
            }
        }
        Matcher w = DEMAND_WORD.matcher(r);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        while (w.find()) {
            int se = Texts.sentenceEnd(r, w.end());
            Matcher f = FIGURE.matcher(r);
            f.region(w.end(), se);
            int[] span = null;
            String before = r.substring(Math.max(0, w.start() - 12), w.start());
            Matcher bm = FIGURE_BEFORE.matcher(before);
            if (bm.find()) { // "5,400 views", "2.4% conversion": the figure right before the word wins
                int off = w.start() - before.length();
                span = new int[] {off + bm.start(), off + bm.end()};
            } else if (f.find() && f.start() - w.end() <= 24 && !DEMAND_WORD.matcher(r.substring(w.end(), f.start())).find()
                    && !CLAUSE_BREAK.matcher(r.substring(w.end(), f.start())).find()) {
                span = new int[] {f.start(), f.end()};
            }
            if (span == null) {
                continue;
            }
            int[] sp = span;
            if (!seen.add(sp[0])) {
                continue;
            }
            String fig = r.substring(sp[0], sp[1]).strip();
            Matcher nm = Pattern.compile("[\\d,]+(?:\\.\\d+)?").matcher(fig);
            nm.find();
            double v = Double.parseDouble(nm.group().replace(",", ""));
            String word = w.group().toLowerCase(Locale.ROOT);
            List<Double> facts = new ArrayList<>(trend);
            if (word.startsWith("转化") || word.startsWith("conversion")) {
                facts.addAll(conversion);
            } else if (!word.startsWith("预订") && !word.startsWith("订单") && !word.startsWith("booking")) {
                facts.addAll(exposure);
            }
            boolean ok = facts.stream().anyMatch(x -> Math.abs(x - v) <= Math.max(0.05, Math.abs(x) * 0.01));
            if (!ok) {
                out.add(finding("cites the figure " + fig + " for " + word
                        + (d == null ? ", but the task has no demand signals" : ", which the task's demand signals do not hold"), r, sp[0], sp[1]));
            }
        }
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
            List<String> brands = new ArrayList<>(s.getStrings("brands", DEFAULT_BRANDS));
            brands.addAll(s.getStrings("extra_brands", List.of()));
            Rule r = new HallucinatedFact(s.points(-30), s.severity(Severity.HIGH), brands, s.getBoolean("check_demand", true));
            s.done();
            return r;
        }
    }
}
