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
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/**
 * {@code press-after-accept}: the hotel's latest turn accepted (it offered a net price at or below a
 * ticket's target, or, naming no price, agreed: 同意 / 可以 / 没问题 / agreed / deal / OK, not negated and not
 * "可以考虑") and the reply still asks for a lower price: an ask-lower phrase (再降, 再便宜, 还能不能, lower,
 * a bit more...) or a price below the hotel's offer. Parameters: {@code ask_lower} (regular expressions).
 *
 * <p>A price in a clause that rejects or complains about it ("1200我们真的亏", "家庭房560太低了", "too low for
 * us") is no offer. An agreement word next to mere permission to go on ("OK, go ahead", "好的，您说") is no
 * agreement. When the hotel agrees and names several prices without an offer cue ("OK, deal. 740 and 660."),
 * each of them counts as offered.
 */
public final class PressAfterAccept extends Rule {
    public static final String ID = "press-after-accept";
    public static final List<String> DEFAULT_ASK_LOWER = List.of("再降", "再低", "再便宜", "再少", "再优惠", "再让", "再往下",
            "更低", "更优惠", "还能(不能)?(再)?降", "能不能再", "可否再", "能否再", "再争取", "\\b(go|come) (a bit |any )?lower\\b",
            "\\blower (it |that )?(a bit|a little|further|still)\\b", "\\bgo down (a bit|a little|further|more)\\b", "\\bany lower\\b",
            "\\b(a bit|a little|slightly) (lower|more off|cheaper)\\b", "\\bbetter price\\b", "\\bsqueeze\\b", "\\bshave off\\b",
            "\\bfurther (discount|reduction|cut)\\b", "\\beven (lower|less|cheaper)\\b", "\\bshave\\b", "\\bmore (dollars )?off\\b",
            "\\b(a few|some) (more )?dollars off\\b", "\\blower rate\\b", "再(给|帮)?(我们)?(便宜|优惠|降|少)");
    private static final Pattern AGREE = Pattern.compile(
            "(同意|可以|没问题|行吧|行的|好的|好吧|就按|接受|成交|就这么办|就这么定|按您说的|依你|依您|听你的|听您的|agreed|agree|deal|\\bok\\b|okay|fine\\b|accept|sounds good|that works|let's do|alright|all right|convinced|you win)",
            Pattern.CASE_INSENSITIVE);
    /** Permission to go on talking ("Sure, go ahead", "好的，您说"): agrees to no price or proposal. */
    private static final Pattern PERMISSION = Pattern.compile(
            "(你说|您说|请说|请讲|说吧|讲吧|继续说|请继续|go ahead|go on|carry on|i'm listening|tell me|let's hear|what is it|shoot)",
            Pattern.CASE_INSENSITIVE);
    /** A clause that rejects or complains about a price ("1200我们真的亏", "560太低了", "too low for us"). */
    private static final Pattern REFUSAL = Pattern.compile(
            "(亏|赔|太低|太少|偏低|低了|不行|不能接受|接受不了|没法|没办法|做不了|做不到|不可能|不同意|不会同意|不划算|不答应|不现实"
                    + "|too low|too cheap|can't|cannot|can not|won't|no way|not possible|impossible|lose money|losing money|at a loss"
                    + "|below (our )?cost|not acceptable|unacceptable|not workable|doesn't work|does not work)",
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
        Double accepted = offer != null ? offer : lastProposal(item);
        if (out.isEmpty() && accepted != null) {
            for (Texts.Price p : Texts.prices(r)) {
                if (p.value() < accepted - tolerance && item.task().tickets().stream().anyMatch(t -> p.value() >= t.floorPrice() * 0.5)) {
                    out.add(finding("the hotel " + what + " but the reply asks for " + p.text(r), r, p.begin(), p.end()));
                    break;
                }
            }
        }
        out.sort((a, b) -> Integer.compare(a.evidence().begin(), b.evidence().begin()));
        return out;
    }

    /** The lowest price of the agent's latest turn (what a plain "OK" agrees to), or null. */
    private static Double lastProposal(ScoredItem item) {
        for (int i = item.history().size() - 1; i >= 0; i--) {
            Turn t = item.history().get(i);
            if (t.role() == Turn.Role.AGENT) {
                return Texts.prices(t.content()).stream().map(Texts.Price::value).min(Double::compare).orElse(null);
            }
        }
        return null;
    }

    /** The lowest price the hotel offered that is at or below a ticket's target, or null. */
    private Double acceptedOffer(String h, List<TaskInfo.Ticket> tickets) {
        List<Texts.Price> all = new ArrayList<>();
        for (Texts.Price p : Texts.loosePrices(h)) {
            if (!REFUSAL.matcher(clause(h, p.begin(), p.end())).find()) {
                all.add(p);
            }
        }
        List<Texts.Price> offers = new ArrayList<>();
        for (Texts.Price p : all) {
            if (OFFER_CUE.matcher(h.substring(Math.max(0, p.begin() - 8), p.begin())).find()) {
                offers.add(p);
            }
        }
        if (offers.isEmpty() && (all.size() == 1 || (!all.isEmpty() && agrees(h)))) {
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
            int end = clauseEnd(h, m.end());
            String around = clause(h, m.start(), m.end()) + (end < h.length() ? clause(h, end + 1, end + 1) : "");
            if (!Texts.negatedBefore(h, m.start(), 3) && !PERMISSION.matcher(around).find()) {
                return true;
            }
        }
        return false;
    }

    private static boolean clauseBreak(char c) {
        return "，,。！？!?；;\n".indexOf(c) >= 0 || c == '.';
    }

    /** Index of the clause break at or after {@code pos}, or the text length. */
    private static int clauseEnd(String s, int pos) {
        for (int i = pos; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean inNumber = (c == '.' || c == ',') && i > 0 && i + 1 < s.length() && Character.isDigit(s.charAt(i - 1))
                    && Character.isDigit(s.charAt(i + 1));
            if (clauseBreak(c) && !inNumber) {
                return i;
            }
        }
        return s.length();
    }

    /** The clause (between punctuation marks) holding {@code [begin, end)}; digit-grouping commas and decimal points do not break it. */
    private static String clause(String s, int begin, int end) {
        int b = begin;
        while (b > 0) {
            char c = s.charAt(b - 1);
            boolean inNumber = (c == '.' || c == ',') && b - 2 >= 0 && b < s.length() && Character.isDigit(s.charAt(b - 2))
                    && Character.isDigit(s.charAt(b));
            if (clauseBreak(c) && !inNumber) {
                break;
            }
            b--;
        }
        return s.substring(b, clauseEnd(s, Math.max(end, b)));
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
