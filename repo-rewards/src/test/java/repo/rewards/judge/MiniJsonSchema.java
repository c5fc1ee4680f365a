package repo.rewards.judge;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small JSON Schema (draft 2020-12) validator for the keywords the judge-response schema uses, written for the
 * tests so that no schema library (and no network) is needed. A keyword it does not implement is an error, never
 * silently ignored, so the schema cannot say more than is checked here. Implemented: {@code $schema},
 * {@code $id}, {@code title}, {@code description} (annotations), {@code type} (one name or a list),
 * {@code properties}, {@code required}, {@code additionalProperties} (a boolean), {@code items} (one schema),
 * {@code minItems}, {@code maxItems}, {@code enum}, {@code const}, {@code allOf}, {@code contains} with
 * {@code minContains} (default 1) and {@code maxContains}.
 */
final class MiniJsonSchema {
    private static final Set<String> KNOWN = Set.of("$schema", "$id", "title", "description", "type", "properties", "required",
            "additionalProperties", "items", "minItems", "maxItems", "enum", "const", "allOf", "contains", "minContains",
            "maxContains");

    private MiniJsonSchema() {
    }

    /** The reasons {@code value} breaks {@code schema} (empty when it is valid). */
    static List<String> errors(JsonNode schema, JsonNode value) {
        List<String> out = new ArrayList<>();
        check(schema, value, "$", out);
        return out;
    }

    static boolean valid(JsonNode schema, JsonNode value) {
        return errors(schema, value).isEmpty();
    }

    private static void check(JsonNode s, JsonNode v, String at, List<String> out) {
        if (s.isBoolean()) {
            if (!s.asBoolean()) {
                out.add(at + ": no value allowed");
            }
            return;
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KNOWN.contains(k)) {
                throw new IllegalArgumentException("schema keyword '" + k + "' at " + at + " is not implemented by this validator");
            }
        }
        if (s.has("type") && !typeMatches(s.get("type"), v)) {
            out.add(at + ": expected type " + s.get("type") + ", got " + v.getNodeType());
            return;
        }
        if (s.has("enum")) {
            boolean any = false;
            for (JsonNode e : s.get("enum")) {
                any |= e.equals(v);
            }
            if (!any) {
                out.add(at + ": " + v + " is not one of " + s.get("enum"));
            }
        }
        if (s.has("const") && !s.get("const").equals(v)) {
            out.add(at + ": expected " + s.get("const") + ", got " + v);
        }
        if (s.has("allOf")) {
            for (JsonNode sub : s.get("allOf")) {
                check(sub, v, at, out);
            }
        }
        if (v.isObject()) {
            checkObject(s, v, at, out);
        }
        if (v.isArray()) {
            checkArray(s, v, at, out);
        }
    }

    private static void checkObject(JsonNode s, JsonNode v, String at, List<String> out) {
        if (s.has("required")) {
            for (JsonNode r : s.get("required")) {
                if (!v.has(r.asText())) {
                    out.add(at + ": required key '" + r.asText() + "' is missing");
                }
            }
        }
        JsonNode props = s.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (props.has(e.getKey())) {
                check(props.get(e.getKey()), e.getValue(), at + "." + e.getKey(), out);
            } else if (s.has("additionalProperties")) {
                check(s.get("additionalProperties"), e.getValue(), at + "." + e.getKey(), out);
            }
        }
    }

    private static void checkArray(JsonNode s, JsonNode v, String at, List<String> out) {
        if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
            out.add(at + ": fewer than " + s.get("minItems") + " items");
        }
        if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
            out.add(at + ": more than " + s.get("maxItems") + " items");
        }
        if (s.has("items")) {
            for (int i = 0; i < v.size(); i++) {
                check(s.get("items"), v.get(i), at + "[" + i + "]", out);
            }
        }
        if (s.has("contains")) {
            int n = 0;
            for (JsonNode e : v) {
                n += valid(s.get("contains"), e) ? 1 : 0;
            }
            int min = s.has("minContains") ? s.get("minContains").asInt() : 1;
            if (n < min || (s.has("maxContains") && n > s.get("maxContains").asInt())) {
                out.add(at + ": " + n + " items match " + s.get("contains") + " (expected " + min + ".."
                        + (s.has("maxContains") ? s.get("maxContains").asInt() : "any") + ")");
            }
        } else if (s.has("minContains") || s.has("maxContains")) {
            throw new IllegalArgumentException("minContains/maxContains without contains at " + at);
        }
    }

    private static boolean typeMatches(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, v)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "number" -> v.isNumber();
            default -> throw new IllegalArgumentException("unknown JSON Schema type " + type);
        };
    }
}
