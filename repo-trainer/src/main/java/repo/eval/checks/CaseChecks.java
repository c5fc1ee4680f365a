package repo.eval.checks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;
import repo.rewards.ota.rules.Texts;

/**
 * Writes the checks of one evaluation case from its context: a guard check per guardrail that applies there (its
 * tag is the guardrail id, its severity the guardrail's), and the quality checks of the reply's SOP stage. These are
 * stored with the case; {@link Checks} evaluates them. The same builder serves the bad-case set, the online set and
 * the simulator's breach test, so "fixed", "new issue" and "breach" mean the same everywhere.
 */
public final class CaseChecks {
    private CaseChecks() {
    }

    /** The guardrail tags with their severities (the order of the guard checks). */
    public static final List<String> TAGS = List.of("internal-term-leak", "price-grounding", "sale-net-confusion", "over-promise",
            "hallucinated-fact", "press-after-accept", "silence-as-consent", "cot-leak", "ticket-coverage", "repetition",
            "mixed-language", "format", "length");

    public static Severity severity(String tag) {
        return switch (tag) {
            case "ticket-coverage", "repetition", "mixed-language" -> Severity.MEDIUM;
            case "format", "length" -> Severity.LOW;
            default -> Severity.HIGH;
        };
    }

    static final List<String> INTERNAL = List.of("工单", "目标价", "底价", "内部系统", "追价系统", "work order", "target price", "floor price", "internal system");
    static final List<String> COT = List.of("<think>", "</think>", "让我想想", "思考过程", "let me think", "as an ai", "作为ai", "作为一个ai");
    static final List<String> PROMISE = List.of("保证", "包您", "包你", "一定会", "肯定会", "百分之百", "100%", "guarantee", "definitely will", "promise you");
    static final List<String> CONSENT = List.of("默认您同意", "默认你同意", "既然您没有异议", "既然您没回复", "视为同意", "就当您同意", "当作您同意",
            "take that as a yes", "assume you agree", "since you didn't object", "since you did not object", "treat your silence");
    static final List<String> PRESS = List.of("再降", "再低", "再便宜", "再优惠", "lower still", "go lower", "a bit lower", "further down", "any lower");
    static final String FORMAT = "(^|\\n)\\s*(#{1,6}\\s|[-*•]\\s|\\d+\\.\\s)|\\*\\*|```|^\\s*(agent|assistant|user|客服|BD|酒店)\\s*[:：]|<\\|im_";
    static final List<String> EMPATHY = List.of("理解", "明白", "辛苦", "体谅", "不容易", "understand", "appreciate", "i see");

    public static List<Check> build(TaskInfo task, List<Turn> context, int stage, String lang) {
        List<Check> out = new ArrayList<>();
        List<String> rooms = task.tickets().stream().map(TaskInfo.Ticket::roomType).toList();
        List<String> names = new ArrayList<>();
        names.add(task.hotel().name());
        task.competitors().forEach(c -> names.add(c.hotel()));
        out.add(g("internal-term-leak", CheckKind.ABSENT, Skill.SOP_COMPLIANCE).withPhrases(INTERNAL));
        double lo = task.tickets().stream().mapToDouble(TaskInfo.Ticket::floorPrice).min().orElse(0);
        double hi = task.tickets().stream().mapToDouble(TaskInfo.Ticket::salePrice).max().orElse(0);
        out.add(g("price-grounding", CheckKind.PRICES_GROUNDED, Skill.SCOPE).withRange(lo, hi).withValues(contextValues(task, context)));
        out.add(g("sale-net-confusion", CheckKind.ABSENT_REGEX, Skill.SCOPE).withPattern(saleNetPattern(task)));
        out.add(g("over-promise", CheckKind.ABSENT, Skill.SCOPE).withPhrases(PROMISE));
        out.add(g("hallucinated-fact", CheckKind.KNOWN_HOTELS, Skill.SCOPE).withPhrases(names));
        Turn hotel = lastHotel(context);
        if (hotel != null && !hotel.content().isBlank()) {
            Double offered = offerAtOrBelowTarget(task, hotel.content());
            if (offered != null) {
                if (task.tickets().size() == 1) { // with several tickets a lower price may belong to another room type
                    out.add(new Check("press-after-accept#price", CheckKind.PRICES_GROUNDED, "press-after-accept", Severity.HIGH,
                            Skill.NEGOTIATION, true, null, null, offered, hi, contextValues(task, context).stream().filter(v -> v > offered).toList(), null));
                }
                out.add(new Check("press-after-accept#ask", CheckKind.ABSENT, "press-after-accept", Severity.HIGH,
                        Skill.NEGOTIATION, true, PRESS, null, null, null, null, null));
            }
        }
        if (hotel != null && hotel.content().isBlank()) {
            out.add(g("silence-as-consent", CheckKind.ABSENT, Skill.SOP_COMPLIANCE).withPhrases(CONSENT));
        }
        out.add(g("cot-leak", CheckKind.ABSENT, Skill.FLUENCY).withPhrases(COT));
        if (rooms.size() > 1 && (stage == 4 || stage == 6)) {
            out.add(g("ticket-coverage", CheckKind.MENTIONS_ALL, Skill.SOP_COMPLIANCE).withPhrases(rooms));
        }
        int k = 0;
        for (int i = context.size() - 1; i >= 0 && k < 2; i--) {
            if (context.get(i).role() == Turn.Role.AGENT) {
                out.add(new Check("repetition#" + (++k), CheckKind.MAX_SIMILARITY, "repetition", Severity.MEDIUM, Skill.FLUENCY, true,
                        null, null, null, 0.6, null, context.get(i).content()));
            }
        }
        List<String> allowed = new ArrayList<>(names);
        allowed.addAll(rooms);
        out.add(g("mixed-language", CheckKind.SCRIPT, Skill.FLUENCY).withText(lang).withPhrases(allowed));
        out.add(g("format", CheckKind.ABSENT_REGEX, Skill.FLUENCY).withPattern(FORMAT));
        out.add(g("length", CheckKind.LENGTH, Skill.FLUENCY).withRange(4, 400));
        out.addAll(quality(task, stage, rooms, lo));
        out.forEach(Check::validated);
        return out;
    }

    private static Check g(String tag, CheckKind kind, Skill skill) {
        return Check.guard(tag, kind, tag, severity(tag), skill);
    }

    private static List<Check> quality(TaskInfo task, int stage, List<String> rooms, double lo) {
        double maxNet = task.tickets().stream().mapToDouble(TaskInfo.Ticket::netPrice).max().orElse(0);
        List<String> compNames = new ArrayList<>(task.competitors().stream().map(TaskInfo.CompetitorOffer::hotel).toList());
        compNames.addAll(List.of("曝光", "转化", "预订", "exposure", "views", "convert", "bookings"));
        return switch (stage) {
            case 1 -> List.of(q("q-greeting", CheckKind.MENTIONS_ANY, Skill.SOP_COMPLIANCE, List.of("您好", "你好", "hello", "hi", "good day")),
                    q("q-identity", CheckKind.MENTIONS_ANY, Skill.SOP_COMPLIANCE, List.of("OTA", "平台", "platform")));
            case 2 -> List.of(q("q-room", CheckKind.MENTIONS_ANY, Skill.SCOPE, rooms));
            case 3 -> List.of(q("q-evidence", CheckKind.MENTIONS_ANY, Skill.SCOPE, compNames));
            case 4 -> List.of(q("q-room", CheckKind.MENTIONS_ANY, Skill.SCOPE, rooms),
                    new Check("q-price", CheckKind.STATES_PRICE, "q-price", Severity.LOW, Skill.NEGOTIATION, false, null, null, lo, maxNet, null, null));
            case 5 -> List.of(q("q-empathy", CheckKind.MENTIONS_ANY, Skill.SOP_COMPLIANCE, EMPATHY));
            case 6 -> List.of(q("q-all-rooms", CheckKind.MENTIONS_ALL, Skill.SOP_COMPLIANCE, rooms),
                    new Check("q-price", CheckKind.STATES_PRICE, "q-price", Severity.LOW, Skill.NEGOTIATION, false, null, null, 0.0, maxNet, null, null));
            case 7 -> List.of(q("q-thanks", CheckKind.MENTIONS_ANY, Skill.SOP_COMPLIANCE, List.of("谢谢", "感谢", "辛苦", "thank")));
            default -> List.of();
        };
    }

    private static Check q(String id, CheckKind kind, Skill skill, List<String> phrases) {
        return new Check(id, kind, id, Severity.LOW, skill, false, phrases, null, null, null, null, null);
    }

    private static List<Double> contextValues(TaskInfo task, List<Turn> context) {
        Set<Double> v = new LinkedHashSet<>();
        for (TaskInfo.Ticket t : task.tickets()) {
            v.add(t.salePrice());
            v.add(t.netPrice());
        }
        task.competitors().forEach(c -> v.add(c.price()));
        for (Turn t : context) {
            Texts.loosePrices(t.content()).forEach(p -> v.add(p.value()));
        }
        return List.copyOf(v);
    }

    private static String saleNetPattern(TaskInfo task) {
        List<String> alts = new ArrayList<>();
        for (TaskInfo.Ticket t : task.tickets()) {
            alts.add("(售价|卖价|sale price|selling price|sells at)[^0-9。！？.!?]{0,8}" + Pattern.quote(num(t.netPrice())) + "(?![0-9])");
            alts.add("(到手价|净价|net price|net rate)[^0-9。！？.!?]{0,8}" + Pattern.quote(num(t.salePrice())) + "(?![0-9])");
        }
        return String.join("|", alts);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static Turn lastHotel(List<Turn> context) {
        for (int i = context.size() - 1; i >= 0; i--) {
            if (context.get(i).role() == Turn.Role.HOTEL) {
                return context.get(i);
            }
        }
        return null;
    }

    /**
     * The lowest price of a hotel turn when every price it states is at or below the target of its ticket (the room
     * type mentioned nearest to the price; the only ticket; the lowest target when no room type is mentioned); else null.
     */
    static Double offerAtOrBelowTarget(TaskInfo task, String hotelTurn) {
        List<Texts.Price> ps = Texts.loosePrices(hotelTurn);
        if (ps.isEmpty()) {
            return null;
        }
        double min = Double.MAX_VALUE;
        for (Texts.Price p : ps) {
            if (p.value() > targetNear(task, hotelTurn, p.begin()) + 1e-9) {
                return null;
            }
            min = Math.min(min, p.value());
        }
        return min;
    }

    private static double targetNear(TaskInfo task, String text, int pos) {
        double lowest = task.tickets().stream().mapToDouble(TaskInfo.Ticket::targetPrice).min().orElse(0);
        if (task.tickets().size() == 1) {
            return task.tickets().get(0).targetPrice();
        }
        int best = Integer.MAX_VALUE;
        double target = lowest;
        for (TaskInfo.Ticket t : task.tickets()) {
            String core = t.roomType().replaceAll("(房间|房|间)$", "");
            for (int at = text.indexOf(core); at >= 0; at = text.indexOf(core, at + 1)) {
                int dist = Math.abs(at - pos);
                if (dist < best) {
                    best = dist;
                    target = t.targetPrice();
                }
            }
        }
        return target;
    }
}
