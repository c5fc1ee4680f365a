package repo.eval.checks;

import java.util.Locale;

/**
 * What a check tests on one reply. Arguments per kind (JSON keys of a check):
 * <ul>
 * <li>{@code absent}: {@code phrases} — none occurs (case-insensitive literal match)</li>
 * <li>{@code absent_regex}: {@code pattern} — the regular expression does not match (case-insensitive, multiline)</li>
 * <li>{@code mentions_all} / {@code mentions_any}: {@code phrases} — every / at least one phrase is mentioned
 *     (normalised; a room type also counts without its trailing 房/间/room)</li>
 * <li>{@code prices_grounded}: {@code min}, {@code max}, {@code values} — every stated price lies in [min, max]
 *     or equals one of the values (±0.5)</li>
 * <li>{@code states_price}: {@code min}, {@code max} — at least one stated price lies in [min, max]</li>
 * <li>{@code max_similarity}: {@code text}, {@code max} — character-trigram Jaccard similarity to text ≤ max</li>
 * <li>{@code length}: {@code min}, {@code max} — length in code points</li>
 * <li>{@code script}: {@code lang} (zh or en), {@code phrases} (allowed names) — no run of the other script</li>
 * <li>{@code known_hotels}: {@code phrases} — every hotel name said (…酒店/宾馆/饭店/Hotel/Inn) is one of these</li>
 * </ul>
 */
public enum CheckKind {
    ABSENT, ABSENT_REGEX, MENTIONS_ALL, MENTIONS_ANY, PRICES_GROUNDED, STATES_PRICE, MAX_SIMILARITY, LENGTH, SCRIPT,
    KNOWN_HOTELS;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CheckKind parse(String s, String where) {
        for (CheckKind v : values()) {
            if (v.jsonName().equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException(where + ": unknown check kind \"" + s + "\"; expected one of "
                + java.util.Arrays.stream(values()).map(CheckKind::jsonName).toList());
    }
}
