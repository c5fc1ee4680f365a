package repo.rewards.ota;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import repo.rewards.api.Finding;
import repo.rewards.judge.*;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/**
 * A deterministic stand-in for the LLM judge, for runs without one (CI, laptops, smoke tests): keyword and regex
 * heuristics (Chinese and English) per item id of the built-in rubric. It is much weaker than a judge model, so
 * every result is labelled: source {@value JudgeSources#OFFLINE_RULES}, {@link #offline()} true, and each finding's
 * message starts with {@code [offline heuristic]}. Points and severities come from the rubric, so an edited rubric
 * still applies; items without a heuristic (e.g. {@code unsupported-claim}, or ids a custom rubric adds) are never
 * hit and are listed by {@link #unassessed()}.
 */
public final class RubricRulesJudge implements Judge {
    /** Prefix of every finding message. */
    public static final String LABEL = "[offline heuristic] ";

    private final Rubric rubric;
    private final Map<String, Check> checks = new LinkedHashMap<>();
    private final List<String> unassessed = new ArrayList<>();
    private final JudgeCounters counters = new JudgeCounters();

    /** One heuristic: a hit with its evidence (a span of the reply, or null) and reason, or empty. */
    @FunctionalInterface
    interface Check {
        Optional<Hit> test(Context c);
    }

    record Hit(Matcher evidence, String reason) {
    }

    /**
     * Rubric items that restate a deterministic rule (over-promise, press-after-accept, silence-as-consent,
     * repetition, format, ticket-coverage): the offline judge leaves them to the rules, so REPO does not
     * penalise the same behaviour twice with a weaker word list.
     */
    public static final List<String> LEFT_TO_RULES = List.of("over-promise", "press-after-acceptance", "silence-as-consent",
            "repeated-confirmation", "style-issues", "ignores-other-tickets");

    public RubricRulesJudge(Rubric rubric) {
        this.rubric = rubric;
        Map<String, Check> known = builtinChecks();
        LEFT_TO_RULES.forEach(known::remove);
        for (RubricItem it : rubric.items()) {
            Check c = known.get(it.id());
            if (c == null) {
                unassessed.add(it.id());
            } else {
                checks.put(it.id(), c);
            }
        }
    }

    /** Rubric item ids this judge has no heuristic for: never hit. */
    public List<String> unassessed() {
        return List.copyOf(unassessed);
    }

    @Override
    public boolean offline() {
        return true;
    }

    @Override
    public SourceResult judge(ScoredItem item) {
        long t0 = System.nanoTime();
        counters.calls.incrementAndGet();
        counters.attempts.incrementAndGet();
        Context ctx = new Context(item);
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, Check> e : checks.entrySet()) {
            Optional<Hit> hit = e.getValue().test(ctx);
            if (hit.isPresent()) {
                RubricItem ri = rubric.item(e.getKey()).orElseThrow();
                Matcher m = hit.get().evidence();
                Finding.Evidence ev = m == null ? null : Finding.Evidence.ofUtf16(ctx.reply, m.start(), m.end()); // code points
                findings.add(new Finding(ri.id(), ri.severity(), ri.points(), LABEL + hit.get().reason(), ev));
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        counters.callSucceeded(ms);
        return SourceResult.ok(sourceName(), JudgeResponseParser.points(findings), findings, ms);
    }

    @Override
    public JudgeStats stats() {
        return counters.snapshot();
    }

    // ---- the heuristics ----------------------------------------------------------------------------------------

    private static final Pattern EMPATHY = words("理解", "体谅", "辛苦", "不容易", "明白您", "感谢", "谢谢", "抱歉", "不好意思",
            "understand", "appreciate", "sorry", "thank");
    private static final Pattern OBJECTION = words("太低", "太少", "不行", "做不了", "没法", "没办法", "亏", "成本", "不能再",
            "压力", "不划算", "降不了", "不同意", "不接受", "不可以", "too low", "can't", "cannot", "loss", "cost", "no way");
    private static final Pattern ACCEPT = words("可以", "同意", "没问题", "行吧", "就按", "答应", "接受", "好的", "成交",
            "ok", "okay", "agree", "deal", "accept", "fine");
    private static final Pattern PRESS = words("再降", "再低", "再便宜", "再少", "能不能再", "还能再", "再让", "再优惠", "更低",
            "再往下", "lower", "further", "more discount", "a bit more");
    private static final Pattern OVER_PROMISE = Pattern.compile(
            "(保证|一定会|一定能|肯定会|肯定能|确保|包您|百分之百|100%).{0,15}(流量|曝光|排名|订单|预订|入住|销量|间夜|收益|营收|生意|客人|客源)"
                    + "|(?i)\\bguarantee[ds]?\\b|\\bpromise you\\b");
    private static final Pattern CONFIRM = words("确认", "confirm");
    private static final Pattern CONSENT_CLAIM = words("就按", "已为您", "已经为您", "已帮您", "默认", "视为", "就这么定",
            "就当", "帮您更新", "为您调整", "没有异议", "go ahead", "take that as", "i'll update", "we'll update");
    private static final Pattern NO_REPLY = Pattern.compile("^\\s*(\\(no reply\\)|\\[?无回复]?|\\[?未回复]?|…+|\\.+)?\\s*$");
    private static final Pattern ASK_PRICE = words("降到", "调到", "改成", "调整到", "降至", "lower to", "reduce to", "drop to");
    private static final Pattern ALTERNATIVE = words("部分日期", "少几天", "几天", "平日", "工作日", "周末", "套餐", "先试", "试行",
            "小幅", "少降", "折中", "各让一步", "分阶段", "fewer dates", "weekday", "package", "trial", "halfway", "smaller cut");
    /** Warmth: polite address, greetings, appreciation, understanding, good wishes (calibrated on the evaluation set). */
    private static final Pattern POLITE = words("您", "请", "谢谢", "感谢", "麻烦", "辛苦", "经理", "理解", "明白", "好的", "不好意思",
            "抱歉", "祝", "please", "thank", "appreciate", "hello", "hi", "great", "glad", "happy", "hope", "wonderful", "nice",
            "welcome", "sorry", "understand", "sure", "love", "awesome", "good", "ms", "mr", "mrs", "dear", "kind", "fair");
    private static final Pattern MARKDOWN = Pattern.compile("(?m)^\\s{0,3}#{1,6}\\s|\\*\\*|^\\s*[-*+]\\s+\\S|^\\s*\\d+\\.\\s+\\S|`");
    private static final Pattern SHOUTING = Pattern.compile("[!！]{2,}|(?i)\\b(assistant|user|system)\\s*:|<\\|im_");
    private static final Pattern PRICE = Pattern.compile("[¥￥]?\\s*(\\d{2,6}(?:\\.\\d+)?)\\s*(?:元|块|rmb|RMB|CNY)?");
    private static final int OVERLONG_CHARS = 300;

    private static Map<String, Check> builtinChecks() {
        Map<String, Check> m = new LinkedHashMap<>();
        m.put("no-empathy", c -> c.hotelObjects() && !EMPATHY.matcher(c.reply).find()
                ? hit(null, "the hotel objected (\"" + c.objection() + "\") and the reply has no acknowledging or soothing words")
                : Optional.empty());
        m.put("press-after-acceptance", c -> {
            Matcher press = PRESS.matcher(c.reply);
            return c.hotelAcceptedOrOfferedTarget() && press.find()
                    ? hit(press, "the hotel accepted or offered a price at or below target, and the reply asks for more") : Optional.empty();
        });
        m.put("over-promise", c -> {
            Matcher p = OVER_PROMISE.matcher(c.reply);
            return p.find() ? hit(p, "the reply guarantees an outcome the agent cannot control") : Optional.empty();
        });
        m.put("repeated-confirmation", c -> {
            Matcher conf = CONFIRM.matcher(c.reply);
            long earlier = c.agentTurns().stream().filter(t -> CONFIRM.matcher(t).find()).count();
            boolean hotelConfirmed = c.hotelTurns().stream().anyMatch(t -> CONFIRM.matcher(t).find() || ACCEPT.matcher(t).find());
            return conf.find() && earlier >= 1 && hotelConfirmed
                    ? hit(conf, "the reply asks for a confirmation again after the hotel already confirmed") : Optional.empty();
        });
        m.put("silence-as-consent", c -> {
            Matcher claim = CONSENT_CLAIM.matcher(c.reply);
            return c.hotelSilent() && claim.find()
                    ? hit(claim, "the hotel has not answered, and the reply treats that as agreement") : Optional.empty();
        });
        m.put("off-sop", c -> {
            Matcher ask = ASK_PRICE.matcher(c.reply);
            return c.agentTurns().isEmpty() && ask.find() && c.pricesIn(c.reply).findAny().isPresent()
                    ? hit(ask, "the opening message asks for a specific price before greeting, purpose and evidence") : Optional.empty();
        });
        m.put("no-negotiation-progress", c -> c.history.size() >= 2 && !PRICE.matcher(c.reply).find()
                && !c.reply.contains("?") && !c.reply.contains("？") && !c.mentionsCompetitor() && !c.mentionsRoomType()
                && !ALTERNATIVE.matcher(c.reply).find() && !CONFIRM.matcher(c.reply).find() && !EMPATHY.matcher(c.reply).find()
                ? hit(null, "the reply has no price, question, evidence, alternative or confirmation") : Optional.empty());
        m.put("poor-emotional-value", c -> !POLITE.matcher(c.reply).find()
                ? hit(null, "the reply has no polite or appreciative wording") : Optional.empty());
        m.put("style-issues", c -> {
            Matcher md = MARKDOWN.matcher(c.reply);
            if (md.find()) {
                return hit(md, "markdown formatting in a chat message");
            }
            Matcher sh = SHOUTING.matcher(c.reply);
            if (sh.find()) {
                return hit(sh, "repeated exclamation marks or a role tag");
            }
            return c.reply.length() > OVERLONG_CHARS
                    ? hit(null, "overlong chat message (" + c.reply.length() + " characters)") : Optional.empty();
        });
        m.put("ignores-other-tickets", c -> {
            List<TaskInfo.Ticket> tickets = c.item.task().tickets();
            if (tickets.size() < 2 || !(PRICE.matcher(c.reply).find() || CONFIRM.matcher(c.reply).find())) {
                return Optional.empty();
            }
            List<String> named = tickets.stream().map(TaskInfo.Ticket::roomType).filter(c.reply::contains).toList();
            List<String> missing = tickets.stream().map(TaskInfo.Ticket::roomType).filter(r -> !c.reply.contains(r)).distinct().toList();
            return !named.isEmpty() && !missing.isEmpty()
                    ? hit(null, "the reply names " + String.join(", ", named) + " but not " + String.join(", ", missing)) : Optional.empty();
        });
        m.put("cites-competitor-evidence", c -> {
            for (TaskInfo.CompetitorOffer o : c.item.task().competitors()) {
                boolean named = (o.hotel() != null && !o.hotel().isBlank() && c.reply.contains(o.hotel()))
                        || (o.room() != null && !o.room().isBlank() && c.reply.contains(o.room()));
                Matcher price = Pattern.compile("(?<![\\d.])" + Pattern.quote(formatPrice(o.price())) + "(?![\\d])").matcher(c.reply);
                if (named && price.find()) {
                    return hit(price, "cites " + o.hotel() + " at " + formatPrice(o.price()) + " as in the task information");
                }
            }
            return Optional.empty();
        });
        m.put("offers-alternative", c -> {
            Matcher alt = ALTERNATIVE.matcher(c.reply);
            return c.hotelObjects() && alt.find() ? hit(alt, "offers an alternative after the objection") : Optional.empty();
        });
        m.put("accepts-acceptable-offer", c -> {
            Matcher conf = CONFIRM.matcher(c.reply);
            return c.hotelOfferedTarget() && !PRESS.matcher(c.reply).find() && conf.find()
                    && (ACCEPT.matcher(c.reply).find() || EMPATHY.matcher(c.reply).find())
                    ? hit(conf, "accepts the hotel's acceptable offer and moves to confirmation") : Optional.empty();
        });
        return m;
    }

    private static Optional<Hit> hit(Matcher evidence, String reason) {
        return Optional.of(new Hit(evidence, reason));
    }

    private static Pattern words(String... ws) {
        StringBuilder sb = new StringBuilder("(?i)");
        for (int i = 0; i < ws.length; i++) {
            String w = ws[i];
            boolean ascii = w.chars().allMatch(ch -> ch < 128);
            sb.append(i == 0 ? "" : "|").append(ascii ? "\\b" + Pattern.quote(w) + "\\b" : Pattern.quote(w));
        }
        return Pattern.compile(sb.toString());
    }

    private static String formatPrice(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    /** What the heuristics look at, computed once per item. */
    static final class Context {
        final ScoredItem item;
        final String reply;
        final List<Turn> history;
        final String lastHotel; // null when the hotel has not spoken since the agent's last turn

        Context(ScoredItem item) {
            this.item = item;
            this.reply = item.reply();
            this.history = item.history();
            Turn last = history.isEmpty() ? null : history.get(history.size() - 1);
            this.lastHotel = last != null && last.role() == Turn.Role.HOTEL ? last.content() : null;
        }

        List<String> agentTurns() {
            return history.stream().filter(t -> t.role() == Turn.Role.AGENT).map(Turn::content).toList();
        }

        List<String> hotelTurns() {
            return history.stream().filter(t -> t.role() == Turn.Role.HOTEL).map(Turn::content).toList();
        }

        boolean hotelSilent() {
            boolean agentSpoke = !agentTurns().isEmpty();
            return agentSpoke && (lastHotel == null || NO_REPLY.matcher(lastHotel).matches());
        }

        String objection() {
            if (lastHotel == null) {
                return null;
            }
            Matcher m = OBJECTION.matcher(lastHotel);
            return m.find() ? m.group() : null;
        }

        boolean hotelObjects() {
            return objection() != null;
        }

        boolean hotelOfferedTarget() {
            if (lastHotel == null) {
                return false;
            }
            double minFloor = item.task().tickets().stream().mapToDouble(TaskInfo.Ticket::floorPrice).min().orElse(0);
            double maxTarget = item.task().tickets().stream().mapToDouble(TaskInfo.Ticket::targetPrice).max().orElse(0);
            return pricesIn(lastHotel).anyMatch(p -> p <= maxTarget && p >= 0.5 * minFloor) && !OBJECTION.matcher(lastHotel).find();
        }

        boolean hotelAcceptedOrOfferedTarget() {
            return lastHotel != null && (hotelOfferedTarget() || (ACCEPT.matcher(lastHotel).find() && !OBJECTION.matcher(lastHotel).find()));
        }

        java.util.stream.DoubleStream pricesIn(String text) {
            Matcher m = PRICE.matcher(text);
            java.util.stream.DoubleStream.Builder b = java.util.stream.DoubleStream.builder();
            while (m.find()) {
                b.add(Double.parseDouble(m.group(1)));
            }
            return b.build();
        }

        boolean mentionsCompetitor() {
            return item.task().competitors().stream().anyMatch(o -> o.hotel() != null && !o.hotel().isBlank() && reply.contains(o.hotel()));
        }

        boolean mentionsRoomType() {
            String lower = reply.toLowerCase(Locale.ROOT);
            return item.task().tickets().stream().anyMatch(t -> lower.contains(t.roomType().toLowerCase(Locale.ROOT)));
        }
    }
}
