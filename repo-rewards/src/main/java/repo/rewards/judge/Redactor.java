package repo.rewards.judge;

/**
 * Removes a secret from text before the text can leave the process (log lines, failure reasons, caches, traces).
 *
 * <p>What is masked, with {@code [REDACTED]}: every run of at least {@link #MIN_RUN} consecutive characters of the
 * secret (so a prefix or a suffix cut off by someone else's truncation is caught as well as the whole key), where each
 * character may appear literally or in any of the encodings an endpoint might echo it in: JSON escapes
 * (backslash-slash, backslash-quote, double backslash, backslash-u and four hex digits) and URL percent-encoding ({@code %2F}, either case). A
 * secret shorter than {@link #MIN_RUN} is masked only whole.
 *
 * <p>Redact first, truncate afterwards: cutting {@code [REDACTED]} in half leaks nothing, cutting a key in half does.
 * The scan is linear in the text times the number of places the text matches the secret's characters, which for
 * random keys is tiny.
 */
public final class Redactor {
    /** Runs of the secret at least this long are masked. */
    public static final int MIN_RUN = 8;
    /** The replacement text. */
    public static final String MASK = "[REDACTED]";

    private static final Redactor NONE = new Redactor(null);

    private final String secret;

    private Redactor(String secret) {
        this.secret = secret;
    }

    /** A redactor for {@code secret}; null or empty gives one that changes nothing. */
    public static Redactor of(String secret) {
        return secret == null || secret.isEmpty() ? NONE : new Redactor(secret);
    }

    /** The text with every occurrence of the secret, whole or in part, plain or encoded, replaced by {@link #MASK}. */
    public String redact(String text) {
        if (text == null || secret == null || text.isEmpty()) {
            return text;
        }
        int need = Math.min(MIN_RUN, secret.length());
        boolean[] masked = null;
        int n = text.length();
        int[] len = new int[1];
        for (int i = 0; i < n; i++) {
            int best = -1;
            for (int first : new int[] {text.charAt(i), decodeAt(text, i, len)}) {
                for (int j = secret.indexOf(first); j >= 0; j = secret.indexOf(first, j + 1)) {
                    best = Math.max(best, matchFrom(text, i, j, need));
                }
            }
            if (best > 0) {
                if (masked == null) {
                    masked = new boolean[n];
                }
                for (int k = i; k < best; k++) {
                    masked[k] = true;
                }
            }
        }
        if (masked == null) {
            return text;
        }
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            if (masked[i]) {
                if (i == 0 || !masked[i - 1]) {
                    sb.append(MASK);
                }
            } else {
                sb.append(text.charAt(i));
            }
        }
        return sb.toString();
    }

    /**
     * Matches the secret from offset {@code j} against the text from {@code i}; the end index in the text when at least
     * {@code need} characters of the secret matched, else -1.
     */
    private int matchFrom(String text, int i, int j, int need) {
        int[] len = new int[1];
        int pos = i, matched = 0;
        while (j + matched < secret.length() && pos < text.length()) {
            char want = secret.charAt(j + matched);
            if (decodeAt(text, pos, len) != want) {
                if (text.charAt(pos) != want) {
                    break;
                }
                len[0] = 1; // literal, where it also starts an escape of something else (a key may hold '%' or '\\')
            }
            pos += len[0];
            matched++;
        }
        return matched >= need ? pos : -1;
    }

    /**
     * The character encoded at {@code text[i]} and its encoded length in {@code len[0]}: a JSON escape
     * (backslash-slash, backslash-quote, double backslash, backslash-u and four hex digits), a percent escape ({@code %XX}), or the character itself.
     */
    static int decodeAt(String text, int i, int[] len) {
        char c = text.charAt(i);
        int n = text.length();
        if (c == '\\' && i + 1 < n) {
            char d = text.charAt(i + 1);
            if (d == '/' || d == '"' || d == '\\') {
                len[0] = 2;
                return d;
            }
            if (d == 'u' && i + 5 < n) {
                int v = hex(text, i + 2, 4);
                if (v >= 0) {
                    len[0] = 6;
                    return v;
                }
            }
        }
        if (c == '%' && i + 2 < n) {
            int v = hex(text, i + 1, 2);
            if (v >= 0) {
                len[0] = 3;
                return v;
            }
        }
        len[0] = 1;
        return c;
    }

    private static int hex(String s, int from, int digits) {
        int v = 0;
        for (int k = from; k < from + digits; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    @Override
    public String toString() {
        return secret == null ? "Redactor[none]" : "Redactor[" + secret.length() + " chars]";
    }

}
