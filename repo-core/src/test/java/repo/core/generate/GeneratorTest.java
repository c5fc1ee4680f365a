package repo.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import repo.core.model.KvCache;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Model;
import repo.core.model.TinyModels;
import repo.core.text.QwenTokenizer;

/** Invariances of decoding: KV cache equals recompute, batched equals single, seeded sampling repeats. */
class GeneratorTest {
    static Qwen3Model model;
    static QwenTokenizer tokenizer;
    static Generator generator;

    @BeforeAll
    static void load() throws Exception {
        model = Qwen3Model.load(TinyModels.tiny(), ModelOptions.cpu());
        tokenizer = QwenTokenizer.fromDirectory(TinyModels.tiny());
        generator = new Generator(model.base(), tokenizer);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    /** Greedy without stop tokens, so every run makes exactly n tokens. */
    static SamplingParams greedyNoStop(int n) {
        return new SamplingParams(n, true, 1f, 1f, 0, 0, Set.of(), List.of());
    }

    @Test
    void kvCachedGreedyEqualsFullRecompute() {
        long[] prompt = tokenizer.encode("<|im_start|>user\n请把大床房的到手价调到¥1,299.50<|im_end|>\n<|im_start|>assistant\n");
        Generation cached = generator.generate(List.of(prompt), greedyNoStop(64)).get(0);

        List<Long> seq = new ArrayList<>();
        for (long t : prompt) {
            seq.add(t);
        }
        long[] recomputed = new long[64];
        try (NDManager m = model.manager().newSubManager()) {
            for (int i = 0; i < 64; i++) {
                try (NDScope scope = new NDScope()) {
                    long[] ids = seq.stream().mapToLong(Long::longValue).toArray();
                    NDArray logits = model.base().forward(m.create(ids, new Shape(1, ids.length)), null, null); // (1, T, V)
                    recomputed[i] = logits.get(new NDIndex("0, -1, :")).argMax().getLong();
                    seq.add(recomputed[i]);
                }
            }
        }
        assertThat(cached.ids()).containsExactly(recomputed);
        assertThat(cached.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void leftPaddedBatchEqualsOneByOne() {
        List<long[]> prompts = List.of(
                tokenizer.encode("Hello"),
                tokenizer.encode("您好，我是携程的商务经理，想和您聊聊标准间的价格。"),
                tokenizer.encode("Competitor price: $89.99 per night 🏨"),
                tokenizer.encode("a   b\t\tc\n\nd"));
        // logits of the padded batch at real positions equal each prompt's own logits
        int width = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            long[] ids = new long[prompts.size() * width];
            long[] mask = new long[prompts.size() * width];
            Arrays.fill(ids, Generator.PAD_ID);
            for (int r = 0; r < prompts.size(); r++) {
                long[] p = prompts.get(r);
                System.arraycopy(p, 0, ids, r * width + width - p.length, p.length);
                Arrays.fill(mask, r * width + width - p.length, (r + 1) * width, 1L);
            }
            NDArray batch = model.base().forward(m.create(ids, new Shape(prompts.size(), width)),
                    m.create(mask, new Shape(prompts.size(), width)), null);                          // (4, W, V)
            for (int r = 0; r < prompts.size(); r++) {
                long[] p = prompts.get(r);
                NDArray alone = model.base().forward(m.create(p, new Shape(1, p.length)), null, null).squeeze(0); // (T, V)
                NDArray rows = batch.get(new NDIndex("{}, {}:", r, width - p.length));               // (T, V)
                assertThat(rows.sub(alone).abs().max().getFloat()).as("prompt %d", r).isLessThanOrEqualTo(1e-4f);
            }
        }
        // and greedy generation gives the same tokens batched and alone
        List<Generation> batched = generator.generate(prompts, greedyNoStop(12));
        for (int r = 0; r < prompts.size(); r++) {
            Generation alone = generator.generate(List.of(prompts.get(r)), greedyNoStop(12)).get(0);
            assertThat(batched.get(r).ids()).as("prompt %d", r).containsExactly(alone.ids());
            for (int i = 0; i < alone.logProbs().length; i++) {
                assertThat(batched.get(r).logProbs()[i]).isCloseTo(alone.logProbs()[i], org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void seededSamplingRepeatsAndSeedsDiffer() {
        long[] prompt = tokenizer.encode("Room 101, sale price 680");
        SamplingParams p = new SamplingParams(24, false, 1.5f, 0.95f, 50, 42, Set.of(), List.of());
        Generation a = generator.generate(List.of(prompt), p).get(0);
        Generation b = generator.generate(List.of(prompt), p).get(0);
        Generation c = generator.generate(List.of(prompt),
                new SamplingParams(24, false, 1.5f, 0.95f, 50, 43, Set.of(), List.of())).get(0);
        assertThat(a.ids()).containsExactly(b.ids());
        assertThat(a.ids()).isNotEqualTo(c.ids());
        for (float lp : a.logProbs()) {
            assertThat(lp).isLessThanOrEqualTo(0f).isFinite();
        }
    }

    @Test
    void topKOfOneIsGreedy() {
        long[] prompt = tokenizer.encode("The hotel offered 520 yuan.");
        Generation greedy = generator.generate(List.of(prompt), greedyNoStop(16)).get(0);
        Generation topOne = generator.generate(List.of(prompt), new SamplingParams(16, false, 0.9f, 1f, 1, 5, Set.of(), List.of())).get(0);
        assertThat(topOne.ids()).containsExactly(greedy.ids());
    }

    @Test
    void stopTokenAndStopStringEndGeneration() {
        long[] prompt = tokenizer.encode("Hi there");
        Generation free = generator.generate(List.of(prompt), greedyNoStop(10)).get(0);
        // declare the 4th generated token a stop token: generation ends right there, the token kept in ids
        long stopId = free.ids()[3];
        int firstAt = 0;
        while (free.ids()[firstAt] != stopId) {
            firstAt++;
        }
        Generation byToken = generator.generate(List.of(prompt), new SamplingParams(10, true, 1f, 1f, 0, 0, Set.of(stopId), List.of())).get(0);
        assertThat(byToken.finishReason()).isEqualTo(FinishReason.STOP_TOKEN);
        assertThat(byToken.ids()).containsExactly(Arrays.copyOf(free.ids(), firstAt + 1));

        // a stop string (the clean text of one generated token) ends generation and is cut from the text
        String text = free.text();
        String stop = null;
        for (int i = 1; i < free.ids().length && stop == null; i++) {
            String piece = tokenizer.decode(new long[] {free.ids()[i]}, true);
            String before = tokenizer.decode(Arrays.copyOf(free.ids(), i), true);
            String upTo = tokenizer.decode(Arrays.copyOf(free.ids(), i + 1), true);
            if (!piece.isBlank() && !piece.contains("\uFFFD") && upTo.equals(before + piece) && !before.contains("\uFFFD")) {
                stop = piece;
            }
        }
        assertThat(stop).as("a cleanly decoding token in %s", text).isNotNull();
        Generation byString = generator.generate(List.of(prompt), greedyNoStop(10).withStopStrings(List.of(stop))).get(0);
        assertThat(byString.finishReason()).isEqualTo(FinishReason.STOP_STRING);
        assertThat(byString.text()).isEqualTo(text.substring(0, text.indexOf(stop)));
    }

    @Test
    void liveArrayCountStaysFlatOver100DecodeSteps() {
        long[] prompt = tokenizer.encode("count the arrays");
        int before = TinyModels.liveArrays(model.manager());
        try (NDManager m = model.manager().newSubManager(); KvCache cache = model.newCache(m, 1, prompt.length + 101)) {
            NDArray next = m.create(prompt, new Shape(1, prompt.length));
            int afterFirst = -1;
            for (int step = 0; step < 100; step++) {
                try (NDScope scope = new NDScope()) {
                    NDArray logits = model.base().forward(next, null, cache);
                    long tok = logits.get(new NDIndex("0, -1, :")).argMax().getLong();
                    NDArray fed = m.create(new long[] {tok}, new Shape(1, 1));
                    NDScope.unregister(fed);
                    next.close();
                    next = fed;
                }
                int live = TinyModels.liveArrays(model.manager());
                if (step == 0) {
                    afterFirst = live;
                }
                assertThat(live).as("live arrays after step %d", step).isEqualTo(afterFirst);
            }
        }
        generator.generate(List.of(prompt), greedyNoStop(20));
        assertThat(TinyModels.liveArrays(model.manager())).isEqualTo(before);
    }
}
