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
 * {@code sale-net-confusion}: a price labelled as the sale price (售价, 卖价, "sale price") equals a
 * ticket's net price (到手价, what the hotel receives) and no ticket's sale price, or the other way round.
 * The label is the nearest sale/net word within {@code window} characters before the number (no other
 * number in between) or a net/sale word right after it ("¥1000 net"). Parameter: {@code tolerance}
 * (how close counts as equal, default 0.5).
 *
 * <p>With several tickets, a price is compared only with the tickets of the room type the reply names last
 * before it, so a 到手价 proposal for one room type may equal another room type's 售价; when no room type is
 * named before it, every ticket counts.
 */
public final class SaleNetConfusion extends Rule {
    public static final String ID = "sale-net-confusion";
    private static final Pattern SALE = Pattern.compile(
            "(售价|卖价|前台价|零售价|门市价|挂牌价|对客价|客人价|展示价|页面价|看到的价格|看到的价|展示的价格|sale price|selling price|retail price|guest price|public rate|price guests pay|guests (currently |now )?pay|travell?ers (currently |now )?pay)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NET = Pattern.compile(
            "(到手价|到手|结算价|净价|net price|net rate|\\bnet\\b|you (currently |now )?receive|you'd receive|you would receive|you (currently |now )?get|you'll get|you will get)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SALE_AFTER = Pattern.compile("^\\s*(的)?(售价|卖价|sale|selling|retail)", Pattern.CASE_INSENSITIVE);
    private static final Pattern NET_AFTER = Pattern.compile("^\\s*(的)?(到手|净价|结算价|net)", Pattern.CASE_INSENSITIVE);

    private final double tolerance;
    private final int window;

    public SaleNetConfusion(double points, Severity severity, double tolerance, int window) {
        super(ID, points, severity);
        this.tolerance = tolerance;
        this.window = window;
    }

    private enum Label { SALE, NET }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        List<Finding> out = new ArrayList<>();
        List<TaskInfo.Ticket> all = item.task().tickets();
        for (Texts.Price p : Texts.prices(r)) {
            Label label = label(r, p);
            if (label == null) {
                continue;
            }
            List<TaskInfo.Ticket> tickets = scope(r, p.begin(), all);
            boolean isSale = tickets.stream().anyMatch(t -> Texts.near(p.value(), t.salePrice(), tolerance));
            boolean isNet = tickets.stream().anyMatch(t -> Texts.near(p.value(), t.netPrice(), tolerance));
            if (label == Label.SALE && isNet && !isSale) {
                TaskInfo.Ticket t = tickets.stream().filter(x -> Texts.near(p.value(), x.netPrice(), tolerance)).findFirst().orElseThrow();
                out.add(finding(p.text(r) + " is called the sale price (售价) but it is the " + t.roomType()
                        + " net price (到手价); the sale price is " + Texts.money(t.salePrice()), r, p.begin(), p.end()));
            } else if (label == Label.NET && isSale && !isNet) {
                TaskInfo.Ticket t = tickets.stream().filter(x -> Texts.near(p.value(), x.salePrice(), tolerance)).findFirst().orElseThrow();
                out.add(finding(p.text(r) + " is called the net price (到手价) but it is the " + t.roomType()
                        + " sale price (售价); the net price is " + Texts.money(t.netPrice()), r, p.begin(), p.end()));
            }
        }
        return out;
    }

    /**
     * The tickets a price at {@code at} is about: those of the room type the reply names last before it (when
     * there are several tickets), else every ticket.
     */
    private static List<TaskInfo.Ticket> scope(String r, int at, List<TaskInfo.Ticket> tickets) {
        if (tickets.size() < 2) {
            return tickets;
        }
        String before = r.substring(Math.max(0, at - Texts.MAX_SENTENCE), at).toLowerCase(Locale.ROOT); // bounded: linear in the reply
        int best = -1;
        List<TaskInfo.Ticket> named = new ArrayList<>();
        for (TaskInfo.Ticket t : tickets) {
            int pos = lastMention(before, t.roomType());
            if (pos < 0) {
                continue;
            }
            if (pos > best) {
                best = pos;
                named.clear();
            }
            if (pos == best) {
                named.add(t);
            }
        }
        return named.isEmpty() ? tickets : named;
    }

    /** End of the last mention of a room type in {@code lower}: exact, or without the trailing 房/间/room; -1 if none. */
    private static int lastMention(String lower, String roomType) {
        String full = roomType.toLowerCase(Locale.ROOT).trim();
        String core = full.replaceAll("\\s*(房间|房|间|room|rooms)$", "");
        int end = -1;
        for (String name : full.equals(core) || core.length() < 2 ? List.of(full) : List.of(full, core)) {
            int i = name.isEmpty() ? -1 : lower.lastIndexOf(name);
            if (i >= 0) {
                end = Math.max(end, i + name.length());
            }
        }
        return end;
    }

    private Label label(String r, Texts.Price p) {
        String after = r.substring(p.end(), Math.min(r.length(), p.end() + 8));
        if (NET_AFTER.matcher(after).find()) {
            return Label.NET;
        }
        if (SALE_AFTER.matcher(after).find()) {
            return Label.SALE;
        }
        int from = Math.max(0, p.begin() - window);
        String before = r.substring(from, p.begin());
        int cut = Math.max(Math.max(before.lastIndexOf('。'), before.lastIndexOf('，')), Math.max(before.lastIndexOf(','), before.lastIndexOf(';')));
        for (int i = before.length() - 1; i >= 0; i--) {
            if (Character.isDigit(before.charAt(i))) {
                cut = Math.max(cut, i);
                break;
            }
        }
        before = before.substring(cut + 1);
        int sale = lastEnd(SALE.matcher(before));
        int net = lastEnd(NET.matcher(before));
        if (sale < 0 && net < 0) {
            return null;
        }
        return sale > net ? Label.SALE : Label.NET;
    }

    private static int lastEnd(Matcher m) {
        int end = -1;
        while (m.find()) {
            end = m.end();
        }
        return end;
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
            Rule r = new SaleNetConfusion(s.points(-40), s.severity(Severity.HIGH), s.getDouble("tolerance", 0.5), s.getInt("window", 32));
            s.done();
            return r;
        }
    }
}
