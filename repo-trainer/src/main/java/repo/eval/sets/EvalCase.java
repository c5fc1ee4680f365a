package repo.eval.sets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import repo.eval.checks.Check;
import repo.eval.checks.Severity;

/**
 * One evaluated agent turn of a dialogue: the context is the dialogue's history before {@code turn}.
 *
 * @param id unique in its set
 * @param turn index into the dialogue's history of the agent turn being replaced (the context is history[0, turn))
 * @param stage SOP stage 1-7 of the reply
 * @param badReply the recorded bad reply (bad-case set), or null (online set)
 * @param defects defect tags of the bad reply with severities (empty in the online set)
 * @param checks the checks that decide the case (guard and quality)
 */
public record EvalCase(String id, int turn, int stage, String badReply, List<Defect> defects, List<Check> checks) {
    /** A tagged defect of a recorded reply. */
    public record Defect(String tag, Severity severity) {
    }

    private static final Set<String> KEYS = Set.of("id", "turn", "sop_stage", "bad_reply", "defects", "checks");

    public EvalCase {
        defects = defects == null ? List.of() : List.copyOf(defects);
        checks = List.copyOf(checks);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", id).put("turn", turn).put("sop_stage", stage);
        if (badReply != null) {
            o.put("bad_reply", badReply);
        }
        ArrayNode d = o.putArray("defects");
        defects.forEach(x -> d.addObject().put("tag", x.tag()).put("severity", x.severity().jsonName()));
        ArrayNode c = o.putArray("checks");
        checks.forEach(x -> c.add(x.toJson()));
        return o;
    }

    public static EvalCase fromJson(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": a case must be a JSON object");
        }
        n.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key \"" + k + "\" in a case; known keys: " + KEYS);
            }
        });
        if (!n.path("id").isTextual() || !n.path("turn").isInt() || !n.path("sop_stage").isInt()) {
            throw new IllegalArgumentException(where + ": a case needs \"id\" (string), \"turn\" and \"sop_stage\" (integers)");
        }
        int stage = n.get("sop_stage").asInt();
        if (stage < 1 || stage > 7) {
            throw new IllegalArgumentException(where + ": sop_stage is " + stage + "; expected 1..7");
        }
        List<Defect> defects = new ArrayList<>();
        for (JsonNode d : n.path("defects")) {
            defects.add(new Defect(d.path("tag").asText(), Severity.parse(d.path("severity").asText(), where)));
        }
        List<Check> checks = new ArrayList<>();
        JsonNode cs = n.get("checks");
        if (cs == null || !cs.isArray() || cs.isEmpty()) {
            throw new IllegalArgumentException(where + ": \"checks\" must be a non-empty array");
        }
        for (int i = 0; i < cs.size(); i++) {
            checks.add(Check.fromJson(cs.get(i), where + ": checks[" + i + "]"));
        }
        String bad = n.hasNonNull("bad_reply") ? n.get("bad_reply").asText() : null;
        for (Defect d : defects) {
            if (checks.stream().noneMatch(c -> c.guard() && c.tag().equals(d.tag()))) {
                throw new IllegalArgumentException(where + ": defect \"" + d.tag() + "\" has no guard check with that tag; "
                        + "every defect needs the checks that decide whether it is fixed");
            }
        }
        return new EvalCase(n.get("id").asText(), n.get("turn").asInt(), stage, bad, defects, checks);
    }
}
