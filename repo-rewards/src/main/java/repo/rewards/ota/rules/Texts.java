package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/** Text helpers shared by the rules: prices, percentages, normalisation, n-grams, negation. Chinese and English. */
public final class Texts {
    private Texts() {
    }

    /**
     * A price found in a text.
     *
     * @param value the amount
     * @param begin start of the mention (currency sign included)
     * @param end end of the mention (unit included)
     * @param numBegin start of the digits
     * @param numEnd end of the digits
     */
    public record Price(double value, int begin, int end, int numBegin, int numEnd) {
        public String text(String s) {
            return s.substring(begin, end);
        }
    }

    /** A percentage or a Chinese 折 discount, as the fraction taken off (10% off, 九折 = 0.10). */
    public record Discount(double off, int begin, int end) {
    }

    private static final Pattern NUMBER = Pattern.compile("(?<![\\d.,])(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?(?![\\d])");
    private static final Pattern CURRENCY_BEFORE = Pattern.compile("(?:¥|￥|RMB|CNY|rmb|cny|US\\$|NT\\$|HK\\$|\\$|USD|usd|TWD|NTD|HKD)\\s*$");
    private static final Pattern CURRENCY_AFTER = Pattern.compile(
            "^\\s*(元|块钱|块|美元|台币|新台币|港币|yuan|dollars?|bucks|RMB|CNY|USD|TWD|NTD|rmb|cny|usd)(?![A-Za-z])");
    /** A thousands suffix right after the digits: 0.9k, 1.2K. */
    private static final Pattern THOUSANDS_AFTER = Pattern.compile("^[kK](?![A-Za-z])");
    /** Money that is no room price: deposits, fees held back ("押金500元", "the $50 deposit"). */
    private static final Pattern NOT_A_RATE_BEFORE = Pattern.compile("(押金|定金|订金|保证金|deposit|bond)[^\\d]{0,6}$", Pattern.CASE_INSENSITIVE);
    private static final Pattern NOT_A_RATE_AFTER = Pattern.compile("^\\s*(的)?(押金|定金|订金|保证金|deposit|security deposit|bond)", Pattern.CASE_INSENSITIVE);
    private static final Pattern YEAR_BEFORE = Pattern.compile("\\b(in|of|since|by|until|from|year|early|late|mid)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern PRICE_CUE_BEFORE = Pattern.compile(
            "(价|价格|房价|报价|房费|卖|price|rate|receive|pay|pays|paying|charge|charges|charging|costs?|make it|confirm|confirmed|到|至|降到|降至|调到|调至|调整为|调整到|改为|改成|改到|给到|做到|定在|\\blower to|\\bdown to|\\bdrop to|\\breduce to|\\breduced to|\\badjust to|\\badjusted to|\\bat|\\bto|\\bfor|\\bof|\\bis)"
                    + "\\s*(?:[:：是为在])?\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern UNIT_AFTER = Pattern.compile(
            "^\\s*(%|％|折|晚|间|天|日|号|月|年|人|个|家|星|倍|次|点|分|条|位|张|周|小时|成|万|米|公里|千米|层|楼|平|㎡|:|：\\d|-\\d|/\\d|\\.\\d|nights?\\b|rooms?\\b|days?\\b|stars?\\b|times\\b|x\\b|percent|pm\\b|am\\b|th\\b|st\\b|nd\\b|rd\\b|km\\b|m\\b|meters?\\b|metres?\\b|miles?\\b|minutes?\\b|mins?\\b|cents?\\b|floors?\\b|people\\b|guests?\\b|children\\b|kids?\\b)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DATE_BEFORE = Pattern.compile("(\\d[-/.]|第)$");

    /**
     * Prices a reply states: numbers with a currency sign or unit (¥, ￥, RMB, CNY, 元, 块, yuan), or
     * numbers of at least 50 right after a price word (价, 报价, price, rate, 降到, "to", ...) and not followed
     * by a unit such as %, 折, 晚, 间, nights, or a date/time separator.
     */
    public static List<Price> prices(String s) {
        return scan(s, false);
    }

    /**
     * Every number of at least 50 that is not a date, time, percentage or count: what a dialogue history
     * may have said about prices. Used for context, where recall matters more than precision.
     */
    public static List<Price> loosePrices(String s) {
        return scan(s, true);
    }

    private static List<Price> scan(String s, boolean loose) {
        List<Price> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(s);
        while (m.find()) {
            int nb = m.start(), ne = m.end();
            double v = Double.parseDouble(m.group().replace(",", ""));
            String before = s.substring(Math.max(0, nb - 12), nb);
            String after = s.substring(ne, Math.min(s.length(), ne + 10));
            Matcher cb = CURRENCY_BEFORE.matcher(before);
            Matcher ca = CURRENCY_AFTER.matcher(after);
            boolean curBefore = cb.find();
            boolean curAfter = ca.find();
            Matcher th = THOUSANDS_AFTER.matcher(after);
            boolean thousands = !curAfter && th.find();
            if (thousands) {
                v *= 1000;
            }
            int begin = curBefore ? nb - (before.length() - cb.start()) : nb;
            int end = curAfter ? ne + ca.end() : thousands ? ne + th.end() : ne;
            if (NOT_A_RATE_BEFORE.matcher(before).find() || NOT_A_RATE_AFTER.matcher(s.substring(end, Math.min(s.length(), end + 12))).find()
                    || m.group(1).length() >= 7 || DATE_BEFORE.matcher(before).find()
                    || (v >= 1900 && v <= 2100 && v == Math.rint(v) && YEAR_BEFORE.matcher(before).find())) {
                continue; // deposits, phone numbers, dates and years are no prices
            }
            if (curBefore || curAfter || thousands) {
                out.add(new Price(v, begin, end, nb, ne));
                continue;
            }
            if (v < 50 || UNIT_AFTER.matcher(after).find() || DATE_BEFORE.matcher(before).find()) {
                continue;
            }
            if (loose || PRICE_CUE_BEFORE.matcher(before).find()) {
                out.add(new Price(v, nb, ne, nb, ne));
            }
        }
        return out;
    }

    private static final Pattern PERCENT = Pattern.compile("(?<![\\d.])(\\d+(?:\\.\\d+)?)\\s*(?:%|％|percent)|百分之(\\d+(?:\\.\\d+)?)");
    private static final Pattern ZHE = Pattern.compile("(?<![\\d.])(\\d{1,2}(?:\\.\\d)?|[一二三四五六七八九]{1,2})\\s*折");
    private static final String CN_DIGITS = "零一二三四五六七八九";

    /** Percentages (10%, 百分之十 in digits) and 折 discounts (九折, 8.5折, 八五折) as fractions taken off. */
    public static List<Discount> discounts(String s) {
        List<Discount> out = new ArrayList<>();
        Matcher m = PERCENT.matcher(s);
        while (m.find()) {
            String g = m.group(1) != null ? m.group(1) : m.group(2);
            out.add(new Discount(Double.parseDouble(g) / 100.0, m.start(), m.end()));
        }
        Matcher z = ZHE.matcher(s);
        while (z.find()) {
            String g = z.group(1);
            double tenths;
            if (Character.isDigit(g.charAt(0))) {
                tenths = g.length() == 2 && g.indexOf('.') < 0 ? Double.parseDouble(g) / 10.0 : Double.parseDouble(g); // 95折 = 9.5折
            } else if (g.length() == 1) {
                tenths = CN_DIGITS.indexOf(g.charAt(0));
            } else {
                tenths = CN_DIGITS.indexOf(g.charAt(0)) + CN_DIGITS.indexOf(g.charAt(1)) / 10.0;
            }
            out.add(new Discount(1 - tenths / 10.0, z.start(), z.end()));
        }
        out.sort((a, b) -> Integer.compare(a.begin(), b.begin()));
        return out;
    }

    /** Prices the task and the history make available: sale/net per ticket, competitors, every price said before. */
    public static Set<Double> contextPrices(ScoredItem item) {
        Set<Double> out = new HashSet<>();
        for (TaskInfo.Ticket t : item.task().tickets()) {
            out.add(t.salePrice());
            out.add(t.netPrice());
        }
        for (TaskInfo.CompetitorOffer c : item.task().competitors()) {
            out.add(c.price());
        }
        for (Turn turn : item.history()) {
            for (Price p : loosePrices(turn.content())) {
                out.add(p.value());
            }
        }
        return out;
    }

    public static boolean near(double a, double b, double tol) {
        return Math.abs(a - b) <= tol + 1e-9;
    }

    /** True when one of the words appears in the {@code window} characters before {@code pos}. */
    public static boolean negatedBefore(String s, int pos, int window) {
        String before = s.substring(Math.max(0, pos - window), pos).toLowerCase(Locale.ROOT);
        return NEGATION.matcher(before).find();
    }

    private static final Pattern NEGATION = Pattern.compile(
            "(不|没|无法|无须|无需|不能|未|别|not|n't|cannot|never|no)\\s*\\S{0,3}$|(不|没|无法|不能|cannot|can't|won't|not|never)\\b", Pattern.CASE_INSENSITIVE);

    /** Sentences are searched at most this many characters from a position, so that rules stay linear in the reply. */
    public static final int MAX_SENTENCE = 400;

    /** Start of the sentence holding {@code pos} (after 。！？!?;\n or ". "), at most {@link #MAX_SENTENCE} back. */
    public static int sentenceStart(String s, int pos) {
        int stop = Math.max(0, pos - MAX_SENTENCE);
        for (int i = pos - 1; i >= stop; i--) {
            char c = s.charAt(i);
            if (c == '。' || c == '！' || c == '？' || c == '!' || c == '?' || c == '\n' || c == '；' || c == ';'
                    || (c == '.' && i + 1 < s.length() && s.charAt(i + 1) == ' ')) {
                return i + 1;
            }
        }
        return stop;
    }

    /** End of the sentence holding {@code pos}, at most {@link #MAX_SENTENCE} ahead. */
    public static int sentenceEnd(String s, int pos) {
        int stop = Math.min(s.length(), pos + MAX_SENTENCE);
        for (int i = pos; i < stop; i++) {
            char c = s.charAt(i);
            if (c == '。' || c == '！' || c == '？' || c == '!' || c == '?' || c == '\n' || c == '；' || c == ';'
                    || (c == '.' && (i + 1 == s.length() || s.charAt(i + 1) == ' '))) {
                return i + 1;
            }
        }
        return stop;
    }

    /** Lower case, simplified characters, letters and digits only (CJK kept), for similarity and name matching. */
    public static String normalize(String s) {
        StringBuilder sb = new StringBuilder();
        simplified(s).toLowerCase(Locale.ROOT).codePoints().filter(Character::isLetterOrDigit).forEach(sb::appendCodePoint);
        return sb.toString();
    }

    private static final char[] T2S = loadT2s();

    private static char[] loadT2s() {
        char[] map = new char[0x10000];
        for (int i = 0; i < map.length; i++) {
            map[i] = (char) i;
        }
        try (java.io.InputStream in = Texts.class.getResourceAsStream("t2s.txt")) {
            if (in == null) {
                throw new IllegalStateException("resource repo/rewards/ota/rules/t2s.txt is missing from the class path");
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.length() == 2 && !line.startsWith("#")) {
                    map[line.charAt(0)] = line.charAt(1);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return map;
    }

    /**
     * Traditional characters mapped to simplified ones (a table of about 900 common characters in
     * {@code t2s.txt}); every character maps to exactly one UTF-16 unit, so offsets into the result are offsets
     * into the input.
     */
    public static String simplified(String s) {
        char[] c = s.toCharArray();
        boolean changed = false;
        for (int i = 0; i < c.length; i++) {
            char m = T2S[c[i]];
            if (m != c[i]) {
                c[i] = m;
                changed = true;
            }
        }
        return changed ? new String(c) : s;
    }

    /** Character n-grams of the normalised text. */
    public static Set<String> ngrams(String s, int n) {
        return ngrams(s, n, Integer.MAX_VALUE);
    }

    /** Character n-grams, or null as soon as there are more than {@code cap} distinct ones (bounded memory). */
    public static Set<String> ngrams(String s, int n, int cap) {
        String t = normalize(s);
        Set<String> out = new HashSet<>();
        int[] cps = t.codePoints().toArray();
        for (int i = 0; i + n <= cps.length; i++) {
            out.add(new String(cps, i, n));
            if (out.size() > cap) {
                return null;
            }
        }
        return out;
    }

    public static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 0;
        }
        Set<String> inter = new HashSet<>(a);
        inter.retainAll(b);
        return inter.size() / (double) (a.size() + b.size() - inter.size());
    }

    /** Whether a reply mentions a room type: exact, or without the trailing 房/间/room, ignoring case and spaces. */
    public static boolean mentionsRoom(String reply, String roomType) {
        String r = normalize(reply);
        String full = normalize(roomType);
        if (full.isEmpty() || r.contains(full)) {
            return true;
        }
        String core = full.replaceAll("(房间|房|间|room|rooms)$", "");
        return core.length() >= 2 && r.contains(core);
    }

    /** Compiles user-given patterns case-insensitively, naming the bad one. */
    public static List<Pattern> compile(String key, List<String> regexes) {
        List<Pattern> out = new ArrayList<>();
        for (String r : regexes) {
            try {
                out.add(Pattern.compile(r, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.MULTILINE));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException(key + ": not a valid regular expression: " + r + " (" + e.getDescription() + ")");
            }
        }
        return out;
    }

    /** The spans in text order, each dropped when it starts inside an earlier kept one (one finding per stretch). */
    public static List<int[]> nonOverlapping(List<int[]> spans) {
        List<int[]> sorted = new ArrayList<>(spans);
        sorted.sort((x, y) -> Integer.compare(x[0], y[0]));
        List<int[]> out = new ArrayList<>();
        int last = -1;
        for (int[] sp : sorted) {
            if (sp[0] >= last) {
                out.add(sp);
                last = sp[1];
            }
        }
        return out;
    }

    /** Matches of literal phrases, case-insensitive, in order of position. */
    public static List<int[]> findLiterals(String s, List<String> phrases) {
        List<int[]> out = new ArrayList<>();
        String lower = s.toLowerCase(Locale.ROOT);
        for (String p : phrases) {
            String q = p.toLowerCase(Locale.ROOT);
            if (q.isEmpty()) {
                continue;
            }
            for (int i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length())) {
                boolean ascii = q.chars().allMatch(c -> c < 128);
                boolean wordOk = !ascii || ((i == 0 || !Character.isLetter(lower.charAt(i - 1)))
                        && (i + q.length() >= lower.length() || !Character.isLetter(lower.charAt(i + q.length()))));
                if (wordOk) {
                    out.add(new int[] {i, i + q.length()});
                }
            }
        }
        out.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(b[1], a[1]));
        List<int[]> merged = new ArrayList<>();
        for (int[] m : out) {
            if (merged.isEmpty() || m[0] >= merged.get(merged.size() - 1)[1]) {
                merged.add(m);
            }
        }
        return merged;
    }

    /** The latest hotel turn, or null. */
    public static Turn lastHotelTurn(ScoredItem item) {
        for (int i = item.history().size() - 1; i >= 0; i--) {
            if (item.history().get(i).role() == Turn.Role.HOTEL) {
                return item.history().get(i);
            }
        }
        return null;
    }

    public static String money(double v) {
        return v == Math.rint(v) ? "¥" + (long) v : "¥" + v;
    }
}
