package repo.rewards.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import repo.rewards.api.Finding;
import repo.rewards.api.Severity;
import repo.rewards.api.SourceResult;
import repo.rewards.combine.Combined;
import repo.rewards.io.ScoredItems;

/**
 * What happened to one scored item, as one JSON line:
 * <pre>{@code
 * {"id": "zh-03", "index": 2,
 *  "sources": {"rules": {"value": -50.0, "latency_ms": 0, "error": null,
 *                        "findings": [{"rule_id": "internal-term-leak", "severity": "high", "points": -50.0,
 *                                      "message": "...", "evidence": {"begin": 8, "end": 10, "text": "工单"}}]}},
 *  "r_total": -0.5, "e_enh": -50.0, "r_model": null, "e_judge": null, "e_func": -50.0,
 *  "dropped": false, "failed_sources": [], "note": "no rm: r_total = e_enh / n"}
 * }</pre>
 * Only the sources that are on appear under {@code sources}; a failed source has {@code value: null} and
 * its {@code error}.
 *
 * @param id the input's id, or null
 * @param index the item's 0-based position in its input
 * @param sources every source's result, in order rm, judge, rules (those that are on)
 * @param combined the combined reward
 * @param integerId true when the input's id was a JSON integer ({@code "id": 17}): the trace writes it back as
 *     the integer 17, not the string "17", so ids round-trip with their type
 */
public record RewardTrace(String id, int index, List<SourceResult> sources, Combined combined, boolean integerId) {
    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?\\d+");

    public RewardTrace {
        sources = List.copyOf(sources);
        if (integerId && (id == null || !INTEGER.matcher(id).matches())) {
            throw new IllegalArgumentException("a trace id marked as an integer must be one, got " + id);
        }
    }

    /** A trace whose id (if any) is a string. */
    public RewardTrace(String id, int index, List<SourceResult> sources, Combined combined) {
        this(id, index, sources, combined, false);
    }

    /** True when {@code idNode} is a JSON integer whose text is {@code id} (an input's integer id). */
    public static boolean isIntegerId(String id, JsonNode idNode) {
        return id != null && idNode != null && idNode.isIntegralNumber() && idNode.asText().equals(id);
    }

    /** The result of the named source, or null when it was off. */
    public SourceResult source(String name) {
        return sources.stream().filter(s -> s.source().equals(name)).findFirst().orElse(null);
    }

    public ObjectNode toJson() {
        ObjectNode o = ScoredItems.JSON.createObjectNode();
        if (integerId) {
            o.put("id", new java.math.BigInteger(id));
        } else {
            o.put("id", id);
        }
        o.put("index", index);
        ObjectNode src = o.putObject("sources");
        for (SourceResult s : sources) {
            ObjectNode so = src.putObject(s.source());
            putNumber(so, "value", s.failed() ? null : s.value());
            so.put("latency_ms", s.latencyMillis());
            so.put("error", s.error());
            ArrayNode fs = so.putArray("findings");
            for (Finding f : s.findings()) {
                ObjectNode fo = fs.addObject();
                fo.put("rule_id", f.ruleId());
                fo.put("severity", f.severity().jsonName());
                fo.put("points", f.points());
                fo.put("message", f.message());
                if (f.evidence() == null) {
                    fo.putNull("evidence");
                } else {
                    ObjectNode ev = fo.putObject("evidence");
                    ev.put("begin", f.evidence().begin());
                    ev.put("end", f.evidence().end());
                    ev.put("text", f.evidence().text());
                }
            }
        }
        putNumber(o, "r_total", combined.rTotal());
        putNumber(o, "e_enh", combined.eEnh());
        putNumber(o, "r_model", combined.rModel());
        putNumber(o, "e_judge", combined.eJudge());
        putNumber(o, "e_func", combined.eFunc());
        o.put("dropped", combined.dropped());
        ArrayNode failed = o.putArray("failed_sources");
        combined.failedSources().forEach(failed::add);
        o.put("note", combined.note());
        return o;
    }

    /** One JSON line (no trailing newline). */
    public String toJsonLine() {
        try {
            return ScoredItems.JSON.writeValueAsString(toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putNumber(ObjectNode o, String key, Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    /** Parses a line written by {@link #toJsonLine()}. */
    public static RewardTrace fromJson(JsonNode o) {
        List<SourceResult> sources = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("sources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            List<Finding> findings = new ArrayList<>();
            for (JsonNode f : s.path("findings")) {
                JsonNode ev = f.get("evidence");
                findings.add(new Finding(f.get("rule_id").asText(), Severity.valueOf(f.get("severity").asText().toUpperCase(java.util.Locale.ROOT)),
                        f.get("points").asDouble(), f.get("message").asText(), ev == null || ev.isNull() ? null
                        : new Finding.Evidence(ev.get("begin").asInt(), ev.get("end").asInt(), ev.get("text").asText())));
            }
            String error = s.path("error").isNull() || s.path("error").isMissingNode() ? null : s.get("error").asText();
            double value = s.path("value").isNumber() ? s.get("value").asDouble() : Double.NaN;
            sources.add(new SourceResult(e.getKey(), error == null ? value : Double.NaN, findings, s.path("latency_ms").asLong(), error));
        }
        List<String> failed = new ArrayList<>();
        o.path("failed_sources").forEach(n -> failed.add(n.asText()));
        Combined c = new Combined(num(o, "r_total"), num(o, "e_enh"), num(o, "r_model"), num(o, "e_judge"), num(o, "e_func"),
                o.path("dropped").asBoolean(), failed, o.path("note").isTextual() ? o.get("note").asText() : null);
        JsonNode id = o.get("id");
        String idText = id == null || id.isNull() ? null : id.asText();
        return new RewardTrace(idText, o.path("index").asInt(), sources, c, isIntegerId(idText, id));
    }

    private static Double num(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || !v.isNumber() ? null : v.asDouble();
    }

    /** Writes traces as JSON lines through a temporary file renamed over {@code file}. */
    public static void writeAll(Path file, List<RewardTrace> traces) {
        StringBuilder sb = new StringBuilder();
        for (RewardTrace t : traces) {
            sb.append(t.toJsonLine()).append('\n');
        }
        try {
            ScoredItems.writeAtomically(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a traces file; a bad line names FILE:LINE. */
    public static List<RewardTrace> read(Path file) {
        List<RewardTrace> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                try {
                    out.add(fromJson(ScoredItems.JSON.readTree(lines.get(i))));
                } catch (RuntimeException | JsonProcessingException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": not a reward trace line (" + e.getMessage() + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
