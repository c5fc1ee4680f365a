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

/**
 * {@code mixed-language}: a reply mostly in Chinese holds a run of more than {@code max_latin_words}
 * English words, or a reply mostly in English holds a run of more than {@code max_han_chars} Chinese
 * characters. Numbers, currency, URLs, the task's hotel, city, room and competitor names and the
 * {@code allow} list (OTA, App, VIP, OK, CNY, RMB, Wi-Fi, eBooking...) are ignored. The main language is
 * Chinese when the reply has at least as many Han characters as English words.
 */
public final class MixedLanguage extends Rule {
    public static final String ID = "mixed-language";
    public static final List<String> DEFAULT_ALLOW = List.of("OTA", "App", "APP", "VIP", "OK", "ok", "CNY", "RMB", "yuan", "Wi-Fi",
            "WiFi", "wifi", "eBooking", "ebooking", "BD", "ID", "PK", "KPI", "SPA");
    private static final Pattern LATIN_RUN = Pattern.compile("[A-Za-z][A-Za-z'’-]*(?:[\\s,.'’-]+[A-Za-z][A-Za-z'’-]*)*");
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z'’-]*");
    private static final Pattern HAN_RUN = Pattern.compile("\\p{IsHan}+(?:[，、\\s]*\\p{IsHan}+)*");
    private static final Pattern HAN = Pattern.compile("\\p{IsHan}");
    /** URLs start with a literal scheme, so each match attempt is cheap; e-mail addresses are found from their '@' (see {@link #emails}). */
    private static final Pattern URL = Pattern.compile("https?://\\S{1,2048}+");

    private final int maxLatinWords;
    private final int maxHanChars;
    private final List<String> allow;

    public MixedLanguage(double points, Severity severity, int maxLatinWords, int maxHanChars, List<String> allow) {
        super(ID, points, severity);
        this.maxLatinWords = maxLatinWords;
        this.maxHanChars = maxHanChars;
        this.allow = List.copyOf(allow);
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        String masked = mask(r, item.task());
        int han = count(HAN.matcher(masked));
        int words = count(WORD.matcher(masked));
        List<Finding> out = new ArrayList<>();
        if (han == 0 || words == 0) {
            return out;
        }
        if (han >= words) {
            Matcher m = LATIN_RUN.matcher(masked);
            while (m.find()) {
                int n = count(WORD.matcher(m.group()));
                if (n > maxLatinWords) {
                    int e = m.end();
                    while (e > m.start() && !Character.isLetter(masked.charAt(e - 1))) {
                        e--;
                    }
                    out.add(finding("a Chinese reply switches to English for " + n + " words: \"" + r.substring(m.start(), e) + "\"",
                            r, m.start(), e));
                }
            }
        } else {
            Matcher m = HAN_RUN.matcher(masked);
            while (m.find()) {
                int n = count(HAN.matcher(m.group()));
                if (n > maxHanChars) {
                    out.add(finding("an English reply switches to Chinese for " + n + " characters: \"" + m.group() + "\"",
                            r, m.start(), m.end()));
                }
            }
        }
        return out;
    }

    private String mask(String r, TaskInfo task) {
        List<String> names = new ArrayList<>(allow);
        names.add(task.hotel().name());
        if (task.hotel().city() != null) {
            names.add(task.hotel().city());
        }
        for (TaskInfo.Ticket t : task.tickets()) {
            names.add(t.roomType());
        }
        for (TaskInfo.CompetitorOffer c : task.competitors()) {
            if (c.hotel() != null) {
                names.add(c.hotel());
            }
            if (c.room() != null) {
                names.add(c.room());
            }
        }
        char[] chars = r.toCharArray();
        for (int[] m : Texts.findLiterals(r, names)) {
            java.util.Arrays.fill(chars, m[0], m[1], ' ');
        }
        Matcher u = URL.matcher(r);
        while (u.find()) {
            java.util.Arrays.fill(chars, u.start(), u.end(), ' ');
        }
        for (int[] e : emails(r)) {
            java.util.Arrays.fill(chars, e[0], e[1], ' ');
        }
        return new String(chars);
    }

    /**
     * E-mail addresses, found in linear time: from each '@', at most 64 local-part characters to the left and 255
     * domain characters (with a dot) to the right. (The regex {@code \\S+@\\S+\\.\\w+} it replaces was quadratic
     * on text without spaces.)
     */
    static List<int[]> emails(String r) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        for (int at = r.indexOf('@'); at >= 0; at = r.indexOf('@', at + 1)) {
            int b = at;
            while (b > Math.max(from, at - 64) && local(r.charAt(b - 1))) {
                b--;
            }
            int e = at + 1;
            int lastDot = -1;
            while (e < r.length() && e - at <= 255 && (Character.isLetterOrDigit(r.charAt(e)) || r.charAt(e) == '-' || r.charAt(e) == '.')) {
                if (r.charAt(e) == '.') {
                    lastDot = e;
                }
                e++;
            }
            while (e > at + 1 && r.charAt(e - 1) == '.') {
                e--;
            }
            if (b < at && lastDot > at + 1 && lastDot < e - 1) {
                out.add(new int[] {b, e});
                from = e;
            }
        }
        return out;
    }

    private static boolean local(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '+' || c == '-';
    }

    private static int count(Matcher m) {
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
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
            Rule r = new MixedLanguage(s.points(-15), s.severity(Severity.MEDIUM), s.getInt("max_latin_words", 1),
                    s.getInt("max_han_chars", 1), s.getStrings("allow", DEFAULT_ALLOW));
            s.done();
            return r;
        }
    }
}
