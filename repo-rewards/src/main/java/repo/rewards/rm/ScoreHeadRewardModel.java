package repo.rewards.rm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import repo.core.io.PeftAdapters;
import repo.core.model.Forward;
import repo.core.model.ModelOptions;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Model;
import repo.core.model.ScoreHead;
import repo.core.text.ChatFormat;
import repo.core.text.ChatTokens;
import repo.core.text.QwenTokenizer;
import repo.rewards.api.RewardModel;
import repo.rewards.api.Sample;
import repo.rewards.api.SourceResult;

/**
 * The reward model (RM) as a reward source: a Qwen3 base, the RM trainer's LoRA adapter and its score head
 * ({@code score.weight}), scoring each sample (prompt messages, completion) at the completion's last token, in
 * batches, tokenised as generation tokenises them ({@link ChatTokens}).
 */
public final class ScoreHeadRewardModel implements RewardModel, AutoCloseable {
    public static final String SOURCE = "rm";
    /** Right padding: any id works (padded positions come after every real token and are masked), and 0 exists in every vocabulary. */
    private static final long PAD = 0;

    private final Qwen3Model model;
    private final QwenTokenizer tokenizer;
    private final ScoreHead head;
    private final String adapter; // the RM's adapter on the base, or null for a head on the bare base
    private final boolean ownsModel;
    private final int batchSize;
    private final ChatFormat chat = new ChatFormat();

    /**
     * Scores with a model this object does not own (e.g. the policy's base during RL): every forward names
     * {@code adapter} (null: the bare base), so other adapters on the model are never involved.
     */
    public ScoreHeadRewardModel(Qwen3Model model, QwenTokenizer tokenizer, ScoreHead head, String adapter, int batchSize) {
        this(model, tokenizer, head, adapter, batchSize, false);
    }

    private ScoreHeadRewardModel(Qwen3Model model, QwenTokenizer tokenizer, ScoreHead head, String adapter, int batchSize,
                                 boolean owns) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("RM batch size must be > 0, got " + batchSize);
        }
        if (head.hiddenSize() != model.config().hiddenSize()) {
            throw new IllegalArgumentException("the score head has hidden size " + head.hiddenSize() + " but the base model has"
                    + " hidden_size " + model.config().hiddenSize() + ": the head was trained on another base checkpoint");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.head = head;
        this.adapter = adapter;
        this.batchSize = batchSize;
        this.ownsModel = owns;
    }

    /**
     * Loads an RM trained by {@code repo train} (algorithm rm): the base checkpoint, the run's
     * {@code final/adapter} PEFT folder (or null for a head on the bare base) and {@code final/score_head.safetensors}.
     */
    public static ScoreHeadRewardModel load(Path base, Path adapterDir, Path headFile, ModelOptions options, int batchSize)
            throws IOException {
        Qwen3Model model = Qwen3Model.load(base, options);
        try {
            if (adapterDir != null) {
                PeftAdapters.load(model, "rm", adapterDir);
            }
            ScoreHead head = ScoreHead.load(headFile, model.manager(), options.precision().computeType()); // closed with model
            QwenTokenizer tokenizer = QwenTokenizer.fromDirectory(base);
            try {
                return new ScoreHeadRewardModel(model, tokenizer, head, adapterDir == null ? null : "rm", batchSize, true);
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Scores each sample's prompt and completion. A sample longer than {@code max_position_embeddings} fails on its
     * own (the model never saw such positions); the others are scored in batches. Anything else that goes wrong
     * (a missing adapter, out of memory) is thrown: it is a fault of the run, not of a sample.
     */
    @Override
    public List<SourceResult> score(List<Sample> samples) {
        List<long[]> seqs = new ArrayList<>();
        List<SourceResult> out = new ArrayList<>();
        List<Integer> scored = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            long[][] pr = ChatTokens.promptAndReply(s.prompt(), s.requireCompletion(), tokenizer, chat);
            long[] seq = Arrays.copyOf(pr[0], pr[0].length + pr[1].length);
            System.arraycopy(pr[1], 0, seq, pr[0].length, pr[1].length);
            int max = model.config().maxPositionEmbeddings();
            if (seq.length > max) {
                out.add(SourceResult.failure(SOURCE, "reward model failed: " + (s.id() == null ? "a sample" : "sample " + s.id())
                        + " has " + seq.length + " tokens (prompt + reply), more than max_position_embeddings " + max, 0));
            } else {
                out.add(null);
                scored.add(i);
                seqs.add(seq);
            }
        }
        for (int i = 0; i < seqs.size(); i += batchSize) {
            long t0 = System.nanoTime();
            List<long[]> batch = seqs.subList(i, Math.min(seqs.size(), i + batchSize));
            float[] scores = scoreTokens(batch);
            long ms = (System.nanoTime() - t0) / 1_000_000 / batch.size();
            for (int k = 0; k < scores.length; k++) {
                out.set(scored.get(i + k), SourceResult.ok(SOURCE, scores[k], List.of(), ms));
            }
        }
        return out;
    }

    /** Raw scores of token sequences (prompt + reply), right-padded into one batch. */
    public float[] scoreTokens(List<long[]> sequences) {
        int b = sequences.size(), t = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
        long[] ids = new long[b * t], mask = new long[b * t];
        Arrays.fill(ids, PAD);
        for (int r = 0; r < b; r++) {
            System.arraycopy(sequences.get(r), 0, ids, r * t, sequences.get(r).length);
            Arrays.fill(mask, r * t, r * t + sequences.get(r).length, 1L);
        }
        Forward pass = adapter == null ? model.base() : model.with(adapter);
        try (NDScope scope = new NDScope()) {
            return NoGrad.get(() -> {
                NDArray idArr = model.manager().create(ids, new Shape(b, t));
                NDArray maskArr = model.manager().create(mask, new Shape(b, t));
                return head.scores(pass.hidden(idArr, maskArr, null), maskArr).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .toFloatArray();
            });
        }
    }

    @Override
    public void close() {
        if (ownsModel) {
            head.close();
            tokenizer.close();
            model.close();
        }
    }
}
