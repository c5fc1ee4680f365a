package repo.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import repo.core.text.Message.Role;

/**
 * Renders a conversation into the Qwen3 chat format, byte for byte as the model's own {@code chat_template}
 * (from Qwen3's {@code tokenizer_config.json}) renders it without a tools list.
 *
 * <h2>Why a hand port</h2>
 *
 * <p>The template is Jinja written for Python's Jinja2, and no JVM Jinja engine renders it: Jinjava, the
 * usual choice, fails on {@code namespace()}, on the {@code messages[::-1]} slice and on Python string
 * methods such as {@code .lstrip('\n')}. So this class ports the template's rules one by one, and the
 * golden test ({@code ChatFormatGoldenTest}) checks the port against the template rendered by
 * {@code @huggingface/jinja} 0.5.11 over committed cases ({@code src-test-fixtures/goldens/chat-format}).
 *
 * <h2>The rules, as the template has them</h2>
 *
 * <ul>
 *   <li>A system message first in the list becomes the {@code <|im_start|>system} header; a system message
 *       anywhere else is rendered like a user turn.
 *   <li>Every turn is {@code <|im_start|>ROLE\nCONTENT<|im_end|>\n}.
 *   <li>The <em>last query</em> is the last user message that is not a wrapped tool result (content that
 *       starts with {@code <tool_response>} and ends with {@code </tool_response>}); with no such message
 *       it is the index of the last message.
 *   <li>An assistant message's reasoning is its {@code reasoning_content} if given; otherwise, if its
 *       content holds {@code </think>}, the content is cut there: the answer is what follows the last
 *       {@code </think>}, and the reasoning is what lies between the last {@code <think>} and the first
 *       {@code </think>}.
 *   <li>Assistant turns up to the last query are rendered with the answer only, their thinking dropped.
 *       Assistant turns after it get a {@code <think>\nREASONING\n</think>\n\n} block when they are the last
 *       message or have non-empty reasoning.
 *   <li>Consecutive tool messages share one user turn, each wrapped in {@code \n<tool_response>\n...\n
 *       </tool_response>}.
 *   <li>The generation prompt is {@code <|im_start|>assistant\n}, followed by an empty think block
 *       {@code <think>\n\n</think>\n\n} when thinking is off. The template only tests
 *       {@code enable_thinking is defined and enable_thinking is false}, so leaving it undefined is the same
 *       as {@code true}.
 * </ul>
 *
 * <h2>Whitespace trimming follows Python, as transformers and vLLM render it</h2>
 *
 * <p>The template trims with {@code .lstrip('\n')}, {@code .rstrip('\n')} and {@code .strip('\n')}: Python's
 * Jinja2 strips only newlines there, and so does this class. {@code @huggingface/jinja} 0.5.11 ignores the
 * argument and trims all whitespace, so the one golden case where they differ
 * ({@code whitespace-around-think-tags}) is derived by hand; its generator checks the two still disagree.
 *
 * <p>Instances are stateless and thread-safe.
 */
public final class ChatFormat {

    private static final String IM_START = "<|im_start|>";
    private static final String IM_END = "<|im_end|>";
    private static final String THINK = "<think>";
    private static final String END_THINK = "</think>";
    private static final String TOOL_RESPONSE = "<tool_response>";
    private static final String END_TOOL_RESPONSE = "</tool_response>";
    private static final String ASSISTANT_HEADER = IM_START + "assistant\n";
    private static final String EMPTY_THINK_BLOCK = THINK + "\n\n" + END_THINK + "\n\n";

    /**
     * A rendered conversation.
     *
     * @param text the rendered chat
     * @param completionSpans one span per assistant message, in order: the text that message contributes
     *     after its {@code <|im_start|>assistant\n} header, through its {@code <|im_end|>} inclusive, i.e.
     *     what the model must produce for that turn
     */
    public record Rendered(String text, List<Span> completionSpans) {
        /** Copies the span list. */
        public Rendered {
            Objects.requireNonNull(text, "text");
            completionSpans = List.copyOf(completionSpans);
        }
    }

    /**
     * A range of UTF-16 {@code char} offsets in a rendered text, as {@link String#substring(int, int)} takes.
     *
     * @param begin the first char, inclusive
     * @param end the end, exclusive
     */
    public record Span(int begin, int end) {
        /** Checks {@code 0 <= begin <= end}. */
        public Span {
            if (begin < 0 || end < begin) {
                throw new IllegalArgumentException("bad span [" + begin + ", " + end + "): need 0 <= begin <= end");
            }
        }
    }

    /**
     * Renders {@code messages} as the Qwen3 chat template does.
     *
     * @param messages the conversation (may be empty)
     * @param addGenerationPrompt whether to end with {@code <|im_start|>assistant\n} for the model to continue
     * @param enableThinking when {@code false} (and a generation prompt is added), the prompt ends with an
     *     empty think block so the model answers without thinking
     */
    public String render(List<Message> messages, boolean addGenerationPrompt, boolean enableThinking) {
        return renderWithSpans(messages, addGenerationPrompt, enableThinking).text();
    }

    /**
     * Renders like {@link #render} and also returns where each assistant message's completion lies in the
     * text, for masking the loss to the assistant's tokens.
     */
    public Rendered renderWithSpans(List<Message> messages, boolean addGenerationPrompt, boolean enableThinking) {
        Objects.requireNonNull(messages, "messages");
        StringBuilder out = new StringBuilder();
        List<Span> spans = new ArrayList<>();
        if (!messages.isEmpty() && messages.get(0).role() == Role.SYSTEM) {
            appendTurn(out, Role.SYSTEM, messages.get(0).content());
        }
        int lastQuery = lastQueryIndex(messages);
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            switch (message.role()) {
                case SYSTEM -> {
                    if (i > 0) {
                        appendTurn(out, Role.SYSTEM, message.content());
                    }
                }
                case USER -> appendTurn(out, Role.USER, message.content());
                case ASSISTANT -> spans.add(appendAssistant(out, message, i > lastQuery, i == messages.size() - 1));
                case TOOL -> appendToolResponse(out, messages, i);
            }
        }
        if (addGenerationPrompt) {
            out.append(ASSISTANT_HEADER);
            if (!enableThinking) {
                out.append(EMPTY_THINK_BLOCK);
            }
        }
        return new Rendered(out.toString(), spans);
    }

    private static void appendTurn(StringBuilder out, Role role, String content) {
        out.append(IM_START).append(role.jsonName()).append('\n').append(content).append(IM_END).append('\n');
    }

    /** The template's {@code ns.last_query_index}: the last user message that is not a tool result. */
    private static int lastQueryIndex(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message message = messages.get(i);
            if (message.role() == Role.USER && !isWrappedToolResponse(message.content())) {
                return i;
            }
        }
        return messages.size() - 1;
    }

    private static boolean isWrappedToolResponse(String content) {
        return content.startsWith(TOOL_RESPONSE) && content.endsWith(END_TOOL_RESPONSE);
    }

    /** Appends one assistant turn and returns the span of its completion. */
    private static Span appendAssistant(StringBuilder out, Message message, boolean afterLastQuery, boolean last) {
        Turn turn = Turn.of(message);
        out.append(ASSISTANT_HEADER);
        int begin = out.length();
        if (afterLastQuery && (last || !turn.reasoning().isEmpty())) {
            out.append(THINK).append('\n').append(NewlineStrip.strip(turn.reasoning())).append('\n')
                    .append(END_THINK).append("\n\n").append(NewlineStrip.stripLeading(turn.answer()));
        } else {
            out.append(turn.answer());
        }
        out.append(IM_END);
        Span span = new Span(begin, out.length());
        out.append('\n');
        return span;
    }

    /** An assistant message split into reasoning and answer, as the template splits it. */
    private record Turn(String reasoning, String answer) {
        static Turn of(Message message) {
            String content = message.content();
            if (message.reasoningContent() != null) {
                return new Turn(message.reasoningContent(), content);
            }
            if (!content.contains(END_THINK)) {
                return new Turn("", content);
            }
            // content.split('</think>')[-1].lstrip('\n')
            String answer = NewlineStrip.stripLeading(afterLast(content, END_THINK));
            // content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
            String beforeFirstEnd = content.substring(0, content.indexOf(END_THINK));
            String reasoning = NewlineStrip.stripLeading(afterLast(NewlineStrip.stripTrailing(beforeFirstEnd), THINK));
            return new Turn(reasoning, answer);
        }

        /** {@code text.split(separator)[-1]}: all of {@code text} if the separator does not occur. */
        private static String afterLast(String text, String separator) {
            int at = text.lastIndexOf(separator);
            return at < 0 ? text : text.substring(at + separator.length());
        }
    }

    /** Consecutive tool messages share one user turn, each result wrapped in {@code <tool_response>}. */
    private static void appendToolResponse(StringBuilder out, List<Message> messages, int i) {
        if (i == 0 || messages.get(i - 1).role() != Role.TOOL) {
            out.append(IM_START).append(Role.USER.jsonName());
        }
        out.append('\n').append(TOOL_RESPONSE).append('\n').append(messages.get(i).content()).append('\n')
                .append(END_TOOL_RESPONSE);
        if (i == messages.size() - 1 || messages.get(i + 1).role() != Role.TOOL) {
            out.append(IM_END).append('\n');
        }
    }

    /**
     * The template's {@code lstrip('\n')}, {@code rstrip('\n')} and {@code strip('\n')} with Python's
     * semantics (transformers and vLLM render with Jinja2): only newlines are removed.
     */
    private static final class NewlineStrip {
        private NewlineStrip() {}

        static String strip(String text) {
            return stripLeading(stripTrailing(text));
        }

        static String stripLeading(String text) {
            int begin = 0;
            while (begin < text.length() && text.charAt(begin) == '\n') {
                begin++;
            }
            return text.substring(begin);
        }

        static String stripTrailing(String text) {
            int end = text.length();
            while (end > 0 && text.charAt(end - 1) == '\n') {
                end--;
            }
            return text.substring(0, end);
        }
    }
}
