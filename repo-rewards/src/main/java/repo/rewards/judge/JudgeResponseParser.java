package repo.rewards.judge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import repo.rewards.api.Finding;

/**
 * Strict parsing of a judge answer against a rubric. The answer must be exactly
 *
 * <pre>{@code
 * {"items": [{"id": "<rubric id>", "hit": true|false, "evidence": "...", "reason": "..."}, ...], "comment": "..."}
 * }</pre>
 *
 * <p>optionally wrapped in one {@code ```json ... ```} fence (models add one despite the instructions), with
 * nothing else around it. Every rubric item must be answered exactly once: a missing item would silently count
 * as "not hit" and hide a deduction, so it is an error. Unknown ids, unknown keys, non-boolean {@code hit},
 * duplicate keys and trailing text are errors too. An answer that fails here becomes a judge failure, never a
 * score. Instances are immutable and thread-safe.
 */
public final class JudgeResponseParser {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final Pattern FENCE = Pattern.compile("\\A```(?:json|JSON)?[ \\t]*\\r?\\n(.*?)\\r?\\n?```\\z", Pattern.DOTALL);
    private static final Set<String> TOP_KEYS = Set.of("items", "comment");
    private static final Set<String> ITEM_KEYS = Set.of("id", "hit", "evidence", "reason");
    private static final int SNIPPET = 160;

    private final Rubric rubric;

    public JudgeResponseParser(Rubric rubric) {
        this.rubric = rubric;
    }

    /** Parses and validates an answer; the exception message says what is wrong and quotes the start of it. */
    public JudgeVerdict parse(String content) throws JudgeParseException {
        if (content == null || content.isBlank()) {
            throw new JudgeParseException("judge answer rejected: empty answer");
        }
        String json = content.strip();
        if (json.startsWith("```")) {
            Matcher m = FENCE.matcher(json);
            if (!m.matches()) {
                throw fail("a ``` fence must wrap the whole answer, opened by ``` or ```json on its own line", content);
            }
            json = m.group(1).strip();
        }
        JsonNode root;
        try {
            root = STRICT.readTree(json);
        } catch (JsonProcessingException e) {
            throw fail("not valid JSON (" + e.getOriginalMessage() + ")", content);
        }
        if (root == null || !root.isObject()) {
            throw fail("expected a JSON object {\"items\": [...], \"comment\": \"...\"}", content);
        }
        unknownKeys(root, TOP_KEYS, "the answer", content);
        JsonNode items = root.get("items");
        if (items == null || !items.isArray()) {
            throw fail("\"items\" must be a list with one entry per rubric item", content);
        }
        JsonNode comment = root.get("comment");
        if (comment != null && !comment.isNull() && !comment.isTextual()) {
            throw fail("\"comment\" must be a string", content);
        }
        Map<String, JudgeVerdict.ItemVerdict> byId = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode it = items.get(i);
            String where = "items[" + i + "]";
            if (!it.isObject()) {
                throw fail(where + " must be an object", content);
            }
            unknownKeys(it, ITEM_KEYS, where, content);
            JsonNode id = it.get("id");
            if (id == null || !id.isTextual()) {
                throw fail(where + ".id must be a string rubric id", content);
            }
            if (rubric.item(id.asText()).isEmpty()) {
                throw fail(where + ".id '" + id.asText() + "' is not a rubric id (known: " + String.join(", ", rubric.ids()) + ")", content);
            }
            JsonNode hit = it.get("hit");
            if (hit == null || !hit.isBoolean()) {
                throw fail(where + ".hit must be true or false, got " + hit, content);
            }
            String evidence = optionalText(it, "evidence", where, content);
            String reason = optionalText(it, "reason", where, content);
            if (byId.put(id.asText(), new JudgeVerdict.ItemVerdict(id.asText(), hit.asBoolean(), evidence, reason)) != null) {
                throw fail(where + ".id '" + id.asText() + "' is answered twice", content);
            }
        }
        List<String> missing = rubric.ids().stream().filter(id -> !byId.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            throw fail("no verdict for rubric item(s) " + String.join(", ", missing), content);
        }
        List<JudgeVerdict.ItemVerdict> ordered = rubric.ids().stream().map(byId::get).toList();
        return new JudgeVerdict(ordered, comment == null || comment.isNull() ? "" : comment.asText());
    }

    /**
     * One finding per hit item, with the rubric's points and severity. Evidence is the judge's quote located in
     * the reply (its first occurrence), as a span in Unicode code points with its text cut to
     * {@link Finding.Evidence#MAX_TEXT_CODE_POINTS} ({@link Finding.Evidence#ofUtf16}); a quote that is not in the
     * reply verbatim is kept in the message instead, cut the same way, with its full length.
     */
    public List<Finding> findings(JudgeVerdict verdict, String reply) {
        List<Finding> out = new ArrayList<>();
        for (JudgeVerdict.ItemVerdict v : verdict.items()) {
            if (!v.hit()) {
                continue;
            }
            RubricItem item = rubric.item(v.id()).orElseThrow();
            String message = v.reason().isBlank() ? item.description() : v.reason();
            Finding.Evidence evidence = null;
            if (!v.evidence().isBlank()) {
                int at = reply.indexOf(v.evidence());
                if (at >= 0) {
                    evidence = Finding.Evidence.ofUtf16(reply, at, at + v.evidence().length());
                } else {
                    String quote = Finding.Evidence.bounded(v.evidence());
                    int n = v.evidence().codePointCount(0, v.evidence().length());
                    message += " (judge quoted \"" + quote + (quote.length() < v.evidence().length() ? "…\" (" + n + " code points)" : "\"")
                            + ", not found verbatim in the reply)";
                }
            }
            out.add(new Finding(item.id(), item.severity(), item.points(), message, evidence));
        }
        return out;
    }

    /** The summed points of findings: the judge source's value. */
    public static double points(List<Finding> findings) {
        return findings.stream().mapToDouble(Finding::points).sum();
    }

    private static String optionalText(JsonNode obj, String key, String where, String content) throws JudgeParseException {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw fail(where + "." + key + " must be a string", content);
        }
        return v.asText();
    }

    private static void unknownKeys(JsonNode obj, Set<String> allowed, String where, String content) throws JudgeParseException {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw fail(where + " has an unknown key \"" + k + "\" (allowed: " + String.join(", ", allowed) + ")", content);
            }
        }
    }

    private static JudgeParseException fail(String what, String content) {
        String flat = content.replaceAll("\\s+", " ").strip();
        String snippet = flat.length() > SNIPPET ? flat.substring(0, SNIPPET) + "..." : flat;
        return new JudgeParseException("judge answer rejected: " + what + "; answer began: \"" + snippet + "\"");
    }
}
