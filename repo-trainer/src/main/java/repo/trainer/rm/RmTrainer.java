package repo.trainer.rm;

import repo.core.model.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import repo.core.model.DeferredBackward;
import repo.core.model.Forward;
import repo.core.model.ScoreHead;
import repo.rewards.rm.ScoreStats;
import repo.trainer.algo.PreferenceLosses;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.Jsonl;
import repo.trainer.data.PreferencePair;
import repo.trainer.loop.ModelObjective;
import repo.trainer.loop.PairExample;
import repo.trainer.loop.Sequences;
import repo.trainer.loop.Splits;
import repo.trainer.loop.TrainableModel;
import repo.trainer.loop.TrainingLoop;

/**
 * Reward-model training: a score head (Qwen3ForSequenceClassification's {@code score.weight}) on a LoRA
 * adapter, read at each sequence's last token, trained with the Bradley–Terry loss −log σ(r_chosen − r_rejected).
 * Reports pairwise accuracy on the training batch and, at checkpoints, on the held-out split. Every saved RM
 * carries {@link ScoreStats} ({@value ScoreStats#FILE}): the mean and std of its scores on (up to 256 of) the training pairs
 * (chosen and rejected), so an RM source can centre its arbitrary Bradley–Terry offset.
 */
public final class RmTrainer {
    /** The head's file inside a checkpoint's trainable folder and in {@code final/}. */
    public static final String HEAD_FILE = "score_head.safetensors";

    private RmTrainer() {
    }

    public static TrainingLoop.Result train(TrainConfig config, boolean resume) throws IOException {
        try (TrainableModel tm = TrainableModel.open(config, "rm")) {
            return train(config, tm, resume, Integer.MAX_VALUE);
        }
    }

    /** Trains an already opened model (the caller keeps it), stopping after step {@code stopAfter} at the latest. */
    public static TrainingLoop.Result train(TrainConfig config, TrainableModel tm, boolean resume, int stopAfter)
            throws IOException {
        Splits<PreferencePair> data = Splits.of(config.data(), config.seed(), Jsonl::readPreferences);
        try (ScoreHead head = ScoreHead.create(tm.model().manager(), tm.model().config().hiddenSize(),
                tm.model().options().precision().computeType(), config.seed())) {
            List<PairExample> train = PairExample.tokenize(data.train(), tm, config.train().maxLength());
            List<PairExample> eval = PairExample.tokenize(data.eval(), tm, config.train().maxLength());
            return new TrainingLoop<>(config, new RmObjective(tm, head, train, eval), train, "rm").run(resume, stopAfter);
        }
    }

    static final class RmObjective extends ModelObjective<PairExample> {
        private final ScoreHead head;
        private final List<PairExample> train, eval;
        private static final int STATS_PAIRS = 256, STATS_BATCH = 8;

        RmObjective(TrainableModel tm, ScoreHead head, List<PairExample> train, List<PairExample> eval) {
            super(tm);
            this.head = head;
            this.train = train;
            this.eval = eval;
        }

        @Override
        public int length(PairExample e) {
            return e.length();
        }

        @Override
        public double normalizer(List<PairExample> batch) {
            return batch.size();
        }

        /** Chosen and rejected scores of each pair. */
        record Scores(NDArray chosen, NDArray rejected) { // (B) each
        }

        private Scores scores(Forward pass, List<PairExample> pairs) {
            Sequences.Batch b = Sequences.batch(tm.model().manager(), PairExample.rows(pairs)); // (2B, T)
            NDArray r = head.scores(pass.hidden(b.ids(), b.mask(), null), b.mask());           // (2B)
            int n = pairs.size();
            return new Scores(r.get(new NDIndex("0:{}", n)), r.get(new NDIndex("{}:", n)));
        }

        @Override
        public Part loss(List<PairExample> micro, double normalizer, DeferredBackward rest) {
            Scores r = scores(tm.training(rest), micro);
            NDArray diff = r.chosen().sub(r.rejected());                                               // (B)
            NDArray loss = Scalars.div(PreferenceLosses.bradleyTerry(r.chosen(), r.rejected()).sum(), (float) normalizer); // −log σ(rc − rr)
            double correct = diff.gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).sum().getFloat();
            return new Part(loss, Map.of("accuracy", correct / normalizer, "margin", diff.sum().getFloat() / normalizer),
                    micro.stream().mapToLong(p -> p.chosen().length() + p.rejected().length()).sum());
        }

        @Override
        public List<NDArray> parameters() {
            List<NDArray> p = new ArrayList<>(tm.parameters());
            p.addAll(head.parameters());
            return p;
        }

        @Override
        public void save(Path dir) throws IOException {
            tm.save(dir);
            head.save(dir.resolve(HEAD_FILE));
            scoreStats().write(dir);
        }

        /** Mean and std of the scores of the chosen and rejected replies of the first {@value #STATS_PAIRS} training pairs, in eval mode. */
        ScoreStats scoreStats() {
            int n = Math.min(train.size(), STATS_PAIRS);
            return tm.evaluating(() -> {
                double[] all = new double[2 * n];
                for (int i = 0; i < n; i += STATS_BATCH) {
                    try (NDScope scope = new NDScope()) {
                        Scores r = scores(tm.trained(false), train.subList(i, Math.min(n, i + STATS_BATCH)));
                        float[] chosen = r.chosen().toFloatArray(), rejected = r.rejected().toFloatArray();
                        for (int k = 0; k < chosen.length; k++) {
                            all[2 * (i + k)] = chosen[k];
                            all[2 * (i + k) + 1] = rejected[k];
                        }
                    }
                }
                return ScoreStats.of(all);
            });
        }

        @Override
        public void load(Path dir) throws IOException {
            tm.load(dir);
            try (ScoreHead saved = ScoreHead.load(dir.resolve(HEAD_FILE), tm.model().manager(), head.weight().getDataType())) {
                repo.core.model.NoGrad.copy(head.weight(), saved.weight());
            }
        }

        /** Pairwise accuracy on the held-out pairs. */
        @Override
        public Map<String, Double> evaluate() {
            if (eval.isEmpty()) {
                return Map.of();
            }
            return tm.evaluating(() -> {
                int correct = 0;
                for (PairExample p : eval) {
                    try (NDScope scope = new NDScope()) {
                        Scores r = scores(tm.trained(false), List.of(p));
                        correct += r.chosen().getFloat(0) > r.rejected().getFloat(0) ? 1 : 0;
                    }
                }
                return Map.of("eval_accuracy", (double) correct / eval.size());
            });
        }
    }
}
