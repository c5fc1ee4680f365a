package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import repo.rewards.api.SourceResult;

/** {@link LocalJudge}'s batching and failure policy over a scripted {@link JudgeModel}. */
class LocalJudgeTest {

    @Test
    void batchesPromptsAndParsesEachAnswer() {
        List<Integer> batchSizes = new ArrayList<>();
        JudgeModel model = prompts -> {
            batchSizes.add(prompts.size());
            return prompts.stream().map(p -> p.contains("保证") ? TestData.validAnswer() : "I think the reply is fine.").toList();
        };
        try (LocalJudge j = new LocalJudge(TestData.rubric(), model, 2, null)) {
            List<SourceResult> rs = j.judgeAll(List.of(TestData.item(TestData.PROMISE_REPLY), TestData.item("您好"),
                    TestData.item(TestData.PROMISE_REPLY)));
            assertThat(batchSizes).containsExactly(2, 1);
            assertThat(rs.get(0).value()).isEqualTo(-25);
            assertThat(rs.get(0).source()).isEqualTo("judge");
            assertThat(rs.get(1).failed()).isTrue();
            assertThat(rs.get(1).error()).startsWith("[parse] judge answer rejected: not valid JSON");
            assertThat(rs.get(2).value()).isEqualTo(-25);
            JudgeStats st = j.stats();
            assertThat(st.calls()).isEqualTo(3);
            assertThat(st.succeeded()).isEqualTo(2);
            assertThat(st.failures(FailureKind.PARSE)).isEqualTo(1);
            assertThat(st.retries()).isZero();
        }
    }

    @Test
    void aModelErrorFailsTheBatchWithoutThrowing() {
        JudgeModel broken = prompts -> {
            throw new IllegalArgumentException("prompt (41000 tokens) + maxNewTokens (1024) exceeds max_position_embeddings 40960");
        };
        try (LocalJudge j = new LocalJudge(TestData.rubric(), broken, 4, null)) {
            SourceResult r = j.judge(TestData.item("您好"));
            assertThat(r.failed()).isTrue();
            assertThat(r.error()).startsWith("[generation] prompt (41000 tokens)");
            assertThat(j.stats().failures(FailureKind.GENERATION)).isEqualTo(1);
        }
    }
}
