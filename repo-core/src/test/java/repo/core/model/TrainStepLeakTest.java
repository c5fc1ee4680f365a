package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import repo.core.model.ModelOptions.Precision;

/**
 * Repeated LoRA training steps (checkpointed forward with dropout, chunked log-probs, deferred backward, gradient
 * reads, zeroing) and KV-cached decode steps leave the number of live native arrays exactly constant and the heap flat.
 */
class TrainStepLeakTest {
    @Test
    void liveArraysAndHeapStayFlatOverTrainingAndDecodeSteps() {
        try (Qwen3Model model = LoraTestModels.model(Precision.FP32, 41); NDManager m = model.manager().newSubManager()) {
            model.addAdapter("a", LoraConfig.of(4, 8).withDropout(0.1), 5);
            NDArray ids = LoraTestModels.ids(m, 2, 9, 1), targets = LoraTestModels.ids(m, 2, 9, 2);
            int live = -1;
            double heap = 0;
            for (int step = 0; step < 16; step++) {
                try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    DeferredBackward rest = new DeferredBackward();
                    Forward pass = model.with("a").dropout(true).saving(new ActivationMemory(true, 5), rest);
                    ChunkedLogProbs.Result r = pass.tokenLogProbs(pass.hidden(ids, null, null), targets, 1.0, true);
                    rest.backward(gc, r.logProbs().mean().neg().sub(r.entropy().mean()));
                }
                for (NDArray p : model.adapterParameters("a")) {
                    try (NDArray g = p.getGradient()) {
                        g.sum().close();
                    }
                    JniUtils.zeroGrad((PtNDArray) p);
                }
                NoGrad.run(() -> decode(model, m));
                if (step == 4) {
                    live = TinyModels.liveArrays(model.manager());
                    heap = usedHeapAfterGc();
                }
            }
            assertThat(TinyModels.liveArrays(model.manager())).isEqualTo(live);
            assertThat(usedHeapAfterGc() - heap).as("heap growth in MiB over 11 steps").isLessThan(8);
        }
    }

    /** A prompt of 5 tokens and 4 cached decode steps. */
    private static void decode(Qwen3Model model, NDManager m) {
        try (NDManager sub = m.newSubManager(); KvCache cache = model.newCache(sub, 1, 9)) {
            NDArray next = LoraTestModels.ids(sub, 1, 5, 3);
            for (int i = 0; i < 5; i++) {
                try (NDScope s = new NDScope()) {
                    NDArray logits = model.with("a").forward(next, null, cache);                // (1, t, V)
                    long id = logits.get(new ai.djl.ndarray.index.NDIndex(":, -1, :")).argMax(-1).getLong(0);
                    next = sub.create(new long[] {id}, new Shape(1, 1));
                    NDScope.unregister(next);
                }
            }
        }
    }

    static double usedHeapAfterGc() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) / (1024.0 * 1024.0);
    }
}
