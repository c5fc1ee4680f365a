package repo.rewards.judge;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.Severity;
import repo.rewards.ota.Turn;

/**
 * The judge's editable deduction rubric (RJ): items with points, and the prompt that shows them to the judge.
 * Loaded from YAML ({@code configs/judge-rubric.yaml} is the built-in one):
 *
 * <pre>{@code
 * name: ota-negotiation
 * version: 1
 * items:
 *   - id: press-after-acceptance     # stable kebab-case id
 *     description: The hotel already accepted ... and the reply still asks for a further reduction.
 *     points: -25                    # negative = deduction, positive = bonus
 *     severity: high                 # low | medium | high
 * prompt_template: |
 *   ... {{rubric}} ... {{task}} ... {{history}} ... {{reply}} ...
 * }</pre>
 *
 * @param name a label for traces
 * @param version the rubric author's version number
 * @param items the items, in the order the judge sees them; ids unique
 * @param promptTemplate the judge's user message; must use {@code {{reply}}} and {@code {{rubric}}}
 */
public record Rubric(String name, int version, List<RubricItem> items, PromptTemplate promptTemplate) {
    /** The placeholders a template may use. */
    public static final Set<String> PLACEHOLDERS = Set.of("task", "history", "reply", "rubric");
    /** Where the built-in rubric lives on the class path (copied there from {@code configs/judge-rubric.yaml}). */
    public static final String BUILTIN_RESOURCE = "/repo/rewards/judge/judge-rubric.yaml";
    /** The built-in rubric's languages: {@code en} ({@code judge-rubric.yaml}) and {@code zh} ({@code judge-rubric.zh.yaml}). */
    public static final List<String> LANGUAGES = List.of("en", "zh");

    private static final ObjectMapper TASK_JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    public Rubric {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a rubric needs a name");
        }
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("rubric " + name + " has no items");
        }
        Set<String> seen = new HashSet<>();
        for (RubricItem it : items) {
            if (!seen.add(it.id())) {
                throw new IllegalArgumentException("rubric " + name + ": item id " + it.id() + " appears twice");
            }
        }
        Set<String> used = promptTemplate.placeholders();
        for (String p : used) {
            if (!PLACEHOLDERS.contains(p)) {
                throw new IllegalArgumentException("rubric " + name + ": prompt_template uses {{" + p
                        + "}}; only {{task}}, {{history}}, {{reply}} and {{rubric}} exist");
            }
        }
        if (!used.contains("reply") || !used.contains("rubric")) {
            throw new IllegalArgumentException("rubric " + name + ": prompt_template must contain {{reply}} and {{rubric}}");
        }
    }

    /** Loads and validates a rubric file; errors name the file and the key. */
    public static Rubric load(Path file) {
        return fromYaml(YamlFields.read(file));
    }

    /** Parses rubric YAML text; {@code origin} names it in errors. */
    public static Rubric parse(String yaml, String origin) {
        return fromYaml(YamlFields.parse(yaml, origin));
    }

    /** The built-in OTA negotiation rubric in English ({@code configs/judge-rubric.yaml}). */
    public static Rubric builtin() {
        return builtin("en");
    }

    /**
     * The built-in OTA negotiation rubric in one of {@link #LANGUAGES}: {@code en} is
     * {@code configs/judge-rubric.yaml}, {@code zh} is {@code configs/judge-rubric.zh.yaml} (the same items, ids,
     * points and severities; descriptions and prompt in Chinese).
     */
    public static Rubric builtin(String language) {
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("no built-in rubric in language '" + language + "'; expected one of "
                    + String.join(", ", LANGUAGES));
        }
        String file = language.equals("en") ? "judge-rubric.yaml" : "judge-rubric." + language + ".yaml";
        String resource = BUILTIN_RESOURCE.substring(0, BUILTIN_RESOURCE.lastIndexOf('/') + 1) + file;
        try (InputStream in = Rubric.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("built-in rubric " + resource + " is missing from the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "builtin:" + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Rubric fromYaml(YamlFields y) {
        y.allowOnly("name", "version", "items", "prompt_template");
        String name = y.text("name");
        int version = y.integer("version", 1);
        List<YamlFields> rows = y.objects("items");
        java.util.ArrayList<RubricItem> items = new java.util.ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (YamlFields r : rows) {
            r.allowOnly("id", "description", "points", "severity", "covered_by_rule");
            String id = r.text("id");
            if (!RubricItem.ID.matcher(id).matches()) {
                throw r.error("id", "'" + id + "' is not kebab-case (lower-case words joined by '-', e.g. press-after-acceptance)");
            }
            if (!ids.add(id)) {
                throw r.error("id", "'" + id + "' appears twice; ids must be unique");
            }
            Severity severity;
            String sev = r.text("severity");
            try {
                severity = Severity.valueOf(sev.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw r.error("severity", "'" + sev + "' is not one of low, medium, high");
            }
            double points = r.number("points");
            if (points == 0 || Math.abs(points) > 100) {
                throw r.error("points", "must be non-zero and within [-100, 100] (negative = deduction, positive = bonus), got " + points);
            }
            String description = r.text("description");
            if (description.isBlank()) {
                throw r.error("description", "must not be blank");
            }
            List<String> covered = r.strings("covered_by_rule");
            for (String c : covered) {
                if (!RubricItem.ID.matcher(c).matches()) {
                    throw r.error("covered_by_rule", "'" + c + "' is not a rule id (kebab-case, e.g. over-promise)");
                }
            }
            items.add(new RubricItem(id, description.strip(), points, severity, covered));
        }
        PromptTemplate template = new PromptTemplate(y.text("prompt_template"));
        for (String p : template.placeholders()) {
            if (!PLACEHOLDERS.contains(p)) {
                throw y.error("prompt_template", "uses {{" + p + "}}; only {{task}}, {{history}}, {{reply}} and {{rubric}} exist");
            }
        }
        if (!template.placeholders().contains("reply") || !template.placeholders().contains("rubric")) {
            throw y.error("prompt_template", "must contain {{reply}} and {{rubric}}");
        }
        return new Rubric(name, version, items, template);
    }

    /** The item with this id. */
    public Optional<RubricItem> item(String id) {
        return items.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /**
     * This rubric without the items that one of {@code activeRuleIds} already checks ({@link RubricItem#coveredBy}):
     * what the judge is asked when the rules run beside it, so that one breach costs points once (the rule's
     * deduction) and not twice. Returns this rubric when no item is covered; the prompt template is kept, and the
     * hash changes with the items, so cached answers of the full rubric are not reused.
     *
     * @throws IllegalArgumentException when every item is covered (the judge would have nothing to assess)
     */
    public Rubric withoutItemsCoveredBy(java.util.Collection<String> activeRuleIds) {
        List<RubricItem> kept = items.stream().filter(i -> !i.coveredBy(activeRuleIds)).toList();
        if (kept.size() == items.size()) {
            return this;
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("rubric " + name + ": every item is covered by an active rule ("
                    + String.join(", ", activeRuleIds) + "); turn the judge off or the rules' items on");
        }
        return new Rubric(name, version, kept, promptTemplate);
    }

    /** Ids of the items that one of {@code activeRuleIds} covers, in rubric order. */
    public List<String> idsCoveredBy(java.util.Collection<String> activeRuleIds) {
        return items.stream().filter(i -> i.coveredBy(activeRuleIds)).map(RubricItem::id).toList();
    }

    /** Item ids in rubric order. */
    public List<String> ids() {
        return items.stream().map(RubricItem::id).toList();
    }

    /**
     * SHA-256 (hex) of the rubric's meaning: items and template, not comments or key order. Part of every
     * judge cache key, so an edited rubric never reuses old answers.
     */
    public String hash() {
        StringBuilder canon = new StringBuilder(name).append('\n').append(version).append('\n');
        for (RubricItem it : items) {
            canon.append(it.id()).append('\t').append(it.points()).append('\t').append(it.severity()).append('\t')
                    .append(it.description());
            if (!it.coveredByRules().isEmpty()) {
                canon.append('\t').append(String.join(",", it.coveredByRules()));
            }
            canon.append('\n');
        }
        canon.append(promptTemplate.text());
        return sha256(canon.toString());
    }

    /** The rubric as the judge reads it: one line per item, {@code - id (points, severity): description}. */
    public String rubricText() {
        StringBuilder sb = new StringBuilder();
        for (RubricItem it : items) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append("- ").append(it.id()).append(" (").append(it.bonus() ? "+" : "").append(formatPoints(it.points()))
                    .append(", ").append(it.severity().jsonName()).append("): ").append(it.description());
        }
        return sb.toString();
    }

    /**
     * The judge prompt for one item: the template with task, history, reply and rubric filled in. Task, history
     * and reply are dialogue data and pass through {@link #neutralize} first, so they cannot close the
     * {@code <<< ... >>>} block around the reply or open a chat turn of their own.
     */
    public String render(ScoredItem item) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("rubric", rubricText());
        values.put("task", neutralize(taskText(item)));
        values.put("history", neutralize(historyText(item.history())));
        values.put("reply", neutralize(item.reply()));
        return promptTemplate.render(values);
    }

    private static final java.util.regex.Pattern ANGLE_RUN = java.util.regex.Pattern.compile("<{3,}|>{3,}");
    private static final java.util.regex.Pattern SPECIAL_TOKEN = java.util.regex.Pattern.compile("<\\|([^|<>\\s]{0,40})\\|>");

    /**
     * Dialogue text made safe to embed in the judge prompt: runs of three or more {@code <} or {@code >} (the
     * reply block's delimiters) become {@code ‹‹‹} / {@code ›››}, and chat special tokens such as
     * {@code <|im_start|>} or {@code <|endoftext|>} become {@code <｜im_start｜>} (full-width bars), which no
     * tokenizer reads as a control token. Everything else is kept verbatim, so the judge still sees what the
     * agent wrote (a reply that tries to inject instructions is judged as a reply that does so).
     */
    public static String neutralize(String text) {
        String t = SPECIAL_TOKEN.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement("<｜" + m.group(1) + "｜>"));
        t = t.replace("<|", "<｜").replace("|>", "｜>");
        return ANGLE_RUN.matcher(t).replaceAll(m -> m.group().charAt(0) == '<' ? "‹".repeat(m.group().length()) : "›".repeat(m.group().length()));
    }

    static String taskText(ScoredItem item) {
        try {
            return TASK_JSON.writerWithDefaultPrettyPrinter().writeValueAsString(item.task());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the task information as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String historyText(List<Turn> history) {
        if (history.isEmpty()) {
            return "(no earlier turns: the candidate reply opens the dialogue)";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < history.size(); i++) {
            Turn t = history.get(i);
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(i + 1).append(". ").append(t.role() == Turn.Role.AGENT ? "AGENT" : "HOTEL").append(": ")
                    .append(t.content().isBlank() ? "(no reply)" : t.content());
        }
        return sb.toString();
    }

    private static String formatPoints(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
