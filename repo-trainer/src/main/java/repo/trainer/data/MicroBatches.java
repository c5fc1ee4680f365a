package repo.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits a sequence of examples, in the given order, into micro-batches that fit a token budget.
 *
 * <p>A micro-batch is padded to its longest sequence, so it costs {@code paddedLength × rows} tokens; that must be
 * at most the budget. Examples are taken greedily in order (the order is the data order's business, see
 * {@link DataOrder}); a sequence is never split, and a sequence longer than the budget gets a micro-batch of its
 * own (the only case in which a micro-batch exceeds the budget).
 */
public final class MicroBatches {

    /**
     * One micro-batch.
     *
     * @param indices positions in the input list, ascending
     * @param paddedLength the longest length among them
     */
    public record MicroBatch(List<Integer> indices, int paddedLength) {
        /** Copies the indices. */
        public MicroBatch {
            if (indices.isEmpty()) {
                throw new IllegalArgumentException("a micro-batch needs at least one row");
            }
            indices = List.copyOf(indices);
        }

        /** The number of sequences. */
        public int rows() {
            return indices.size();
        }

        /** {@code paddedLength × rows}: the tokens the batch costs once padded. */
        public long paddedTokens() {
            return (long) paddedLength * rows();
        }
    }

    private MicroBatches() {
    }

    /**
     * Splits sequences of the given lengths.
     *
     * @param lengths the length of every sequence, each {@code ≥ 1}
     * @param tokenBudget the most padded tokens per micro-batch, {@code ≥ 1}
     * @return micro-batches covering every index once, in order
     * @throws IllegalArgumentException for a length or budget below 1
     */
    public static List<MicroBatch> split(int[] lengths, int tokenBudget) {
        if (tokenBudget < 1) {
            throw new IllegalArgumentException("tokenBudget is " + tokenBudget + ": expected >= 1");
        }
        List<MicroBatch> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int currentMax = 0;
        for (int i = 0; i < lengths.length; i++) {
            int len = lengths[i];
            if (len < 1) {
                throw new IllegalArgumentException("sequence " + i + " has length " + len + ": expected >= 1");
            }
            int padded = Math.max(currentMax, len);
            if (!current.isEmpty() && (long) padded * (current.size() + 1) > tokenBudget) {
                out.add(new MicroBatch(current, currentMax));
                current = new ArrayList<>();
                currentMax = 0;
                padded = len;
            }
            current.add(i);
            currentMax = padded;
        }
        if (!current.isEmpty()) {
            out.add(new MicroBatch(current, currentMax));
        }
        return List.copyOf(out);
    }

    /** Splits {@code items} by {@code length}, returning the items themselves grouped as {@link #split(int[], int)} does. */
    public static <T> List<List<T>> split(List<T> items, ToIntFunction<? super T> length, int tokenBudget) {
        int[] lengths = new int[items.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = length.applyAsInt(items.get(i));
        }
        List<List<T>> out = new ArrayList<>();
        for (MicroBatch batch : split(lengths, tokenBudget)) {
            out.add(batch.indices().stream().map(items::get).toList());
        }
        return List.copyOf(out);
    }
}
