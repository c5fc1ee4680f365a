package repo.trainer.rl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import repo.trainer.algo.Kl;
import repo.trainer.algo.PpoLosses;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.MicroBatches;
import repo.trainer.loop.Optimizers;
import repo.trainer.loop.Sequences;

/**
 * Phase 5 of an RL step, the objective the rollouts feed: K epochs of clipped policy (and value) updates over
 * shuffled minibatches. A minibatch's loss is a token mean over its reply tokens; it is accumulated over
 * micro-batches of at most {@code train.micro_batch_tokens} padded tokens, each term divided by the minibatch's
 * token count, so the gradient does not depend on the micro-batch split.
 */
final class PpoUpdate {
    /** The optimiser groups. */
    static final String POLICY = RlModels.POLICY, CRITIC = RlModels.CRITIC;

    private final TrainConfig config;
    private final RlModels models;
    private final RlPasses passes;

    PpoUpdate(TrainConfig config, RlModels models, RlPasses passes) {
        this.config = config;
        this.models = models;
        this.passes = passes;
    }

    /** Phase 5: every epoch's minibatches, each followed by one optimiser step per group. */
    RlMetrics.Update run(int step, List<Rollout.Experience> kept, Optimizers optimizers, double lr) {
        TrainConfig.PpoSection p = config.ppo();
        RlMetrics.Update u = new RlMetrics.Update();
        Engine.getInstance().setRandomSeed((int) (config.seed() * 1_000_003L + step));
        long t0 = System.nanoTime(), tokens = 0;
        for (int epoch = 0; epoch < p.epochs(); epoch++) {
            List<Rollout.Experience> shuffled = new ArrayList<>(kept);
            shuffle(shuffled, new SplittableRandom(config.seed() * 7_919L + step * 31L + epoch));
            for (int i = 0; i < shuffled.size(); i += p.minibatchSize()) {
                List<Rollout.Experience> mb = shuffled.subList(i, Math.min(shuffled.size(), i + p.minibatchSize()));
                u.add(accumulate(mb, config.train().microBatchTokens()));
                tokens += mb.stream().mapToLong(e -> e.rollout().tokens().length()).sum();
                u.policyGradNorm(optimizers.step(POLICY, lr));
                if (models.hasCritic()) {
                    u.criticGradNorm(optimizers.step(CRITIC, lr));
                }
            }
        }
        u.trainTokensPerSecond(tokens / ((System.nanoTime() - t0) / 1e9));
        return u;
    }

    /**
     * Forward and backward of one minibatch in micro-batches of at most {@code microTokens} padded tokens; the
     * gradients are left in the policy's (and critic's) parameters. Returns the minibatch's figures.
     */
    RlMetrics.Minibatch accumulate(List<Rollout.Experience> mb, int microTokens) {
        double replyTokens = mb.stream().mapToInt(e -> e.rollout().replyLength()).sum();
        RlMetrics.Minibatch total = RlMetrics.Minibatch.ZERO;
        for (List<Rollout.Experience> micro : MicroBatches.split(mb, e -> e.rollout().tokens().length(), microTokens)) {
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                double weight = micro.stream().mapToInt(e -> e.rollout().replyLength()).sum() / replyTokens;
                Terms t = terms(micro, (float) weight);
                gc.backward(t.loss());
                total = total.plus(t.figures());
            }
        }
        return total;
    }

    /** A micro-batch's loss (already weighted by its share of the minibatch's tokens) and its metric parts. */
    private record Terms(NDArray loss, RlMetrics.Minibatch figures) {
    }

    private Terms terms(List<Rollout.Experience> micro, float weight) {
        TrainConfig.PpoSection p = config.ppo();
        Sequences.Batch b = passes.batch(micro.stream().map(Rollout.Experience::rollout).toList());
        Sequences.TokenLogProbs pol = passes.policy(b, p.entropyCoef() > 0);
        NDArray mask = b.targetWindow().toType(pol.logp().getDataType(), false);                  // (B, W)
        NDArray old = b.window(rows(micro, e -> e.old().logp()), pol.logp());
        PpoLosses.Clipped pl = PpoLosses.policy(pol.logp(), old, b.window(rows(micro, e -> toFloat(e.advantages())), pol.logp()),
                mask, p.clipEps().floatValue());
        NDArray loss = pl.loss();
        if (p.entropyCoef() > 0) {
            loss = loss.sub(PpoLosses.maskedMean(pol.entropy(), mask).mul(p.entropyCoef().floatValue()));
        }
        if (p.klMode() == TrainConfig.KlMode.LOSS) {
            NDArray kl = Kl.estimate(p.klEstimator(), pol.logp(), b.window(rows(micro, e -> e.old().refLogp()), pol.logp()));
            loss = loss.add(PpoLosses.maskedMean(kl, mask).mul(p.klCoef().floatValue()));
        }
        double valueLoss = Double.NaN, valueClip = Double.NaN;
        if (models.hasCritic()) {
            NDArray v = passes.values(b);
            PpoLosses.Clipped vl = PpoLosses.value(v, b.window(rows(micro, e -> e.old().values()), v),
                    b.window(rows(micro, e -> toFloat(e.returns())), v), mask, p.valueClip().floatValue());
            loss = loss.add(vl.loss().mul(p.vfCoef().floatValue()));
            valueLoss = vl.loss().getFloat() * weight;
            valueClip = vl.clipFraction().getFloat() * weight;
        }
        loss = loss.mul(weight);
        return new Terms(loss, new RlMetrics.Minibatch(loss.getFloat(), pl.loss().getFloat() * weight,
                pl.clipFraction().getFloat() * weight, valueLoss, valueClip));
    }

    private static float[][] rows(List<Rollout.Experience> micro, java.util.function.Function<Rollout.Experience, float[]> f) {
        float[][] out = new float[micro.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.apply(micro.get(i));
        }
        return out;
    }

    private static float[] toFloat(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    private static <T> void shuffle(List<T> xs, SplittableRandom rng) {
        for (int i = xs.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = xs.get(i);
            xs.set(i, xs.get(j));
            xs.set(j, t);
        }
    }
}
