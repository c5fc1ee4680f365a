package repo.trainer.dpo;

import repo.core.model.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import repo.core.model.DeferredBackward;
import repo.core.model.Forward;
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
 * Direct Preference Optimization (Rafailov et al. 2023):
 * −log σ(β[(log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r))]) with sequence log-probs summed over reply
 * tokens. The reference is the same base model with the adapter switched off, so no second copy is held;
 * its log-probs are computed once, before training.
 */
public final class DpoTrainer {
    private DpoTrainer() {
    }

    /** A pair with its reference log-probs. */
    record Example(PairExample pair, double refChosen, double refRejected) {
    }

    public static TrainingLoop.Result train(TrainConfig config, boolean resume) throws IOException {
        try (TrainableModel tm = TrainableModel.open(config, "policy")) {
            return train(config, tm, resume, Integer.MAX_VALUE);
        }
    }

    /** Trains an already opened model (the caller keeps it), stopping after step {@code stopAfter} at the latest. */
    public static TrainingLoop.Result train(TrainConfig config, TrainableModel tm, boolean resume, int stopAfter)
            throws IOException {
        Splits<PreferencePair> data = Splits.of(config.data(), config.seed(), Jsonl::readPreferences);
        List<Example> train = withReference(tm, PairExample.tokenize(data.train(), tm, config.train().maxLength()));
        List<Example> eval = withReference(tm, PairExample.tokenize(data.eval(), tm, config.train().maxLength()));
        return new TrainingLoop<>(config, new DpoObjective(tm, config.dpo().beta(), eval), train, "dpo").run(resume, stopAfter);
    }

    /** Reference log-probs: the base model (no adapter), no gradients, one pair at a time. */
    static List<Example> withReference(TrainableModel tm, List<PairExample> pairs) {
        return tm.evaluating(() -> {
            List<Example> out = new ArrayList<>();
            for (PairExample p : pairs) {
                try (NDScope scope = new NDScope()) {
                    float[] lp = sequenceLogProbs(tm.reference(), List.of(p)).toFloatArray();  // [chosen, rejected]
                    out.add(new Example(p, lp[0], lp[1]));
                }
            }
            return out;
        });
    }

    /** (2B): summed reply log-probs of the chosen rows, then of the rejected rows, under {@code pass}. */
    static NDArray sequenceLogProbs(Forward pass, List<PairExample> pairs) {
        return Sequences.targetLogProbs(pass, Sequences.batch(pass.model().manager(), PairExample.rows(pairs)));
    }

    static final class DpoObjective extends ModelObjective<Example> {
        private final float beta;
        private final List<Example> eval;

        DpoObjective(TrainableModel tm, double beta, List<Example> eval) {
            super(tm);
            this.beta = (float) beta;
            this.eval = eval;
        }

        @Override
        public int length(Example e) {
            return e.pair().length();
        }

        @Override
        public double normalizer(List<Example> batch) {
            return batch.size();
        }

        /** (B) implicit reward margins β[(π(c) − ref(c)) − (π(r) − ref(r))] under {@code pass}. */
        private NDArray margins(Forward pass, List<Example> examples) {
            int n = examples.size();
            NDArray lp = sequenceLogProbs(pass, examples.stream().map(Example::pair).toList()); // (2B)
            float[] ref = new float[2 * n];
            for (int i = 0; i < n; i++) {
                ref[i] = (float) examples.get(i).refChosen();
                ref[n + i] = (float) examples.get(i).refRejected();
            }
            return PreferenceLosses.dpoMargins(lp, lp.getManager().create(ref, new Shape(2 * n)), beta);
        }

        @Override
        public Part loss(List<Example> micro, double normalizer, DeferredBackward rest) {
            NDArray m = margins(tm.training(rest), micro);                                               // (B)
            NDArray loss = Scalars.div(PreferenceLosses.negLogSigmoid(m).sum(), (float) normalizer);   // −log σ(margin)
            double correct = m.gt(0).toType(DataType.FLOAT32, false).sum().getFloat();
            return new Part(loss, Map.of("reward_margin", m.sum().getFloat() / normalizer, "accuracy", correct / normalizer),
                    micro.stream().mapToLong(e -> e.pair().chosen().length() + e.pair().rejected().length()).sum());
        }

        /** Preference accuracy (implicit reward of chosen above rejected) on held-out pairs. */
        @Override
        public Map<String, Double> evaluate() {
            if (eval.isEmpty()) {
                return Map.of();
            }
            return tm.evaluating(() -> {
                int correct = 0;
                for (Example e : eval) {
                    try (NDScope scope = new NDScope()) {
                        correct += margins(tm.trained(false), List.of(e)).getFloat(0) > 0 ? 1 : 0;
                    }
                }
                return Map.of("eval_accuracy", (double) correct / eval.size());
            });
        }
    }
}
