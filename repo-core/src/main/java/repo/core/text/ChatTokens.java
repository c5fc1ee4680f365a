package repo.core.text;

import java.util.List;

/**
 * Token ids of a prompt and of one assistant reply to it, split exactly where generation splits them: the
 * prompt is the chat-formatted conversation with the generation prompt and thinking off (ending in the empty
 * think block), the reply is what the policy generates after it, {@code <|im_end|>} included. Trainers, the
 * reward model and rollouts all use this one definition, so a reply is scored on the tokens it was sampled as.
 */
public final class ChatTokens {
    private ChatTokens() {
    }

    /** {prompt ids, reply ids (ending in <|im_end|>)}. */
    public static long[][] promptAndReply(List<Message> prompt, String reply, QwenTokenizer tok, ChatFormat chat) {
        return new long[][] {tok.encode(chat.render(prompt, true, false)), tok.encode(reply + "<|im_end|>")};
    }
}
