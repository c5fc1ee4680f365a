package repo.rewards.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.api.ScoredItem;
import repo.rewards.api.Severity;
import repo.rewards.api.TaskInfo;
import repo.rewards.api.Turn;

/**
 * {@code press-after-accept}: the hotel's latest turn accepted (it offered a net price at or below a
 * ticket's target, or, naming no price, agreed: 同意 / 可以 / 没问题 / agreed / deal / OK, not negated and not
 * "可以考虑") and the reply still asks for a lower price: an ask-lower phrase (再降, 再便宜, 还能不能, lower,
 * a bit more...) or a price below the hotel's offer. Parameters: {@code ask_lower} (regular expressions).
 */
public final class PressAfterAccept extends Rule {
    public static final String ID = "press-after-accept";
    public static final List<String> DEFAULT_ASK_LOWER = List.of("再降", "再低", "再便宜", "再少", "再优惠", "再让", "再往下",
            "更低", "更优惠", "还能(不能)?(再)?降", "能不能再", "可否再", "能否再", "再争取", "\\b(go|come) (a bit |any )?lower\\b",
            "\\blower (it |that )?(a bit|a little|further|still)\\b", "\\bgo down (a bit|a little|further|more)\\b", "\\bany lower\\b",
            "\\b(a bit|a little|slightly) (lower|more off|cheaper)\\b", "\\bbetter price\\b", "\\bsqueeze\\b", "\\bshave off\\b",
            "\\bfurther (discount|reduction|cut)\\b", "\\beven (lower|less|cheaper)\\b");
    private static final Pattern AGREE = Pattern.compile(
            "(同意|可以|没问题|行吧|行的|好的|好吧|就按|接受|成交|就这么办|按您说的|agreed|agree|deal|\\bok\\b|okay|fine with|accept|sounds good|that works|go ahead|let's do)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TENTATIVE = Pattern.compile("(考虑|再说|商量|请示|研究|想想|问问|think about|consider|check with|get back)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern OFFER_CUE = Pattern.compile(
            "(降到|降至|调到|调至|给到|做到|改成|改为|可以|就|按|接受|到手|最低|offer|at|to|for|do|accept|down to|lower to|go to)\\s*(¥|￥|RMB|CNY)?\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NO_NEED = Pattern.compile("(不用|不必|无需|不会|no need to|won't|will not|not)\\s*\\S{0,2}$", Pattern.CASE_INSENSITIVE);

    private final List<Pattern> askLower;
    private final double tolerance;

    public PressAfterAccept(double points, Severity severity, List<Pattern> askLower, double tolerance) {
        super(ID, points, severity);
        this.askLower = List.copyOf(askLower);
        this.tolerance = tolerance;
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        Turn hotel = Texts.lastHotelTurn(item);
        if (hotel == null) {
            return List.of();
        }
        String h = hotel.content();
        Double offer = acceptedOffer(h, item.task().tickets());
        boolean agreed = offer != null || (Texts.loosePrices(h).isEmpty() && agrees(h));
        if (!agreed) {
            return List.of();
        }
        String r = item.reply();
        String what = offer != null ? "offered " + Texts.money(offer) + ", at or below the target" : "agreed";
        List<Finding> out = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        for (Pattern p : askLower) {
            Matcher m = p.matcher(r);
            while (m.find()) {
                if (!NO_NEED.matcher(r.substring(Math.max(0, m.start() - 5), m.start())).find()) {
                    spans.add(new int[] {m.start(), m.end()});
                }
            }
        }
        spans.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] s : spans) {
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && s[0] <= last[1]) {
                last[1] = Math.max(last[1], s[1]);
            } else {
                merged.add(s.clone());
            }
        }
        for (int[] s : merged) {
            out.add(finding("the hotel " + what + " but the reply still presses for lower: \"" + r.substring(s[0], s[1]) + "\"", r, s[0], s[1]));
        }
        if (out.isEmpty() && offer != null) {
            for (Texts.Price p : Texts.prices(r)) {
                if (p.value() < offer - tolerance && item.task().tickets().stream().anyMatch(t -> p.value() >= t.floorPrice() * 0.5)) {
                    out.add(finding("the hotel " + what + " but the reply asks for " + p.text(r), r, p.begin(), p.end()));
                    break;
                }
            }
        }
        out.sort((a, b) -> Integer.compare(a.evidence().begin(), b.evidence().begin()));
        return out;
    }

    /** The lowest price the hotel offered that is at or below a ticket's target, or null. */
    private Double acceptedOffer(String h, List<TaskInfo.Ticket> tickets) {
        List<Texts.Price> all = Texts.loosePrices(h);
        List<Texts.Price> offers = new ArrayList<>();
        for (Texts.Price p : all) {
            if (OFFER_CUE.matcher(h.substring(Math.max(0, p.begin() - 8), p.begin())).find()) {
                offers.add(p);
            }
        }
        if (offers.isEmpty() && all.size() == 1) {
            offers = all;
        }
        Double best = null;
        for (Texts.Price p : offers) {
            if (tickets.stream().anyMatch(t -> p.value() <= t.targetPrice() + tolerance && p.value() >= t.floorPrice() * 0.5)) {
                best = best == null ? p.value() : Math.min(best, p.value());
            }
        }
        return best;
    }

    private static boolean agrees(String h) {
        if (TENTATIVE.matcher(h).find()) {
            return false;
        }
        Matcher m = AGREE.matcher(h);
        while (m.find()) {
            if (!Texts.negatedBefore(h, m.start(), 3)) {
                return true;
            }
        }
        return false;
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
            Rule r = new PressAfterAccept(s.points(-40), s.severity(Severity.HIGH),
                    Texts.compile("ask_lower", s.getStrings("ask_lower", DEFAULT_ASK_LOWER)), s.getDouble("tolerance", 0.5));
            s.done();
            return r;
        }
    }
}
