package repo.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import repo.core.model.Qwen3Model;
import repo.core.text.ChatFormat;
import repo.core.text.ChatTokens;
import repo.core.text.Message;
import repo.core.text.QwenTokenizer;

/**
 * Tokenised sequences and the batched tensors and per-token log-probs the trainers compute on them.
 * Batches are right-padded with {@code <|endoftext|>} and masked.
 */
public final class Sequences {
    public static final long PAD = QwenTokenizer.ENDOFTEXT;
    private static final String EMPTY_THINK = "<think>\n\n</think>\n\n";

    private Sequences() {
    }

    /**
     * A token sequence with a per-token loss mask.
     *
     * @param ids (T) token ids
     * @param target (T) true where token t is predicted by the loss (assistant completion tokens)
     */
    public record Tokens(long[] ids, boolean[] target) {
        public int length() {
            return ids.length;
        }

        public int targets() {
            int n = 0;
            for (boolean b : target) {
                n += b ? 1 : 0;
            }
            return n;
        }
    }

    /**
     * Renders a conversation with the chat template and tokenises it piece by piece, so that exactly the
     * assistant completions ({@code ChatFormat.renderWithSpans}) are targets, less the empty think block the
     * template gives the final turn (generation with thinking off has it in the prompt). Pieces meet at
     * {@code <|im_start|>assistant\n}, the think block and {@code <|im_end|>}, where the tokenizer splits anyway.
     */
    public static Tokens dialogue(List<Message> messages, QwenTokenizer tok, ChatFormat chat) {
        ChatFormat.Rendered r = chat.renderWithSpans(messages, false, true);
        List<long[]> pieces = new ArrayList<>();
        List<Boolean> isTarget = new ArrayList<>();
        int at = 0;
        for (ChatFormat.Span span : r.completionSpans()) {
            // an empty think block opening a turn belongs to the prompt, as in generation with thinking off
            int begin = r.text().startsWith(EMPTY_THINK, span.begin()) ? span.begin() + EMPTY_THINK.length() : span.begin();
            pieces.add(tok.encode(r.text().substring(at, begin)));
            isTarget.add(false);
            pieces.add(tok.encode(r.text().substring(begin, span.end())));
            isTarget.add(true);
            at = span.end();
        }
        pieces.add(tok.encode(r.text().substring(at)));
        isTarget.add(false);
        int n = pieces.stream().mapToInt(p -> p.length).sum();
        long[] ids = new long[n];
        boolean[] target = new boolean[n];
        int k = 0;
        for (int i = 0; i < pieces.size(); i++) {
            System.arraycopy(pieces.get(i), 0, ids, k, pieces.get(i).length);
            Arrays.fill(target, k, k + pieces.get(i).length, isTarget.get(i));
            k += pieces.get(i).length;
        }
        return new Tokens(ids, target);
    }

    /**
     * A prompt followed by one assistant reply, thinking off, exactly as generation produces it:
     * the generation prompt (ending in the empty think block) then {@code reply<|im_end|>} as targets.
     */
    public static Tokens promptAndReply(List<Message> prompt, String reply, QwenTokenizer tok, ChatFormat chat) {
        long[][] pr = ChatTokens.promptAndReply(prompt, reply, tok, chat);
        long[] p = pr[0], c = pr[1];
        long[] ids = Arrays.copyOf(p, p.length + c.length);
        System.arraycopy(c, 0, ids, p.length, c.length);
        boolean[] target = new boolean[ids.length];
        Arrays.fill(target, p.length, ids.length, true);
        return new Tokens(ids, target);
    }

    /** Right-padded (B, T) ids, (B, T) attention mask and (B, T) target mask (fp32) for a list of sequences. */
    public static NDArray[] batch(NDManager m, List<Tokens> seqs) {
        int b = seqs.size(), t = seqs.stream().mapToInt(Tokens::length).max().orElse(0);
        long[] ids = new long[b * t], mask = new long[b * t];
        float[] target = new float[b * t];
        Arrays.fill(ids, PAD);
        for (int r = 0; r < b; r++) {
            Tokens s = seqs.get(r);
            System.arraycopy(s.ids(), 0, ids, r * t, s.length());
            Arrays.fill(mask, r * t, r * t + s.length(), 1L);
            for (int i = 0; i < s.length(); i++) {
                target[r * t + i] = s.target()[i] ? 1f : 0f;
            }
        }
        Shape shape = new Shape(b, t);
        return new NDArray[] {m.create(ids, shape), m.create(mask, shape), m.create(target, shape)};
    }

    /**
     * Log-probability of every next token: position t scores token t+1.
     *
     * @param ids (B, T) int64
     * @param mask (B, T) attention mask
     * @return (B, T-1) log p(ids[:, 1:] | prefix), in the model's compute dtype
     */
    public static NDArray nextTokenLogProbs(Qwen3Model model, NDArray ids, NDArray mask) {
        NDArray hidden = model.hidden(ids, mask, null);                       // (B, T, h)
        NDArray logits = model.logits(hidden.get(new NDIndex(":, :-1, :")));  // (B, T-1, V)
        NDArray next = ids.get(new NDIndex(":, 1:")).expandDims(-1);          // (B, T-1, 1)
        return logits.logSoftmax(-1).gather(next, -1).squeeze(-1);           // (B, T-1)
    }

    /** Sum over target tokens of each row's next-token log-probs: (B, T-1) × (B, T) targets -> (B). */
    public static NDArray targetSum(NDArray tokenLogProbs, NDArray target) {
        NDArray shifted = target.get(new NDIndex(":, 1:")).toType(tokenLogProbs.getDataType(), false); // (B, T-1)
        return tokenLogProbs.mul(shifted).sum(new int[] {1});
    }

    /** Fails with the example's position when a sequence is longer than {@code maxLength}. */
    public static void checkLength(Tokens t, int maxLength, String what) {
        if (t.length() > maxLength) {
            throw new IllegalArgumentException(what + " has " + t.length() + " tokens, more than train.max_length "
                    + maxLength + "; shorten it or raise train.max_length");
        }
    }

    /** Ids as a DataType-checked array. */
    static NDArray ids(NDManager m, long[] ids) {
        return m.create(ids, new Shape(1, ids.length)).toType(DataType.INT64, false);
    }
}
