package repo.trainer.config;

import java.util.Locale;

/**
 * Range checks with the YAML key in every message. A range is written as in mathematics: {@code "(0, 1]"} is
 * 0 &lt; x ≤ 1; values are also rejected when NaN or infinite. Defaults live in the section records that call these.
 */
final class Check {
    private Check() {
    }

    /** {@code v} or {@code dflt} when absent, which must lie in {@code range}. */
    static double number(String key, Double v, double dflt, String range) {
        double x = v == null ? dflt : v;
        if (!Double.isFinite(x)) {
            throw new ConfigError(key, x + " is not a finite number", "a number in " + range);
        }
        if (!inRange(x, range)) {
            throw new ConfigError(key, fmt(x) + " is out of range", "a number in " + range);
        }
        return x;
    }

    /** {@code v} or {@code dflt} when absent, an integer in {@code [min, max]}. */
    static int integer(String key, Integer v, int dflt, int min, int max) {
        int x = v == null ? dflt : v;
        if (x < min || x > max) {
            throw new ConfigError(key, x + " is out of range", "an integer in [" + min + ", " + max + "]");
        }
        return x;
    }

    /** A positive integer up to a billion. */
    static int positive(String key, Integer v, int dflt) {
        return integer(key, v, dflt, 1, 1_000_000_000);
    }

    static void require(boolean ok, String key, String expected) {
        if (!ok) {
            throw new ConfigError(key, "missing", expected);
        }
    }

    private static boolean inRange(double x, String range) {
        String r = range.trim();
        boolean loOpen = r.charAt(0) == '(', hiOpen = r.charAt(r.length() - 1) == ')';
        String[] ends = r.substring(1, r.length() - 1).split(",");
        double lo = Double.parseDouble(ends[0].trim()), hi = Double.parseDouble(ends[1].trim());
        return (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi);
    }

    static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? String.valueOf((long) x) : String.format(Locale.ROOT, "%s", x);
    }
}
