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
     * Each row's summed log-probability of its target tokens, log p(token | prefix). Position t scores token t+1, and
     * the LM head and softmax run only from the first position that predicts a target of any row (prompts are skipped).
     *
     * @param b the {ids, mask, target} tensors of {@link #batch} for {@code seqs}
     * @return (B), in the model's compute dtype
     */
    public static NDArray targetLogProbs(Qwen3Model model, List<Tokens> seqs, NDArray[] b) {
        int offset = Math.max(0, seqs.stream().mapToInt(Sequences::firstTarget).min().orElse(1) - 1);
        NDArray hidden = model.hidden(b[0], b[1], null);                                        // (B, T, h)
        NDArray logits = model.logits(hidden.get(new NDIndex(":, {}:-1, :", offset)));         // (B, W, V)
        NDArray next = b[0].get(new NDIndex(":, {}:", offset + 1)).expandDims(-1);             // (B, W, 1)
        NDArray logp = logits.logSoftmax(-1).gather(next, -1).squeeze(-1);                      // (B, W)
        NDArray target = b[2].get(new NDIndex(":, {}:", offset + 1)).toType(logp.getDataType(), false); // (B, W)
        return logp.mul(target).sum(new int[] {1});
    }

    private static int firstTarget(Tokens t) {
        for (int i = 0; i < t.length(); i++) {
            if (t.target()[i]) {
                return i;
            }
        }
        return t.length();
    }

    /** Fails with the example's position when a sequence is longer than {@code maxLength}. */
    public static void checkLength(Tokens t, int maxLength, String what) {
        if (t.length() > maxLength) {
            throw new IllegalArgumentException(what + " has " + t.length() + " tokens, more than train.max_length "
                    + maxLength + "; shorten it or raise train.max_length");
        }
    }
}
