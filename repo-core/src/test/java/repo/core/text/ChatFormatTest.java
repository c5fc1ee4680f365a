package repo.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written checks of {@link ChatFormat} spans and flags, beside the golden comparison. */
class ChatFormatTest {

    private final ChatFormat format = new ChatFormat();

    private static List<String> completions(ChatFormat.Rendered rendered) {
        return rendered.completionSpans().stream()
                .map(span -> rendered.text().substring(span.begin(), span.end()))
                .toList();
    }

    @Test
    void spansAreTheRenderedCompletionOfEachAssistantTurn() {
        List<Message> chat = List.of(
                Message.system("sys"),
                Message.user("q1"),
                Message.assistant("<think>\nr1\n</think>\n\nA1"),
                Message.user("q2"),
                Message.assistant("A2", "r2"));

        ChatFormat.Rendered rendered = format.renderWithSpans(chat, false, true);

        assertThat(completions(rendered)).containsExactly(
                "A1<|im_end|>",
                "<think>\nr2\n</think>\n\nA2<|im_end|>");
        assertThat(rendered.text()).isEqualTo("<|im_start|>system\nsys<|im_end|>\n"
                + "<|im_start|>user\nq1<|im_end|>\n"
                + "<|im_start|>assistant\nA1<|im_end|>\n"
                + "<|im_start|>user\nq2<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\nr2\n</think>\n\nA2<|im_end|>\n");
    }

    @Test
    void spansExcludeTheGenerationPromptAndToolTurns() {
        List<Message> chat = List.of(
                Message.user("price?"),
                Message.assistant("", "call the tool"),
                Message.tool("¥1,299.50"),
                Message.assistant("到手价¥1,299.50"));

        ChatFormat.Rendered rendered = format.renderWithSpans(chat, true, false);

        assertThat(completions(rendered)).containsExactly(
                "<think>\ncall the tool\n</think>\n\n<|im_end|>",
                "<think>\n\n</think>\n\n到手价¥1,299.50<|im_end|>");
        assertThat(rendered.text()).endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void noAssistantMeansNoSpans() {
        ChatFormat.Rendered rendered = format.renderWithSpans(List.of(Message.user("hi")), true, true);

        assertThat(rendered.completionSpans()).isEmpty();
        assertThat(rendered.text()).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void enableThinkingOnlyMattersWithAGenerationPrompt() {
        List<Message> chat = List.of(Message.user("hi"), Message.assistant("hello"));

        assertThat(format.render(chat, false, false)).isEqualTo(format.render(chat, false, true));
        assertThat(format.render(List.of(Message.user("hi")), true, false))
                .isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void rejectsNullMessages() {
        assertThatThrownBy(() -> format.render(null, true, true)).isInstanceOf(NullPointerException.class);
    }
}
