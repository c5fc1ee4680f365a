package repo.rewards.api;

import com.fasterxml.jackson.annotation.JsonValue;

/** How bad a finding is. HIGH findings count as "severe" in bad-case evaluation. */
public enum Severity {
    LOW, MEDIUM, HIGH;

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
