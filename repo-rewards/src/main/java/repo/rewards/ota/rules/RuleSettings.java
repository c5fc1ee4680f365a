package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import repo.rewards.api.Severity;

/**
 * Typed, validated access to one rule's YAML block. Every getter records the key it read, so that
 * {@link #done()} can reject keys nobody asked for ("unknown parameter"). Wrong types fail with the key
 * and the expected type; {@link RuleSet} prefixes the file name and {@code rules.<id>}.
 *
 * <p>Custom providers may use it too: {@code RuleSettings s = new RuleSettings(ruleId(), settings);
 * double p = s.points(-10); ...; s.done();}.
 */
public final class RuleSettings {
    private final String ruleId;
    private final Map<String, Object> values;
    private final Set<String> known = new LinkedHashSet<>();

    public RuleSettings(String ruleId, Map<String, Object> values) {
        this.ruleId = ruleId;
        this.values = values == null ? Map.of() : new LinkedHashMap<>(values);
    }

    public String ruleId() {
        return ruleId;
    }

    /**
     * {@code points}: the points of one finding, a deduction: 0 or negative and finite. A positive value would make a
     * breach earn reward, so it is refused.
     */
    public double points(double def) {
        double p = getDouble("points", def);
        if (!(p <= 0) || Double.isInfinite(p)) {
            throw new IllegalArgumentException("points: " + p + " is not a deduction; expected a finite number <= 0 "
                    + "(a finding lowers the reward)");
        }
        return p;
    }

    /** {@code severity}: low, medium or high. */
    public Severity severity(Severity def) {
        known.add("severity");
        Object v = values.get("severity");
        if (v == null) {
            return def;
        }
        if (v instanceof String s) {
            try {
                return Severity.valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // fall through
            }
        }
        throw wrongType("severity", "one of low, medium, high", v);
    }

    public double getDouble(String key, double def) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw wrongType(key, "a number", v);
    }

    public int getInt(String key, int def) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).intValue();
        }
        throw wrongType(key, "an integer", v);
    }

    public boolean getBoolean(String key, boolean def) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, "true or false", v);
    }

    public List<String> getStrings(String key, List<String> def) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw wrongType(key, "a list of strings", v);
                }
                out.add(s);
            }
            return List.copyOf(out);
        }
        throw wrongType(key, "a list of strings", v);
    }

    public List<Integer> getInts(String key, List<Integer> def) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof List<?> list) {
            List<Integer> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Integer i)) {
                    throw wrongType(key, "a list of integers", v);
                }
                out.add(i);
            }
            return List.copyOf(out);
        }
        throw wrongType(key, "a list of integers", v);
    }

    /** Fails on any key no getter asked for, naming it, the rule, and the known parameters. */
    public void done() {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                Set<String> all = new LinkedHashSet<>(RuleSet.COMMON_KEYS);
                all.addAll(known);
                throw new IllegalArgumentException(key + ": unknown parameter for rule '" + ruleId + "'; known parameters: "
                        + String.join(", ", all));
            }
        }
    }

    private IllegalArgumentException wrongType(String key, String expected, Object v) {
        String got = v instanceof String ? "the string \"" + v + "\"" : v instanceof List ? "a list " + v
                : v instanceof Map ? "a mapping" : v.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + v;
        return new IllegalArgumentException(key + ": expected " + expected + ", got " + got);
    }
}
