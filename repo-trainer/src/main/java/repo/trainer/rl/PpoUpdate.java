package repo.trainer.rl;

import repo.core.model.DeferredBackward;
import repo.core.model.Scalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import repo.trainer.algo.Kl;
import repo.trainer.algo.KlControl;
import repo.trainer.algo.PolicyLoss;
import repo.trainer.algo.PpoLosses;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.MicroBatches;
import repo.trainer.loop.Optimizers;
import repo.trainer.loop.Sequences;

/**
 * Phase 6 of an RL step, the objective the rollouts feed: K epochs of clipped policy (and value) updates over
 * minibatches, the first epoch in the rollouts' order (batched as phase 4 batched them, so its first ratio is exactly
 * 1), later epochs shuffled. A minibatch is accumulated over micro-batches of at most {@code train.micro_batch_tokens}
 * padded tokens, each term weighted by its share of the minibatch (tokens, or replies for the per-reply
 * aggregations), so the gradient does not depend on the micro-batch split.
 *
 * <p>Per micro-batch the critic's value loss runs first in its own graph, freed by its backward before the policy's
 * forward, so the two models' activations are never held together. The first {@code ppo.critic_warmup_steps}
 * steps train the critic alone. With {@code ppo.target_kl}, a micro-batch whose approximate KL to the old policy
 * exceeds 1.5 · target_kl drops the minibatch's policy gradients and ends the step's policy updates.
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

    /** The first epoch's forwards: each minibatch of {@code trainable} (in order) split into its micro-batches. */
    List<List<Rollout>> firstEpochBatches(List<Rollout> trainable) {
        List<List<Rollout>> out = new ArrayList<>();
        int mb = config.ppo().minibatchSize();
        for (int i = 0; i < trainable.size(); i += mb) {
            out.addAll(MicroBatches.split(trainable.subList(i, Math.min(trainable.size(), i + mb)), r -> r.tokens().length(),
                    config.train().microBatchTokens()));
        }
        return out;
    }

    /** Phase 6 with KL coefficient {@code beta}: every epoch's minibatches, each followed by one optimiser step per group. */
    RlMetrics.Update run(int step, List<Rollout.Experience> kept, Optimizers optimizers, double lr, double beta) {
        TrainConfig.PpoSection p = config.ppo();
        RlMetrics.Update u = new RlMetrics.Update();
        boolean policy = step > p.criticWarmupSteps();
        double criticLr = p.criticLr() == null ? lr : lr * p.criticLr() / config.optim().lr();
        long t0 = System.nanoTime(), tokens = 0;
        epochs:
        for (int epoch = 0; epoch < p.epochs(); epoch++) {
            List<Rollout.Experience> order = new ArrayList<>(kept);
            if (epoch > 0) {
                shuffle(order, new SplittableRandom(config.seed() * 7_919L + step * 31L + epoch));
            }
            int minibatches = (order.size() + p.minibatchSize() - 1) / p.minibatchSize();
            for (int i = 0; i < order.size(); i += p.minibatchSize()) {
                List<Rollout.Experience> mb = order.subList(i, Math.min(order.size(), i + p.minibatchSize()));
                RlMetrics.Minibatch m = accumulate(mb, config.train().microBatchTokens(), policy, beta, epoch == 0 && i == 0 ? u : null);
                u.add(m);
                tokens += mb.stream().mapToLong(e -> e.rollout().tokens().length()).sum();
                if (policy && !m.stopped()) {
                    u.policyGradNorm(optimizers.step(POLICY, lr));
                } else if (policy) {
                    optimizers.zeroGrad(POLICY);
                }
                if (models.hasCritic()) {
                    u.criticGradNorm(optimizers.step(CRITIC, criticLr));
                }
                if (m.stopped()) {
                    u.earlyStop(epoch + (i / p.minibatchSize() + 1.0) / minibatches);
                    break epochs;
                }
            }
        }
        u.trainTokensPerSecond(tokens / ((System.nanoTime() - t0) / 1e9));
        return u;
    }

    /** As the update's minibatch with the policy trained, KL coefficient {@code ppo.kl_coef} (tests). */
    RlMetrics.Minibatch accumulate(List<Rollout.Experience> mb, int microTokens) {
        return accumulate(mb, microTokens, true, config.ppo().klCoef(), null);
    }

    /**
     * Forward and backward of one minibatch in micro-batches of at most {@code microTokens} padded tokens; the
     * gradients are left in the critic's (and, with {@code policy}, the policy's) parameters.
     *
     * @param first where to report the first micro-batch's max |ρ − 1|, or null
     */
    private RlMetrics.Minibatch accumulate(List<Rollout.Experience> mb, int microTokens, boolean policy, double beta,
                                           RlMetrics.Update first) {
        double replyTokens = mb.stream().mapToInt(e -> e.rollout().replyLength()).sum();
        PolicyLoss.Aggregation agg = config.ppo().aggregation(config.algorithm());
        RlMetrics.Minibatch total = RlMetrics.Minibatch.ZERO;
        for (List<Rollout.Experience> micro : MicroBatches.split(mb, e -> e.rollout().tokens().length(), microTokens)) {
            double tokenWeight = micro.stream().mapToInt(e -> e.rollout().replyLength()).sum() / replyTokens;
            double weight = agg == PolicyLoss.Aggregation.TOKEN_MEAN ? tokenWeight : micro.size() / (double) mb.size();
            if (models.hasCritic()) {
                total = total.plus(criticBackward(micro, (float) tokenWeight));
            }
            if (policy) {
                RlMetrics.Minibatch m = policyBackward(micro, (float) weight, (float) tokenWeight, beta, first);
                first = null;
                total = total.plus(m);
                if (m.stopped()) {
                    return total;
                }
            }
        }
        return total;
    }

    /** The critic's clipped value loss of a micro-batch (token weight {@code w}) and its backward; its graph ends here. */
    private RlMetrics.Minibatch criticBackward(List<Rollout.Experience> micro, float w) {
        TrainConfig.PpoSection p = config.ppo();
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Sequences.Batch b = passes.batch(micro.stream().map(Rollout.Experience::rollout).toList());
            DeferredBackward rest = new DeferredBackward();
            NDArray v = passes.values(b, rest);
            NDArray mask = b.targetWindow().toType(v.getDataType(), false);
            PpoLosses.Clipped vl = PpoLosses.value(v, b.window(rows(micro, e -> e.old().values()), v),
                    b.window(rows(micro, e -> toFloat(e.returns())), v), mask, p.valueClip().floatValue());
            NDArray loss = Scalars.mul(vl.loss(), p.vfCoef().floatValue() * w);
            rest.backward(gc, loss);
            return RlMetrics.Minibatch.ZERO.withValue(loss.getFloat(), vl.loss().getFloat() * w, vl.clipFraction().getFloat() * w);
        }
    }

    /** The policy's loss of a micro-batch: clipped surrogate, entropy bonus, KL loss; its backward unless stopped early. */
    private RlMetrics.Minibatch policyBackward(List<Rollout.Experience> micro, float w, float tokenW, double beta, RlMetrics.Update first) {
        TrainConfig.PpoSection p = config.ppo();
        PolicyLoss.Aggregation agg = p.aggregation(config.algorithm());
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Sequences.Batch b = passes.batch(micro.stream().map(Rollout.Experience::rollout).toList());
            DeferredBackward rest = new DeferredBackward();
            Sequences.TokenLogProbs pol = passes.policy(b, p.entropyCoef() > 0, rest);
            NDArray mask = b.targetWindow().toType(pol.logp().getDataType(), false);                  // (B, W)
            NDArray old = b.window(rows(micro, e -> e.old().logp()), pol.logp());
            if (first != null) { // 0 when the update starts on-policy
                first.firstRatioDeviation(pol.logp().sub(old).exp().sub(1).abs().mul(mask).max().getFloat());
            }
            PolicyLoss.Result pl = PolicyLoss.surrogate(pol.logp(), old, b.window(rows(micro, e -> toFloat(e.advantages())), pol.logp()),
                    mask, p.clip(), agg);
            double approxKl = pl.approxKl().getFloat();
            boolean stop = KlControl.stopEarly(approxKl, p.targetKl());
            NDArray loss = pl.loss();
            if (p.entropyCoef() > 0) {
                loss = loss.sub(Scalars.mul(PolicyLoss.aggregate(pol.entropy(), mask, agg), p.entropyCoef().floatValue()));
            }
            if (p.klMode() == TrainConfig.KlMode.LOSS) {
                NDArray kl = Kl.estimate(p.klEstimator(), pol.logp(), b.window(rows(micro, e -> e.old().refLogp()), pol.logp()));
                loss = loss.add(Scalars.mul(PolicyLoss.aggregate(kl, mask, agg), (float) beta));
            }
            loss = Scalars.mul(loss, w);
            if (!stop) {
                rest.backward(gc, loss);
            }
            return new RlMetrics.Minibatch(loss.getFloat(), pl.loss().getFloat() * w, pl.clipFraction().getFloat() * tokenW,
                    0, 0, pl.dualClipFraction().getFloat() * tokenW, approxKl * tokenW, stop, true);
        }
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
