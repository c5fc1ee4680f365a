package repo.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import repo.trainer.data.DataOrder.Cursor;
import repo.trainer.data.DataOrder.Position;

class DataOrderTest {

    @Test
    void eachEpochIsAPermutationThatDependsOnlyOnSeedAndEpoch() {
        DataOrder order = new DataOrder(50, 1234, true);
        int[] e0 = order.epoch(0);
        int[] e1 = order.epoch(1);

        assertThat(Arrays.stream(e0).sorted().toArray()).isEqualTo(IntStream.range(0, 50).toArray());
        assertThat(Arrays.stream(e1).sorted().toArray()).isEqualTo(IntStream.range(0, 50).toArray());
        assertThat(e0).isNotEqualTo(e1).isNotEqualTo(IntStream.range(0, 50).toArray());
        assertThat(new DataOrder(50, 1234, true).epoch(1)).isEqualTo(e1);
        assertThat(new DataOrder(50, 1235, true).epoch(0)).isEqualTo(e1); // epoch e draws from seed + e
        assertThat(new DataOrder(50, 99, true).epoch(0)).isNotEqualTo(e0);
    }

    @Test
    void epochIsAFisherYatesShuffleDrawnFromSeedPlusEpoch() {
        // the documented recipe, spelled out: swap i (from the end) with j = nextInt(i + 1)
        SplittableRandom random = new SplittableRandom(7 + 3);
        int[] expected = {0, 1, 2, 3, 4, 5};
        for (int i = 5; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = expected[i];
            expected[i] = expected[j];
            expected[j] = t;
        }
        assertThat(new DataOrder(6, 7, true).epoch(3)).isEqualTo(expected);
    }

    @Test
    void withoutShuffleEveryEpochIsInFileOrder() {
        assertThat(new DataOrder(4, 1, false).epoch(5)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void cursorRunsAcrossEpochsAndResumesExactlyFromItsPosition() {
        DataOrder order = new DataOrder(7, 42, true);
        Cursor straight = order.cursor(Position.start());
        int[] all = new int[30];
        for (int i = 0; i < all.length; i++) {
            all[i] = straight.next();
        }
        assertThat(Arrays.copyOfRange(all, 0, 7)).isEqualTo(order.epoch(0));
        assertThat(Arrays.copyOfRange(all, 7, 14)).isEqualTo(order.epoch(1));

        for (int stop = 0; stop < 30; stop++) {
            Cursor first = new DataOrder(7, 42, true).cursor(Position.start());
            for (int i = 0; i < stop; i++) {
                first.next();
            }
            Position saved = first.position();
            assertThat(saved).isEqualTo(new Position(stop / 7, stop % 7));
            Cursor resumed = new DataOrder(7, 42, true).cursor(saved);
            for (int i = stop; i < 30; i++) {
                assertThat(resumed.next()).as("draw %d after resuming at %d", i, stop).isEqualTo(all[i]);
            }
        }
    }

    @Test
    void rejectsEmptyDataAndPositionsOutOfRange() {
        assertThatThrownBy(() -> new DataOrder(0, 1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one example");
        assertThatThrownBy(() -> new DataOrder(3, 1, true).cursor(new Position(0, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected < size 3");
        assertThatThrownBy(() -> new Position(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
