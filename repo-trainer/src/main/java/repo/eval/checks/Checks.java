package repo.eval.checks;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import repo.rewards.ota.rules.Texts;

/**
 * Evaluates a {@link Check} on a reply: pure functions, no model. This is the evaluation's own code path; it
 * shares only the price reading ({@link Texts#prices}) with the training reward's rules.
 */
public final class Checks {
    private Checks() {
    }

    private static final Pattern ZH_HOTEL = Pattern.compile("(\\p{IsHan}{1,3})(?:大酒店|酒店|宾馆|饭店|客栈)");
    private static final Pattern GENERIC_BEFORE = Pattern.compile("(贵|本|我们|你们|咱们|这家|那家|附近|周边|档次|同类|同级|的|这家|那家|哪家|每家|几家|其他|别|各|整体|星级|高档|豪华|经济|舒适)$");
    private static final Pattern EN_HOTEL = Pattern.compile("((?:[A-Z][A-Za-z]+ ){1,4})(?:Hotel|Inn)\\b");
    private static final Pattern EN_RUN = Pattern.compile("[A-Za-z]+(?:[\\s'-]+[A-Za-z]+)+");
    private static final Pattern ZH_RUN = Pattern.compile("\\p{IsHan}{2,}");
    private static final Set<String> ALWAYS_ALLOWED = Set.of("ota", "app", "vip", "ok", "wifi");

    /** True when the reply passes the check. */
    public static boolean passes(Check c, String reply) {
        return switch (c.kind()) {
            case ABSENT -> c.phrases().stream().noneMatch(p -> reply.toLowerCase(Locale.ROOT).contains(p.toLowerCase(Locale.ROOT)));
            case ABSENT_REGEX -> !Pattern.compile(c.pattern(), Pattern.CASE_INSENSITIVE | Pattern.MULTILINE).matcher(reply).find();
            case MENTIONS_ALL -> c.phrases().stream().allMatch(p -> mentions(reply, p));
            case MENTIONS_ANY -> c.phrases().stream().anyMatch(p -> mentions(reply, p));
            case PRICES_GROUNDED -> Texts.prices(reply).stream().allMatch(p -> grounded(p.value(), c));
            case STATES_PRICE -> Texts.prices(reply).stream().anyMatch(p -> p.value() >= c.min() - 1e-9 && p.value() <= c.max() + 1e-9);
            case MAX_SIMILARITY -> similarity(reply, c.text()) <= c.max();
            case LENGTH -> {
                int n = reply.strip().codePointCount(0, reply.strip().length());
                yield n >= c.min() && n <= c.max();
            }
            case SCRIPT -> scriptClean(reply, c.text(), c.phrases());
            case KNOWN_HOTELS -> knownHotels(reply, c.phrases());
        };
    }

    private static boolean grounded(double v, Check c) {
        if (v >= c.min() - 1e-9 && v <= c.max() + 1e-9) {
            return true;
        }
        return c.values().stream().anyMatch(x -> Math.abs(x - v) <= 0.5);
    }

    /** Mentioned after normalisation (lower case, letters and digits); a room type also without 房/间/room. */
    public static boolean mentions(String reply, String phrase) {
        String r = norm(reply);
        String p = norm(phrase);
        if (p.isEmpty() || r.contains(p)) {
            return true;
        }
        String core = p.replaceAll("(房间|房|间|room|rooms|suite)$", "");
        return core.length() >= 2 && !core.equals(p) && r.contains(core);
    }

    private static String norm(String s) {
        StringBuilder sb = new StringBuilder();
        s.toLowerCase(Locale.ROOT).codePoints().filter(Character::isLetterOrDigit).forEach(sb::appendCodePoint);
        return sb.toString();
    }

    /** Character-trigram Jaccard similarity of the normalised texts (0 when both are shorter than 3). */
    public static double similarity(String a, String b) {
        Set<String> x = trigrams(a);
        Set<String> y = trigrams(b);
        if (x.isEmpty() || y.isEmpty()) {
            return 0;
        }
        Set<String> inter = new HashSet<>(x);
        inter.retainAll(y);
        return inter.size() / (double) (x.size() + y.size() - inter.size());
    }

    private static Set<String> trigrams(String s) {
        int[] cps = norm(s).codePoints().toArray();
        Set<String> out = new HashSet<>();
        for (int i = 0; i + 3 <= cps.length; i++) {
            out.add(new String(cps, i, 3));
        }
        return out;
    }

    private static boolean scriptClean(String reply, String lang, List<String> allowed) {
        String rest = reply;
        for (String a : allowed) {
            if (!a.isEmpty()) {
                rest = rest.replace(a, " ");
            }
        }
        Matcher m = ("zh".equals(lang) ? EN_RUN : ZH_RUN).matcher(rest);
        while (m.find()) {
            String run = m.group().toLowerCase(Locale.ROOT);
            if ("zh".equals(lang) && java.util.Arrays.stream(run.split("[\\s'-]+")).allMatch(ALWAYS_ALLOWED::contains)) {
                continue;
            }
            return false;
        }
        return true;
    }

    private static boolean knownHotels(String reply, List<String> allowed) {
        String rest = reply;
        for (String a : allowed) {
            String core = a.replaceAll("[(（][^)）]*[)）]$", "").strip();
            rest = rest.replace(a, " ");
            if (core.length() >= 3) {
                rest = rest.replace(core, " ");
            }
        }
        Matcher zh = ZH_HOTEL.matcher(rest);
        while (zh.find()) {
            if (!GENERIC_BEFORE.matcher(zh.group(1)).find()) {
                return false;
            }
        }
        Matcher en = EN_HOTEL.matcher(rest);
        while (en.find()) {
            if (!en.group(1).strip().matches("(?i)(the|your|our|this|that|a|an|my|every|each)")) {
                return false;
            }
        }
        return true;
    }
}
