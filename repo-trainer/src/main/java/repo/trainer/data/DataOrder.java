package repo.trainer.data;

import java.util.SplittableRandom;

/**
 * The order in which a training run visits a data set of {@code size} examples, epoch after epoch.
 *
 * <p>Epoch {@code e} (counted from 0) is a Fisher–Yates shuffle drawn from {@code new SplittableRandom(seed + e)},
 * so every epoch's order is a pure function of {@code (seed, epoch)}: a run resumed from a {@link Position} needs to
 * store only the seed and that position, never a generator state. With shuffling off every epoch is
 * {@code 0, 1, ..., size − 1}.
 */
public final class DataOrder {

    /**
     * Where a run stands: the next example to visit is entry {@code index} of epoch {@code epoch}'s order.
     *
     * @param epoch counted from 0
     * @param index in {@code [0, size)}; a position is normalised so that {@code index < size}
     */
    public record Position(int epoch, int index) {
        /** Checks the ranges. */
        public Position {
            if (epoch < 0 || index < 0) {
                throw new IllegalArgumentException("position (" + epoch + ", " + index + "): expected both >= 0");
            }
        }

        /** The start of a run. */
        public static Position start() {
            return new Position(0, 0);
        }
    }

    private final int size;
    private final long seed;
    private final boolean shuffle;

    /**
     * An order over {@code size} examples.
     *
     * @throws IllegalArgumentException if {@code size < 1}
     */
    public DataOrder(int size, long seed, boolean shuffle) {
        if (size < 1) {
            throw new IllegalArgumentException("size is " + size + ": expected at least one example");
        }
        this.size = size;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    /** The number of examples. */
    public int size() {
        return size;
    }

    /** The seed of epoch 0. */
    public long seed() {
        return seed;
    }

    /** The order of epoch {@code epoch}: a permutation of {@code 0 .. size − 1}. */
    public int[] epoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch is " + epoch + ": expected >= 0");
        }
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(seed + epoch);
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /**
     * A cursor that starts at {@code from} and runs through the epochs forever.
     *
     * @throws IllegalArgumentException if {@code from.index() ≥ size}
     */
    public Cursor cursor(Position from) {
        if (from.index() >= size) {
            throw new IllegalArgumentException("position index " + from.index() + ": expected < size " + size);
        }
        return new Cursor(from);
    }

    /** Walks the order; {@link #position()} is what a checkpoint stores to resume exactly here. */
    public final class Cursor {
        private int epoch;
        private int index;
        private int[] order;

        private Cursor(Position from) {
            this.epoch = from.epoch();
            this.index = from.index();
            this.order = DataOrder.this.epoch(epoch);
        }

        /** The example to visit next, advancing the position (into the next epoch after the last example). */
        public int next() {
            int example = order[index++];
            if (index == size) {
                epoch++;
                index = 0;
                order = DataOrder.this.epoch(epoch);
            }
            return example;
        }

        /** The position of the example {@link #next()} returns next. */
        public Position position() {
            return new Position(epoch, index);
        }
    }
}
