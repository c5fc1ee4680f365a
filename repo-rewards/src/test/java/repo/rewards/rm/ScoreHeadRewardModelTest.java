package repo.rewards.rm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.PeftAdapters;
import repo.core.io.SafetensorsWriter;
import repo.core.model.LoraConfig;
import repo.core.model.ModelInit;
import repo.core.model.ModelOptions;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;
import repo.core.model.ScoreHead;
import repo.core.text.ChatFormat;
import repo.core.text.QwenTokenizer;
import repo.rewards.api.Sample;
import repo.rewards.ota.OtaTask;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;
import repo.rewards.ota.AgentPrompt;

/**
 * The RM source on a tiny random checkpoint, a random score head and a random (non-zero) LoRA adapter: batching
 * and right padding do not change scores, scores equal a hand-built forward, the adapter is applied (and a shared
 * model's active adapter restored), and a failing batch becomes per-item failures.
 */
class ScoreHeadRewardModelTest {
    /** Small enough that an over-long item is cheap to build. */
    static final int MAX_POSITIONS = 1024;

    @TempDir static Path tmp;
    static Path base, adapterDir, headFile;

    static final TaskInfo TASK = new TaskInfo(new TaskInfo.Hotel("蓉城悦景酒店", 4, "成都"),
            List.of(new TaskInfo.Ticket("豪华大床房", "2026-12-01..2026-12-03", 1200, 1000, 880, 850)),
            List.of(new TaskInfo.CompetitorOffer("全季酒店(春熙路店)", "豪华大床房", 899)),
            new TaskInfo.DemandSignals(12000.0, 0.021, "近7天预订环比下降12%"), "王经理，收益经理", "CNY", null);

    /** Items of clearly different lengths (history and reply), so batches are right-padded. */
    static final List<ScoredItem> ITEMS = List.of(
            item("a", List.of(), "您好。"),
            item("b", List.of(Turn.agent("王经理您好，我是OTA平台的BD小李。"), Turn.hotel("什么事？")),
                    "想和您聊一下12月1日到3日豪华大床房的价格，同商圈全季酒店是899元，您看到手价能否调整到900元？"),
            item("c", List.of(Turn.hotel("说吧。")), "好的，谢谢。"),
            item("d", List.of(Turn.agent("您好"), Turn.hotel("价格不能再低了。"), Turn.agent("理解您的顾虑。"),
                    Turn.hotel("你们的目标价是多少？")), "这个我不方便透露，不过近7天预订环比下降了12%，我们一起想办法。"),
            item("e", List.of(), "Thanks, we can discuss the Deluxe King rate for December 1 to 3."));

    static ScoredItem item(String id, List<Turn> history, String reply) {
        return new ScoredItem(id, TASK, history, reply, null);
    }

    @BeforeAll
    static void setUp() throws IOException {
        base = tmp.resolve("tiny");
        Qwen3Config t = Qwen3Config.Preset.TINY.config();
        Qwen3Config c = new Qwen3Config(t.vocabSize(), t.hiddenSize(), t.intermediateSize(), t.numHiddenLayers(),
                t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(), t.rmsNormEps(), t.ropeTheta(), MAX_POSITIONS,
                t.tieWordEmbeddings(), t.bosTokenId(), t.eosTokenId(), t.dtype());
        ModelInit.writeRandomCheckpoint(base, c, 11, 0.3, false, SafetensorsWriter.Storage.F32);
        adapterDir = tmp.resolve("adapter");
        headFile = tmp.resolve("score_head.safetensors");
        try (Qwen3Model model = Qwen3Model.load(base, ModelOptions.cpu());
             NDManager m = model.manager().newSubManager()) {
            model.addAdapter("rm", LoraConfig.of(4, 8), 3);
            // B = 0 after init would make the adapter a no-op: give every B random values
            model.adapterModules("rm").values().forEach(a -> NoGrad.copy(a.b(),
                    m.randomNormal(0f, 0.3f, a.b().getShape(), DataType.FLOAT32)));
            PeftAdapters.save(model, "rm", adapterDir, base.toString());
            try (ScoreHead head = ScoreHead.create(model.manager(), c.hiddenSize(), DataType.FLOAT32, 7)) {
                // std 1 instead of 0.02, so that scores are O(1) and a 1e-4 tolerance means something
                NoGrad.copy(head.weight(), m.randomNormal(0f, 1f, head.weight().getShape(), DataType.FLOAT32));
                head.save(headFile);
            }
        }
    }

    static double[] values(List<SourceResult> results) {
        assertThat(results).allSatisfy(r -> {
            assertThat(r.failed()).as(r.error()).isFalse();
            assertThat(r.source()).isEqualTo("rm");
        });
        return results.stream().mapToDouble(SourceResult::value).toArray();
    }

    static void assertClose(double[] actual, double[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("item %d", i).isCloseTo(expected[i], within(tol));
        }
    }

    @Test
    void batchedScoresEqualOneByOneScores() throws IOException {
        try (ScoreHeadRewardModel one = ScoreHeadRewardModel.load(base, adapterDir, headFile, ModelOptions.cpu(), 1);
             ScoreHeadRewardModel all = ScoreHeadRewardModel.load(base, adapterDir, headFile, ModelOptions.cpu(), 8);
             ScoreHeadRewardModel pairs = ScoreHeadRewardModel.load(base, adapterDir, headFile, ModelOptions.cpu(), 2)) {
            double[] single = values(one.score(s(ITEMS)));
            assertClose(values(all.score(s(ITEMS))), single, 1e-4);
            assertClose(values(pairs.score(s(ITEMS))), single, 1e-4);
            // reversed order: each item lands next to different neighbours and padding
            List<ScoredItem> reversed = new ArrayList<>(ITEMS);
            Collections.reverse(reversed);
            double[] back = values(all.score(s(reversed)));
            for (int i = 0; i < single.length; i++) {
                assertThat(back[single.length - 1 - i]).isCloseTo(single[i], within(1e-4));
            }
            // the items differ, and so do their scores (a constant score would pass everything above)
            assertThat(Arrays.stream(single).distinct().count()).isEqualTo(single.length);
            assertThat(one.score(s(List.of()))).isEmpty();
        }
    }

    /** The scores by hand: ids as generation builds them, one unpadded forward, score.weight · hidden[last]. */
    static double[] byHand(List<ScoredItem> items, boolean withAdapter) throws IOException {
        ChatFormat chat = new ChatFormat();
        double[] out = new double[items.size()];
        try (Qwen3Model model = Qwen3Model.load(base, ModelOptions.cpu());
             QwenTokenizer tok = QwenTokenizer.fromDirectory(base);
             ScoreHead head = ScoreHead.load(headFile, model.manager(), DataType.FLOAT32)) {
            if (withAdapter) {
                PeftAdapters.load(model, "mine", adapterDir);
            }
            float[] w = head.weight().toFloatArray();
            for (int i = 0; i < items.size(); i++) {
                ScoredItem it = items.get(i);
                long[] prompt = tok.encode(chat.render(AgentPrompt.messages(it.task(), it.history()), true, false));
                long[] reply = tok.encode(it.reply() + "<|im_end|>");
                assertThat(reply[reply.length - 1]).isEqualTo(QwenTokenizer.IM_END);
                long[] ids = new long[prompt.length + reply.length];
                System.arraycopy(prompt, 0, ids, 0, prompt.length);
                System.arraycopy(reply, 0, ids, prompt.length, reply.length);
                try (NDManager m = model.manager().newSubManager()) {
                    float[] h = NoGrad.get(() -> (withAdapter ? model.with("mine") : model.base()).hidden(m.create(ids, new Shape(1, ids.length)), null, null)
                            .toFloatArray());
                    int hs = w.length, last = (ids.length - 1) * hs;
                    double s = 0;
                    for (int k = 0; k < hs; k++) {
                        s += (double) w[k] * h[last + k];
                    }
                    out[i] = s;
                }
            }
        }
        return out;
    }

    @Test
    void scoresEqualAnIndependentForwardAtTheLastToken() throws IOException {
        try (ScoreHeadRewardModel rm = ScoreHeadRewardModel.load(base, adapterDir, headFile, ModelOptions.cpu(), 3);
             ScoreHeadRewardModel bare = ScoreHeadRewardModel.load(base, null, headFile, ModelOptions.cpu(), 3)) {
            assertClose(values(rm.score(s(ITEMS))), byHand(ITEMS, true), 1e-4);
            assertClose(values(bare.score(s(ITEMS))), byHand(ITEMS, false), 1e-4);
        }
    }

    @Test
    void theAdapterChangesScoresAndASharedModelGetsItsActiveAdapterBack() throws IOException {
        double[] withAdapter, without;
        try (ScoreHeadRewardModel rm = ScoreHeadRewardModel.load(base, adapterDir, headFile, ModelOptions.cpu(), 4);
             ScoreHeadRewardModel bare = ScoreHeadRewardModel.load(base, null, headFile, ModelOptions.cpu(), 4)) {
            withAdapter = values(rm.score(s(ITEMS)));
            without = values(bare.score(s(ITEMS)));
        }
        for (int i = 0; i < ITEMS.size(); i++) {
            assertThat(Math.abs(withAdapter[i] - without[i])).as("item %d: adapter has no effect", i).isGreaterThan(1e-2);
        }

        // a model the RM does not own, e.g. the policy's base during RL, with a policy adapter (dropout) beside it
        try (Qwen3Model model = Qwen3Model.load(base, ModelOptions.cpu());
             QwenTokenizer tok = QwenTokenizer.fromDirectory(base);
             ScoreHead head = ScoreHead.load(headFile, model.manager(), DataType.FLOAT32)) {
            model.addAdapter("policy", LoraConfig.of(4, 8).withDropout(0.5), 9);
            PeftAdapters.load(model, "reward", adapterDir);
            ScoreHeadRewardModel shared = new ScoreHeadRewardModel(model, tok, head, "reward", 2);
            assertClose(values(shared.score(s(ITEMS))), withAdapter, 1e-4);

            ScoreHeadRewardModel sharedBare = new ScoreHeadRewardModel(model, tok, head, null, 2);
            assertClose(values(sharedBare.score(s(ITEMS))), without, 1e-4);

            shared.close(); // does not own the model: it stays usable
            sharedBare.close();
            assertThat(model.adapterNames()).contains("policy", "reward");
            assertClose(values(shared.score(s(ITEMS.subList(0, 2)))), Arrays.copyOf(withAdapter, 2), 1e-4);
        }
    }

    @Test
    void aTooLongSampleFailsAloneAndAFaultOfTheRunIsThrown() throws IOException {
        // " word" is one token each: well over max_position_embeddings
        ScoredItem tooLong = item("long", List.of(), "word" + " word".repeat(MAX_POSITIONS + 50));
        List<ScoredItem> items = List.of(ITEMS.get(0), ITEMS.get(1), tooLong, ITEMS.get(2), ITEMS.get(3));
        try (ScoreHeadRewardModel rm = ScoreHeadRewardModel.load(base, adapterDir, headFile, ModelOptions.cpu(), 2)) {
            double[] expected = values(rm.score(s(ITEMS)));
            List<SourceResult> r = rm.score(s(items));
            assertThat(r).hasSize(5);
            SourceResult f = r.get(2);
            assertThat(f.failed()).isTrue();
            assertThat(f.source()).isEqualTo("rm");
            assertThat(f.value()).isNaN();
            assertThat(f.error()).isEqualTo("reward model failed: sample long has " + tooLongTokens(rm, tooLong)
                    + " tokens (prompt + reply), more than max_position_embeddings " + MAX_POSITIONS);
            int[] others = {0, 1, 3, 4};
            for (int k = 0; k < 4; k++) {
                assertThat(r.get(others[k]).value()).isCloseTo(expected[k], within(1e-4));
            }
        }

        // an adapter the model does not have is a fault of the run, not of the samples: thrown, never a score
        try (Qwen3Model model = Qwen3Model.load(base, ModelOptions.cpu());
             QwenTokenizer tok = QwenTokenizer.fromDirectory(base);
             ScoreHead head = ScoreHead.load(headFile, model.manager(), DataType.FLOAT32)) {
            assertThatThrownBy(() -> new ScoreHeadRewardModel(model, tok, head, "nope", 2).score(s(ITEMS)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no adapter named 'nope'");
        }
    }

    private static int tooLongTokens(ScoreHeadRewardModel rm, ScoredItem item) throws IOException {
        try (QwenTokenizer tok = QwenTokenizer.fromDirectory(base)) {
            long[][] pr = repo.core.text.ChatTokens.promptAndReply(AgentPrompt.messages(item), item.reply(), tok, new ChatFormat());
            return pr[0].length + pr[1].length;
        }
    }

    static List<Sample> s(List<ScoredItem> items) {
        return items.stream().map(OtaTask::sample).toList();
    }

    @Test
    void aHeadForAnotherHiddenSizeIsRefusedWhenLoading() throws IOException {
        Path wrong = tmp.resolve("wrong_head.safetensors");
        try (Qwen3Model model = Qwen3Model.load(base, ModelOptions.cpu());
             QwenTokenizer tok = QwenTokenizer.fromDirectory(base);
             ScoreHead head = ScoreHead.create(model.manager(), 32, DataType.FLOAT32, 1)) {
            head.save(wrong);
            assertThatThrownBy(() -> new ScoreHeadRewardModel(model, tok, head, null, 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32").hasMessageContaining("64");
        }
        assertThatThrownBy(() -> ScoreHeadRewardModel.load(base, adapterDir, wrong, ModelOptions.cpu(), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden size 32")
                .hasMessageContaining("hidden_size 64");
    }
}
