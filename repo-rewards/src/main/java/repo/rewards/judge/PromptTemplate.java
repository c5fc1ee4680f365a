package repo.rewards.judge;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain-text prompt with {@code {{name}}} placeholders (spaces inside the braces are allowed), filled by
 * literal, single-pass substitution: a value that itself contains {@code {{task}}} is inserted as is and never
 * expanded again, so a reply cannot inject text into other parts of the prompt. No Jinja, no escaping, no logic.
 *
 * <pre>{@code
 * new PromptTemplate("Reply: {{reply}}").render(Map.of("reply", "您好")) // "Reply: 您好"
 * }</pre>
 *
 * @param text the template text
 */
public record PromptTemplate(String text) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    public PromptTemplate {
        Objects.requireNonNull(text, "text");
    }

    /** The placeholder names the template uses, in order of first use. */
    public Set<String> placeholders() {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Substitutes every placeholder.
     *
     * @throws IllegalArgumentException if the template uses a name that {@code values} lacks
     */
    public String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 1024);
        int last = 0;
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("prompt template placeholder {{" + m.group(1) + "}} has no value; known: "
                        + values.keySet());
            }
            out.append(text, last, m.start()).append(value);
            last = m.end();
        }
        return out.append(text, last, text.length()).toString();
    }
}
