package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.Severity;
import repo.rewards.ota.TaskInfo;

/**
 * {@code price-grounding}: every price in the reply must come from the context, and the arithmetic
 * around it must add up.
 *
 * <ul>
 *   <li>A price is grounded when it is within {@code tolerance} of a ticket's sale or net price, a
 *       competitor price, or any price said earlier in the dialogue (by the hotel or the agent).</li>
 *   <li>A discount followed by a price ("降10%到¥900", "10% off, i.e. ¥1,080", "打九折即900元", "便宜100元到900")
 *       must be consistent with some base (a comma may sit between them only before 即 / 也就是 / i.e. / that is,
 *       so "预订下降了12%，竞品是899元" is no arithmetic) (a price named just before it in the reply, else a ticket's
 *       sale/net price or a price from the history), within max(tolerance, 1).</li>
 *   <li>A new price the agent proposes is accepted when {@code allow_proposals} is on and it lies between
 *       a ticket's floor and its sale price.</li>
 *   <li>Nothing the agent proposes may be below every ticket's floor (a cut that goes there fires too).</li>
 *   <li>A percentage that describes a trend of a metric (预订下降了15%, 曝光减少了20%, "bookings dropped 15%",
 *       "15% fewer bookings") is no discount, unless its clause also names a price cut (降价, 打折, 到手价, "rate", "off").</li>
 * </ul>
 */
public final class PriceGrounding extends Rule {
    public static final String ID = "price-grounding";
    private static final Pattern REDUCE_BEFORE = Pattern.compile(
            "(降|下调|便宜|少|减|优惠|让|打|lower|cut|reduc|drop|discount|knock)[^\\d。！？!?；;]{0,24}$", Pattern.CASE_INSENSITIVE);
    private static final Pattern OFF_AFTER = Pattern.compile("^\\s*(off|cut|reduction|discount|decrease|less)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern LINK = Pattern.compile(
            "^(?:[^\\d。！？!?;；\\n，,]{0,24}?(也就是|就是|即|即为|变成|降到|降至|调到|到|至|为|是|=|→|->|to|which is|that is|i\\.e\\.|making it|brings it to|down to|comes to)"
                    + "|[^\\d。！？!?;；\\n]{0,8}?[,，]\\s*(即|即为|也就是|就是|so|i\\.e\\.|that is|which is|making it)"
                    + "|[^\\d。！？!?;；\\n]{0,24}?(看到的是|显示为|显示|would show( guests)?|shows?( guests)?|guests (would )?(see|pay)|comes to|brings? it to))"
                    + "[\\s:：]*(约|大约|about)?\\s*$",
            Pattern.CASE_INSENSITIVE);

    /** A metric whose change a percentage may describe: bookings, exposure, conversion, occupancy... */
    private static final Pattern METRIC = Pattern.compile(
            "(预订|订单|订房|入住率|出租率|曝光|浏览|点击|转化|流量|间夜|销量|搜索|访问|需求|环比|同比|booking|reservation|exposure|impression"
                    + "|conversion|occupancy|traffic|views|clicks|demand|searches|room nights|week on week|month on month|year on year|wow\\b|yoy\\b)",
            Pattern.CASE_INSENSITIVE);
    /** Words that make a percentage a cut on a price even next to a metric (降价, 打折, 到手价, "the rate", "off"). */
    private static final Pattern PRICE_CUT = Pattern.compile(
            "(价|折|优惠|便宜|让利|(给|帮|再|能否|能不能|可否|可以)降|price|rate|discount|\\boff\\b|\\bcut (the|your|it)\\b)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern METRIC_AFTER = Pattern.compile(
            "^\\s*(的|fewer|less|more|lower|higher|of)?\\s*" + METRIC.pattern(), Pattern.CASE_INSENSITIVE);

    private final double tolerance;
    private final boolean allowProposals;

    public PriceGrounding(double points, Severity severity, double tolerance, boolean allowProposals) {
        super(ID, points, severity);
        this.tolerance = tolerance;
        this.allowProposals = allowProposals;
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        List<TaskInfo.Ticket> tickets = item.task().tickets();
        Set<Double> context = Texts.contextPrices(item);
        List<Texts.Price> prices = Texts.prices(r);
        List<Texts.Price> loose = Texts.loosePrices(r);
        Set<Integer> handled = new HashSet<>();
        List<Finding> out = new ArrayList<>();
        double arithmeticTol = Math.max(tolerance, 1.0);

        for (Texts.Discount d : Texts.discounts(r)) {
            boolean reduction = d.off() > 0 && (r.substring(d.begin(), d.end()).contains("折")
                    || REDUCE_BEFORE.matcher(r.substring(Math.max(Texts.sentenceStart(r, d.begin()), d.begin() - 20), d.begin())).find()
                    || OFF_AFTER.matcher(ahead(r, d.end())).find());
            if (!reduction || trend(r, d.begin(), d.end())) {
                continue;
            }
            Texts.Price baseAfter = baseAfter(r, d.end(), loose);
            Texts.Price result = linked(r, baseAfter != null ? baseAfter.end() : d.end(), loose);
            List<Double> bases = baseAfter != null ? List.of(baseAfter.value()) : bases(r, d.begin(), prices, item);
            if (baseAfter != null) {
                handled.add(baseAfter.begin());
            }
            if (result != null) {
                handled.add(result.begin());
                double want = result.value();
                boolean ok = bases.stream().anyMatch(b -> Texts.near(b * (1 - d.off()), want, arithmeticTol));
                if (!ok) {
                    double b = bases.get(0);
                    out.add(finding(String.format("discount arithmetic: %s off %s is %s, not %s", pct(d.off()), Texts.money(b),
                            Texts.money(Math.round(b * (1 - d.off()) * 100) / 100.0), result.text(r)), r, d.begin(), result.end()));
                } else if (belowFloor(want, tickets)) {
                    out.add(belowFloorFinding(r, result, tickets));
                }
            } else if (bases.size() > 1 || tickets.stream().anyMatch(t -> Texts.near(t.netPrice(), bases.get(0), tolerance))) {
                if (tickets.stream().allMatch(t -> t.floorPrice() > 0 && t.netPrice() * (1 - d.off()) < t.floorPrice() - tolerance)) {
                    out.add(finding("a " + pct(d.off()) + " cut on the net price goes below the lowest acceptable price", r, d.begin(), d.end()));
                }
            }
        }

        for (Texts.Price p : prices) {
            if (handled.contains(p.begin())) {
                continue;
            }
            String before = r.substring(Math.max(0, p.begin() - 8), p.begin());
            boolean delta = (REDUCE_BEFORE.matcher(before).find() || OFF_AFTER.matcher(ahead(r, p.end())).find())
                    && tickets.stream().anyMatch(t -> p.value() < t.netPrice() / 2);
            if (!delta) {
                continue;
            }
            handled.add(p.begin());
            Texts.Price result = linked(r, p.end(), prices);
            List<Double> bases = bases(r, p.begin(), prices, item);
            if (result != null) {
                handled.add(result.begin());
                boolean ok = bases.stream().anyMatch(b -> Texts.near(b - p.value(), result.value(), arithmeticTol));
                if (!ok) {
                    double b = bases.get(0);
                    out.add(finding("discount arithmetic: " + Texts.money(b) + " less " + p.text(r) + " is "
                            + Texts.money(b - p.value()) + ", not " + result.text(r), r, p.begin(), result.end()));
                } else if (belowFloor(result.value(), tickets)) {
                    out.add(belowFloorFinding(r, result, tickets));
                }
            } else if (tickets.stream().allMatch(t -> t.floorPrice() > 0 && t.netPrice() - p.value() < t.floorPrice() - tolerance)) {
                out.add(finding("a cut of " + p.text(r) + " on the net price goes below the lowest acceptable price", r, p.begin(), p.end()));
            }
        }

        for (Texts.Price p : prices) {
            if (handled.contains(p.begin())) {
                continue;
            }
            double v = p.value();
            if (context.stream().anyMatch(c -> Texts.near(c, v, tolerance))) {
                continue;
            }
            if (tickets.stream().allMatch(t -> v < t.netPrice() * TOO_SMALL_FOR_A_RATE)) {
                continue; // a fee, a tip or a donation: far below any room rate of the task
            }
            if (belowFloor(v, tickets)) {
                out.add(finding(p.text(r) + " is not grounded in the context and is below every ticket's lowest acceptable price",
                        r, p.begin(), p.end()));
            } else if (!(allowProposals && tickets.stream().anyMatch(t -> v >= t.floorPrice() - tolerance && v <= t.salePrice() + tolerance))) {
                out.add(finding(p.text(r) + " is not grounded: it is no ticket, competitor or dialogue price and no proposal "
                        + "within a ticket's range", r, p.begin(), p.end()));
            }
        }
        out.sort((a, b) -> Integer.compare(a.evidence().begin(), b.evidence().begin()));
        return out;
    }

    /**
     * Whether the percentage at {@code [begin, end)} describes a trend ("预订下降了15%", "bookings dropped 15%",
     * "15% fewer bookings"): its clause names a metric before it, or a metric follows it, and no price-cut word.
     */
    private static boolean trend(String r, int begin, int end) {
        int b = begin;
        int stop = Math.max(0, begin - 40); // bounded: linear in the reply
        while (b > stop && "，,。！？!?；;\n".indexOf(r.charAt(b - 1)) < 0) {
            b--;
        }
        String before = r.substring(b, begin);
        String after = r.substring(end, Math.min(r.length(), end + 16));
        boolean metric = METRIC.matcher(before).find() || METRIC_AFTER.matcher(after).find();
        return metric && !PRICE_CUT.matcher(before).find() && !PRICE_CUT.matcher(after.split("[，,。！？!?；;]", 2)[0]).find();
    }

    private boolean belowFloor(double v, List<TaskInfo.Ticket> tickets) {
        return tickets.stream().allMatch(t -> t.floorPrice() > 0 && v < t.floorPrice() - tolerance);
    }

    private Finding belowFloorFinding(String r, Texts.Price p, List<TaskInfo.Ticket> tickets) {
        return finding(p.text(r) + " is below every ticket's lowest acceptable price", r, p.begin(), p.end());
    }

    /** Amounts below this share of every ticket's net price are no room rates. */
    static final double TOO_SMALL_FOR_A_RATE = 0.1;
    private static final Pattern OFF_THE = Pattern.compile("^\\s*(off|discount on|off of)\\s+(the|your|our)?\\s*", Pattern.CASE_INSENSITIVE);

    /** The base a discount names right after it ("15% off the 220 sale price"), or null. */
    private static Texts.Price baseAfter(String r, int from, List<Texts.Price> loose) {
        Matcher m = OFF_THE.matcher(ahead(r, from));
        if (!m.find()) {
            return null;
        }
        for (int i = firstAtOrAfter(loose, from + m.end()); i < loose.size() && loose.get(i).begin() <= from + m.end() + 2; i++) {
            return loose.get(i);
        }
        return null;
    }

    /** At most 40 characters from {@code from}: look-ahead stays bounded, so the rule is linear in the reply. */
    private static String ahead(String r, int from) {
        return r.substring(from, Math.min(r.length(), from + 40));
    }

    /** Index of the first price (sorted by begin) that begins at or after {@code pos}. */
    private static int firstAtOrAfter(List<Texts.Price> prices, int pos) {
        int lo = 0, hi = prices.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (prices.get(mid).begin() < pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The price that a discount or cut at {@code from} leads to ("...到¥900", "... to ¥900"), or null. */
    private static Texts.Price linked(String r, int from, List<Texts.Price> prices) {
        for (int i = firstAtOrAfter(prices, from); i < prices.size() && prices.get(i).begin() - from <= 28; i++) {
            Texts.Price p = prices.get(i);
            if (LINK.matcher(r.substring(from, p.begin())).find()) {
                return p;
            }
        }
        return null;
    }

    /** Bases for arithmetic: the price named just before {@code at} in the same sentence, else every context price. */
    private static List<Double> bases(String r, int at, List<Texts.Price> prices, ScoredItem item) {
        int sb = Texts.sentenceStart(r, at);
        Texts.Price named = null;
        for (int i = firstAtOrAfter(prices, at) - 1; i >= 0 && prices.get(i).begin() >= sb; i--) {
            if (prices.get(i).end() <= at) {
                named = prices.get(i);
                break;
            }
        }
        List<Double> out = new ArrayList<>();
        if (named != null) {
            out.add(named.value());
            return out;
        }
        for (TaskInfo.Ticket t : item.task().tickets()) {
            out.add(t.netPrice());
            out.add(t.salePrice());
        }
        for (var turn : item.history()) {
            for (Texts.Price p : Texts.loosePrices(turn.content())) {
                out.add(p.value());
            }
        }
        return out;
    }

    private static String pct(double off) {
        double p = off * 100;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(Math.round(p * 10) / 10.0)) + "%";
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
            Rule r = new PriceGrounding(s.points(-30), s.severity(Severity.HIGH), s.getDouble("tolerance", 0.5),
                    s.getBoolean("allow_proposals", true));
            s.done();
            return r;
        }
    }
}
