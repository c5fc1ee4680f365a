package repo.trainer.sft;

import repo.core.model.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import repo.core.model.DeferredBackward;
import repo.core.model.Forward;
import repo.core.text.ChatFormat;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.Jsonl;
import repo.trainer.data.SftExample;
import repo.trainer.loop.ModelObjective;
import repo.trainer.loop.Sequences;
import repo.trainer.loop.Sequences.Tokens;
import repo.trainer.loop.Splits;
import repo.trainer.loop.TrainableModel;
import repo.trainer.loop.TrainingLoop;

/**
 * Supervised fine-tuning: cross-entropy on the assistant tokens of chat dialogues only (the loss mask comes
 * from the chat template's completion spans), token-mean over each optimiser step.
 */
public final class SftTrainer {
    private SftTrainer() {
    }

    /** Trains per {@code config} (algorithm sft); with {@code resume}, continues the newest checkpoint. */
    public static TrainingLoop.Result train(TrainConfig config, boolean resume) throws IOException {
        try (TrainableModel tm = TrainableModel.open(config, "sft")) {
            return train(config, tm, resume, Integer.MAX_VALUE);
        }
    }

    /** Trains an already opened model (the caller keeps it), stopping after step {@code stopAfter} at the latest. */
    public static TrainingLoop.Result train(TrainConfig config, TrainableModel tm, boolean resume, int stopAfter)
            throws IOException {
        Splits<SftExample> data = Splits.of(config.data(), config.seed(), Jsonl::readSft);
        ChatFormat chat = new ChatFormat();
        List<Tokens> train = tokenize(data.train(), tm, chat, config);
        List<Tokens> eval = tokenize(data.eval(), tm, chat, config);
        return new TrainingLoop<>(config, new SftObjective(tm, eval), train, "sft").run(resume, stopAfter);
    }

    private static List<Tokens> tokenize(List<SftExample> examples, TrainableModel tm, ChatFormat chat, TrainConfig c) {
        List<Tokens> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            Tokens t = Sequences.dialogue(examples.get(i).messages(), tm.tokenizer(), chat);
            Sequences.checkLength(t, c.train().maxLength(), "example " + (i + 1) + examples.get(i).id().map(id -> " (" + id + ")").orElse(""));
            out.add(t);
        }
        return out;
    }

    /** Next-token cross-entropy on target tokens. */
    static final class SftObjective extends ModelObjective<Tokens> {
        private final List<Tokens> eval;

        SftObjective(TrainableModel tm, List<Tokens> eval) {
            super(tm);
            this.eval = eval;
        }

        @Override
        public int length(Tokens t) {
            return t.length();
        }

        @Override
        public double normalizer(List<Tokens> batch) {
            return Math.max(1, batch.stream().mapToInt(Tokens::targets).sum());
        }

        @Override
        public Part loss(List<Tokens> micro, double normalizer, DeferredBackward rest) {
            return nll(tm.training(rest), micro, normalizer);
        }

        private Part nll(Forward pass, List<Tokens> micro, double normalizer) {
            Sequences.Batch b = Sequences.batch(tm.model().manager(), micro);
            NDArray nll = Scalars.div(Sequences.targetLogProbs(pass, b).sum().neg(), (float) normalizer); // scalar
            return new Part(nll, Map.of(), micro.stream().mapToLong(Tokens::length).sum());
        }

        /** Token-mean cross-entropy on the held-out dialogues. */
        @Override
        public Map<String, Double> evaluate() {
            if (eval.isEmpty()) {
                return Map.of();
            }
            double sum = tm.evaluating(() -> {
                double s = 0;
                for (Tokens t : eval) {
                    try (NDScope scope = new NDScope()) {
                        s += nll(tm.trained(false), List.of(t), 1).loss().getFloat();
                    }
                }
                return s;
            });
            return Map.of("eval_loss", sum / eval.stream().mapToInt(Tokens::targets).sum());
        }
    }
}
