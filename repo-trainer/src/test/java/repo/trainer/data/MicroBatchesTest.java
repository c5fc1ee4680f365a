package repo.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import repo.trainer.data.MicroBatches.MicroBatch;

class MicroBatchesTest {

    @Test
    void packsGreedilyByPaddedLengthTimesRows() {
        // budget 12: [3,4,2] pads to 4·3 = 12 (fits); adding 5 would pad to 5·4 = 20 → new batch;
        // [5,1] = 5·2 = 10, adding 6 → 6·3 = 18 → new batch; [6,6] = 12; adding 1 → 6·3 = 18 → new batch; [1]
        List<MicroBatch> batches = MicroBatches.split(new int[] {3, 4, 2, 5, 1, 6, 6, 1}, 12);

        assertThat(batches).containsExactly(
                new MicroBatch(List.of(0, 1, 2), 4),
                new MicroBatch(List.of(3, 4), 5),
                new MicroBatch(List.of(5, 6), 6),
                new MicroBatch(List.of(7), 1));
        assertThat(batches.get(0).paddedTokens()).isEqualTo(12);
        assertThat(batches.get(1).rows()).isEqualTo(2);
    }

    @Test
    void aSequenceLongerThanTheBudgetGetsItsOwnBatch() {
        List<MicroBatch> batches = MicroBatches.split(new int[] {2, 30, 2, 2}, 8);

        assertThat(batches).containsExactly(
                new MicroBatch(List.of(0), 2),
                new MicroBatch(List.of(1), 30),
                new MicroBatch(List.of(2, 3), 2));
    }

    @Test
    void exactlyTheBudgetFits() {
        assertThat(MicroBatches.split(new int[] {4, 4, 4, 4}, 16)).containsExactly(new MicroBatch(List.of(0, 1, 2, 3), 4));
        assertThat(MicroBatches.split(new int[] {4, 4, 4, 4}, 15)).hasSize(2);
    }

    @Test
    void randomInputsRespectTheBudgetAndCoverEveryIndexOnceInOrder() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int budget = 1 + random.nextInt(64);
            int[] lengths = random.ints(random.nextInt(40), 1, 80).toArray();
            int next = 0;
            for (MicroBatch batch : MicroBatches.split(lengths, budget)) {
                int max = 0;
                for (int index : batch.indices()) {
                    assertThat(index).isEqualTo(next++);
                    max = Math.max(max, lengths[index]);
                }
                assertThat(batch.paddedLength()).isEqualTo(max);
                if (batch.rows() > 1) {
                    assertThat(batch.paddedTokens()).isLessThanOrEqualTo(budget);
                } else {
                    assertThat(batch.paddedTokens() <= budget || max > budget).isTrue();
                }
            }
            assertThat(next).isEqualTo(lengths.length);
        }
    }

    @Test
    void groupsItemsByALengthFunction() {
        assertThat(MicroBatches.split(List.of("ab", "cd", "efgh", "i"), String::length, 4))
                .containsExactly(List.of("ab", "cd"), List.of("efgh"), List.of("i"));
        assertThat(MicroBatches.split(List.<String>of(), String::length, 4)).isEmpty();
    }

    @Test
    void rejectsEmptySequencesAndBudgets() {
        assertThatThrownBy(() -> MicroBatches.split(new int[] {3, 0}, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sequence 1 has length 0: expected >= 1");
        assertThatThrownBy(() -> MicroBatches.split(new int[] {3}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokenBudget is 0: expected >= 1");
    }
}
