package repo.trainer.loop;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import repo.core.io.PeftAdapters;
import repo.core.io.SafetensorsWriter;
import repo.core.model.DeferredBackward;
import repo.core.model.Forward;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;
import repo.trainer.config.TrainConfig;

/**
 * A frozen base model with what a run trains on it: one LoRA adapter (saved in PEFT format under
 * {@code adapter/}) or, in full-parameter mode, every weight (saved as a full Hugging Face checkpoint under
 * {@code model/}).
 */
public final class TrainableModel implements AutoCloseable {
    public static final String ADAPTER_DIR = "adapter";
    public static final String MODEL_DIR = "model";

    private final TrainConfig config;
    private final Qwen3Model model;
    private final QwenTokenizer tokenizer;
    private final String adapter; // null in full-parameter mode

    private TrainableModel(TrainConfig config, Qwen3Model model, QwenTokenizer tokenizer, String adapter) {
        this.config = config;
        this.model = model;
        this.tokenizer = tokenizer;
        this.adapter = adapter;
    }

    /** Loads the base checkpoint and adds the trainable adapter {@code adapterName} (or enables full training). */
    public static TrainableModel open(TrainConfig config, String adapterName) throws IOException {
        Qwen3Model model = Qwen3Model.load(config.model(), config.modelOptions());
        try {
            QwenTokenizer tokenizer = QwenTokenizer.fromDirectory(config.model());
            if (config.fullParameter()) {
                model.enableFullParameterTraining();
                return new TrainableModel(config, model, tokenizer, null);
            }
            model.addAdapter(adapterName, config.lora().toLoraConfig(), config.seed());
            return new TrainableModel(config, model, tokenizer, adapterName);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public Qwen3Model model() {
        return model;
    }

    public QwenTokenizer tokenizer() {
        return tokenizer;
    }

    /** The trained adapter's name, or null in full-parameter mode. */
    public String adapter() {
        return adapter;
    }

    /**
     * Forwards with what this run trains: its adapter, or the base weights in full-parameter mode; with LoRA dropout
     * when {@code dropout} (training steps) and without (held-out evaluation).
     */
    public Forward trained(boolean dropout) {
        return (adapter == null ? model.base() : model.with(adapter)).dropout(dropout);
    }

    /**
     * The training forward of a loss: {@code trained(true)} saving activation memory as {@code train.gradient_checkpointing}
     * and {@code train.logits_chunk} say; the loss's backward is {@code rest.backward(gc, loss)}.
     */
    public Forward training(DeferredBackward rest) {
        return trained(true).saving(config.train().memory(), rest);
    }

    /**
     * The base weights alone (the DPO reference), with the training forwards' LM head (whole or chunked as
     * {@code train.logits_chunk} says), so reference and policy log-probs are computed alike. Without gradients.
     */
    public Forward reference() {
        return model.base().saving(config.train().memory(), new DeferredBackward());
    }

    /** Runs {@code body} without gradients (held-out evaluation; its forwards use {@code trained(false)}). */
    public <T> T evaluating(java.util.function.Supplier<T> body) {
        return NoGrad.get(body);
    }

    /** Trainable leaves in a fixed order. */
    public List<NDArray> parameters() {
        return new ArrayList<>(adapter == null ? model.trainableBaseParameters() : model.adapterParameters(adapter));
    }

    /** Writes the adapter (PEFT folder) or the full weights (HF checkpoint) into {@code dir}. */
    public void save(Path dir) throws IOException {
        if (adapter == null) {
            model.saveMerged(null, dir.resolve(MODEL_DIR), SafetensorsWriter.Storage.F32, PeftAdapters.tokenizerFiles(config.model()));
        } else {
            PeftAdapters.save(model, adapter, dir.resolve(ADAPTER_DIR), config.model().toString());
        }
    }

    /** Restores what {@link #save} wrote into the live trainable arrays (the optimiser keeps pointing at them). */
    public void load(Path dir) throws IOException {
        List<NDArray> target = parameters();
        List<NDArray> source;
        Qwen3Model from = null;
        String tmp = "resume-" + System.nanoTime();
        try {
            if (adapter == null) {
                from = Qwen3Model.load(dir.resolve(MODEL_DIR), config.modelOptions());
                source = new ArrayList<>(from.weights().values());
                List<NDArray> own = new ArrayList<>(model.weights().values());
                copy(own, source);
                return;
            }
            PeftAdapters.load(model, tmp, dir.resolve(ADAPTER_DIR));
            source = model.adapterParameters(tmp);
            copy(target, source);
        } finally {
            if (from != null) {
                from.close();
            }
            if (adapter != null && model.adapterNames().contains(tmp)) {
                model.removeAdapter(tmp);
            }
        }
    }

    private static void copy(List<NDArray> target, List<NDArray> source) {
        if (target.size() != source.size()) {
            throw new IllegalStateException("checkpoint holds " + source.size() + " tensors, the run trains " + target.size());
        }
        for (int i = 0; i < target.size(); i++) {
            NoGrad.copy(target.get(i), source.get(i));
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
