package repo.rewards.ota.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import repo.rewards.ota.ScoredItem;
import repo.rewards.io.ScoredItems;

/** Reads a labelled evaluation set: task-schema lines plus {@code labels}, {@code origin}, {@code lang}, {@code category}. */
public final class EvalSet {
    private static final Set<String> LANGS = Set.of("en", "zh-Hans", "zh-Hant");

    private EvalSet() {
    }

    /**
     * Reads and validates the whole file; the first bad line fails as {@code FILE:LINE: what; expected ...}.
     *
     * @param knownIds the rule ids a label may name
     */
    public static List<EvalItem> read(Path file, Collection<String> knownIds) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<EvalItem> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(parse(lines.get(i), file.toString(), i + 1, knownIds));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no items; expected one labelled reply per line");
        }
        return out;
    }

    static EvalItem parse(String line, String where, int n, Collection<String> knownIds) {
        ScoredItem item = ScoredItems.parseLine(line, where, n); // validates task, history, reply
        String at = where + ":" + n + ": ";
        JsonNode node;
        try {
            node = ScoredItems.JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException(at + "not valid JSON", e);
        }
        JsonNode labels = node.get("labels");
        if (labels == null || !labels.isArray()) {
            throw new IllegalArgumentException(at + "\"labels\" missing or not a list; expected the rule ids the reply breaks, "
                    + "e.g. [\"over-promise\"], or [] for none");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode l : labels) {
            if (!l.isTextual() || !knownIds.contains(l.asText())) {
                throw new IllegalArgumentException(at + "labels: unknown rule id " + l + "; known rule ids: "
                        + String.join(", ", knownIds));
            }
            ids.add(l.asText());
        }
        String o = text(node, "origin");
        EvalItem.Origin origin = EvalItem.Origin.parse(o);
        if (origin == null) {
            throw new IllegalArgumentException(at + "origin: got " + (o == null ? "nothing" : "\"" + o + "\"")
                    + "; expected \"real\", \"real-db\" or \"written\"");
        }
        String lang = text(node, "lang");
        if (lang == null || !LANGS.contains(lang)) {
            throw new IllegalArgumentException(at + "lang: got " + (lang == null ? "nothing" : "\"" + lang + "\"")
                    + "; expected \"en\", \"zh-Hans\" or \"zh-Hant\"");
        }
        String category = text(node, "category");
        return new EvalItem(item, ids, origin, lang, category == null ? "" : category, n);
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || !v.isTextual() ? null : v.asText();
    }
}
