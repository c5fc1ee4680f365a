package repo.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import repo.core.text.Message.Role;

/**
 * Checks {@link ChatFormat} against the real Qwen3 chat template as rendered by {@code @huggingface/jinja}
 * ({@code src-test-fixtures/node/make-chat-goldens.mjs} writes the goldens).
 */
class ChatFormatGoldenTest {

    private static final Path GOLDENS =
            Path.of(System.getProperty("repo.fixtures"), "goldens", "chat-format");

    private final ChatFormat format = new ChatFormat();

    /** One golden case; {@code enableThinking} is true when the case leaves {@code enable_thinking} undefined. */
    record Case(String name, List<Message> messages, boolean addGenerationPrompt, boolean enableThinking) {
        @Override
        public String toString() {
            return name;
        }

        byte[] expected() throws IOException {
            return Files.readAllBytes(GOLDENS.resolve(name + ".txt"));
        }
    }

    static List<Case> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(GOLDENS.resolve("cases.json").toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode node : root) {
            List<Message> messages = new ArrayList<>();
            for (JsonNode m : node.get("messages")) {
                JsonNode reasoning = m.get("reasoning_content");
                messages.add(new Message(Role.fromJsonName(m.get("role").textValue()), m.get("content").textValue(),
                        reasoning == null ? null : reasoning.textValue()));
            }
            JsonNode thinking = node.get("enable_thinking");
            cases.add(new Case(node.get("name").textValue(), messages, node.get("add_generation_prompt").booleanValue(),
                    thinking == null || thinking.booleanValue()));
        }
        return cases;
    }

    @Test
    void goldenSetIsComplete() throws IOException {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(15);
        try (Stream<Path> files = Files.list(GOLDENS)) {
            assertThat(files.filter(f -> f.toString().endsWith(".txt")).count()).isEqualTo(cases().size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersByteIdenticalToTheTemplate(Case c) throws IOException {
        String rendered = format.render(c.messages(), c.addGenerationPrompt(), c.enableThinking());

        assertThat(rendered.getBytes(StandardCharsets.UTF_8)).isEqualTo(c.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void spansCoverEveryAssistantCompletion(Case c) {
        ChatFormat.Rendered rendered = format.renderWithSpans(c.messages(), c.addGenerationPrompt(), c.enableThinking());

        long assistants = c.messages().stream().filter(m -> m.role() == Role.ASSISTANT).count();
        assertThat(rendered.completionSpans()).hasSize((int) assistants);
        assertThat(rendered.text()).isEqualTo(format.render(c.messages(), c.addGenerationPrompt(), c.enableThinking()));
        for (ChatFormat.Span span : rendered.completionSpans()) {
            assertThat(rendered.text().substring(0, span.begin())).endsWith("<|im_start|>assistant\n");
            String completion = rendered.text().substring(span.begin(), span.end());
            assertThat(completion).endsWith("<|im_end|>").doesNotContain("<|im_start|>");
            assertThat(completion.indexOf("<|im_end|>")).isEqualTo(completion.length() - "<|im_end|>".length());
        }
    }
}
