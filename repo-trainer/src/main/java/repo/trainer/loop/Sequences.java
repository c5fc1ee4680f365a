package repo.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import repo.core.model.ChunkedLogProbs;
import repo.core.model.Forward;
import repo.core.text.ChatFormat;
import repo.core.text.ChatTokens;
import repo.core.text.Message;
import repo.core.text.QwenTokenizer;

/**
 * Tokenised sequences and the batched tensors and per-token log-probs the trainers compute on them.
 * Batches are right-padded (with id 0) and masked.
 */
public final class Sequences {
    /** Right padding: any id works (padded positions come after every real token and are masked), and 0 exists in every vocabulary. */
    public static final long PAD = 0;
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

    /**
     * Right-padded sequences as tensors, and the window of positions whose next token is a target of some row.
     *
     * @param ids (B, T) int64 token ids, padded with {@link #PAD}
     * @param mask (B, T) int64 attention mask, 1 on real tokens
     * @param target (B, T) fp32, 1 where the token is a target
     * @param offset the first position that predicts a target of any row: position i predicts token i+1, so the
     *               window [offset, T-1) covers every target, and prompts before it need no LM head
     * @param rows the sequences, in row order
     */
    public record Batch(NDArray ids, NDArray mask, NDArray target, int offset, List<Tokens> rows) {
        /** W = T - 1 - offset: the window's width. */
        public int width() {
            return (int) ids.getShape().get(1) - 1 - offset;
        }

        /** (B, W): 1 where the window position predicts a target token. */
        public NDArray targetWindow() {
            return target.get(new NDIndex(":, {}:", offset + 1));
        }

        /** Each row's values at its target positions, from a (B, W) window tensor, in token order. */
        public float[][] atTargets(NDArray window) {
            float[] all = window.toType(DataType.FLOAT32, false).toFloatArray();
            int w = width();
            float[][] out = new float[rows.size()][];
            for (int r = 0; r < rows.size(); r++) {
                boolean[] t = rows.get(r).target();
                float[] v = new float[rows.get(r).targets()];
                int k = 0;
                for (int i = offset + 1; i < t.length; i++) {
                    if (t[i]) {
                        v[k++] = all[r * w + i - 1 - offset];
                    }
                }
                out[r] = v;
            }
            return out;
        }

        /** A (B, W) window tensor (in {@code like}'s dtype) holding each row's figures at its target positions, 0 elsewhere. */
        public NDArray window(float[][] perRow, NDArray like) {
            int w = width();
            float[] out = new float[rows.size() * w];
            for (int r = 0; r < rows.size(); r++) {
                boolean[] t = rows.get(r).target();
                int k = 0;
                for (int i = offset + 1; i < t.length; i++) {
                    if (t[i]) {
                        out[r * w + i - 1 - offset] = perRow[r][k++];
                    }
                }
            }
            return like.getManager().create(out, new Shape(rows.size(), w)).toType(like.getDataType(), false);
        }
    }

    /** Right-padded tensors of a list of sequences (see {@link Batch}). */
    public static Batch batch(NDManager m, List<Tokens> seqs) {
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
        int offset = Math.max(0, seqs.stream().mapToInt(Sequences::firstTarget).min().orElse(1) - 1);
        Shape shape = new Shape(b, t);
        return new Batch(m.create(ids, shape), m.create(mask, shape), m.create(target, shape), offset, List.copyOf(seqs));
    }

    /**
     * Next-token figures over a batch's window: the LM head and softmax run only on the W positions that predict a
     * target of some row.
     *
     * @param logp (B, W) log p(token i+1 | prefix) at window position i
     * @param entropy (B, W) entropy of each position's distribution, or null when not asked for
     */
    public record TokenLogProbs(NDArray logp, NDArray entropy) {
    }

    /** {@link TokenLogProbs} of {@code b} under the forward {@code pass}. */
    public static TokenLogProbs tokenLogProbs(Forward pass, Batch b, boolean entropy) {
        return tokenLogProbs(pass, b, entropy, 1.0);
    }

    /**
     * {@link TokenLogProbs} of {@code b} under {@code pass} at temperature T: log-probs of {@code log_softmax(logits / T)},
     * the distribution a sampler at temperature T draws from (RL uses its sampling temperature; 1.0 is the model
     * itself). The LM head runs on the window only, whole or in chunks as the forward's
     * {@link repo.core.model.ActivationMemory} says ({@link Forward#tokenLogProbs}).
     */
    public static TokenLogProbs tokenLogProbs(Forward pass, Batch b, boolean entropy, double temperature) {
        return tokenLogProbs(pass, pass.hidden(b.ids(), b.mask(), null), b, entropy, temperature);
    }

    /** As {@link #tokenLogProbs(Forward, Batch, boolean, double)}, from {@code pass}'s hidden states (B, T, h) of {@code b}. */
    public static TokenLogProbs tokenLogProbs(Forward pass, NDArray hidden, Batch b, boolean entropy, double temperature) {
        return of(pass.tokenLogProbs(window(hidden, b), nextTokens(b), temperature, entropy));
    }

    /**
     * As {@link #tokenLogProbs(Forward, NDArray, Batch, boolean, double)} with the LM head unchunked, from window logits
     * already computed ({@link #windowLogits}): the same ops, so the same values.
     */
    public static TokenLogProbs tokenLogProbs(NDArray windowLogits, Batch b, boolean entropy, double temperature) {
        return of(ChunkedLogProbs.whole(windowLogits, nextTokens(b), temperature, entropy));
    }

    /** (B, W, V) logits of the window positions from hidden states (B, T, h) of {@code b}: the LM head runs only there. */
    public static NDArray windowLogits(Forward pass, NDArray hidden, Batch b) {
        return pass.model().logits(window(hidden, b));                                           // (B, W, V)
    }

    /** (B, T, h) -> (B, W, h): the positions that predict a target of some row. */
    private static NDArray window(NDArray hidden, Batch b) {
        return hidden.get(new NDIndex(":, {}:-1, :", b.offset()));
    }

    /** (B, W): the token each window position predicts. */
    private static NDArray nextTokens(Batch b) {
        return b.ids().get(new NDIndex(":, {}:", b.offset() + 1));
    }

    private static TokenLogProbs of(ChunkedLogProbs.Result r) {
        return new TokenLogProbs(r.logProbs(), r.entropy());
    }

    /**
     * Each row's summed log-probability of its target tokens, log p(token | prefix), under {@code pass}.
     *
     * @return (B), in the model's compute dtype
     */
    public static NDArray targetLogProbs(Forward pass, Batch b) {
        NDArray logp = tokenLogProbs(pass, b, false).logp();                                     // (B, W)
        return logp.mul(b.targetWindow().toType(logp.getDataType(), false)).sum(new int[] {1});
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
