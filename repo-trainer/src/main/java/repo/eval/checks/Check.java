package repo.eval.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One check written with an evaluation case: it decides whether a reply is free of one defect ({@code level}
 * guard) or shows one quality ({@code level} quality, used for the "excellent" rating).
 *
 * @param id unique within its case
 * @param kind what is tested (see {@link CheckKind} for the arguments)
 * @param tag the defect (guardrail id) a failing guard check reveals, or the quality a quality check asks for
 * @param severity weight of a failure
 * @param skill the per-skill score this check counts towards
 * @param guard true: a failure is a defect; false: a quality criterion
 * @param phrases phrase arguments (empty when unused)
 * @param pattern regex argument, or null
 * @param min lower bound, or null
 * @param max upper bound, or null
 * @param values allowed values for {@code prices_grounded} (empty when unused)
 * @param text comparison text for {@code max_similarity}, or the language for {@code script}
 */
public record Check(String id, CheckKind kind, String tag, Severity severity, Skill skill, boolean guard,
                    List<String> phrases, String pattern, Double min, Double max, List<Double> values, String text) {

    private static final Set<String> KEYS = Set.of("id", "kind", "tag", "severity", "skill", "level", "phrases", "pattern",
            "min", "max", "values", "text");

    public Check {
        if (id == null || id.isBlank() || kind == null || tag == null || severity == null || skill == null) {
            throw new IllegalArgumentException("a check needs id, kind, tag, severity and skill");
        }
        phrases = phrases == null ? List.of() : List.copyOf(phrases);
        values = values == null ? List.of() : List.copyOf(values);
    }

    /** This check, after testing that its kind has the arguments it needs. */
    public Check validated() {
        switch (kind) {
            case ABSENT, MENTIONS_ALL, MENTIONS_ANY, KNOWN_HOTELS -> require(!phrases.isEmpty() || kind == CheckKind.KNOWN_HOTELS, id, "phrases");
            case ABSENT_REGEX -> require(pattern != null, id, "pattern");
            case PRICES_GROUNDED, STATES_PRICE, LENGTH -> require(min != null && max != null && min <= max, id, "min <= max");
            case MAX_SIMILARITY -> require(text != null && max != null, id, "text and max");
            case SCRIPT -> require("zh".equals(text) || "en".equals(text), id, "text (the language: zh or en)");
            default -> { }
        }
        if (pattern != null) {
            try {
                java.util.regex.Pattern.compile(pattern);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("check " + id + ": \"pattern\" is not a valid regular expression (" + e.getDescription() + ")");
            }
        }
        return this;
    }

    private static void require(boolean ok, String id, String what) {
        if (!ok) {
            throw new IllegalArgumentException("check " + id + ": missing or invalid " + what);
        }
    }

    public static Check guard(String id, CheckKind kind, String tag, Severity sev, Skill skill) {
        return new Check(id, kind, tag, sev, skill, true, null, null, null, null, null, null);
    }

    public Check withPhrases(List<String> p) {
        return new Check(id, kind, tag, severity, skill, guard, p, pattern, min, max, values, text);
    }

    public Check withPattern(String p) {
        return new Check(id, kind, tag, severity, skill, guard, phrases, p, min, max, values, text);
    }

    public Check withRange(double lo, double hi) {
        return new Check(id, kind, tag, severity, skill, guard, phrases, pattern, lo, hi, values, text);
    }

    public Check withValues(List<Double> v) {
        return new Check(id, kind, tag, severity, skill, guard, phrases, pattern, min, max, v, text);
    }

    public Check withText(String t) {
        return new Check(id, kind, tag, severity, skill, guard, phrases, pattern, min, max, values, t);
    }

    public Check quality() {
        return new Check(id, kind, tag, severity, skill, false, phrases, pattern, min, max, values, text);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", id).put("kind", kind.jsonName()).put("tag", tag).put("severity", severity.jsonName())
                .put("skill", skill.jsonName()).put("level", guard ? "guard" : "quality");
        if (!phrases.isEmpty()) {
            ArrayNode a = o.putArray("phrases");
            phrases.forEach(a::add);
        }
        if (pattern != null) {
            o.put("pattern", pattern);
        }
        if (min != null) {
            o.put("min", min);
        }
        if (max != null) {
            o.put("max", max);
        }
        if (!values.isEmpty()) {
            ArrayNode a = o.putArray("values");
            values.forEach(a::add);
        }
        if (text != null) {
            o.put("text", text);
        }
        return o;
    }

    /** Reads a check; {@code where} names the file, line and position for errors. */
    public static Check fromJson(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": a check must be a JSON object");
        }
        n.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key \"" + k + "\" in a check; known keys: " + KEYS);
            }
        });
        String level = text(n, "level", where);
        if (!level.equals("guard") && !level.equals("quality")) {
            throw new IllegalArgumentException(where + ": \"level\" is \"" + level + "\"; expected guard or quality");
        }
        try {
            return new Check(text(n, "id", where), CheckKind.parse(text(n, "kind", where), where), text(n, "tag", where),
                    Severity.parse(text(n, "severity", where), where), Skill.parse(text(n, "skill", where), where),
                    level.equals("guard"), strings(n.get("phrases"), where), n.hasNonNull("pattern") ? n.get("pattern").asText() : null,
                    n.hasNonNull("min") ? n.get("min").asDouble() : null, n.hasNonNull("max") ? n.get("max").asDouble() : null,
                    doubles(n.get("values"), where), n.hasNonNull("text") ? n.get("text").asText() : null).validated();
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(where + ": missing or non-string \"" + key + "\" in a check");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode a, String where) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            if (!a.isArray()) {
                throw new IllegalArgumentException(where + ": \"phrases\" must be an array of strings");
            }
            a.forEach(x -> out.add(x.asText()));
        }
        return out;
    }

    private static List<Double> doubles(JsonNode a, String where) {
        List<Double> out = new ArrayList<>();
        if (a != null) {
            if (!a.isArray()) {
                throw new IllegalArgumentException(where + ": \"values\" must be an array of numbers");
            }
            a.forEach(x -> out.add(x.asDouble()));
        }
        return out;
    }
}
