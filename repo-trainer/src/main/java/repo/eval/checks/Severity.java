package repo.eval.checks;

import java.util.Locale;

/** How bad a defect is; high-severity defects are the guardrail breaches that decide "severe" and "major". */
public enum Severity {
    HIGH, MEDIUM, LOW;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity parse(String s, String where) {
        for (Severity v : values()) {
            if (v.jsonName().equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException(where + ": unknown severity \"" + s + "\"; expected high, medium or low");
    }
}
