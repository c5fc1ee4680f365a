package repo.trainer.rl;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import repo.core.io.PeftAdapters;
import repo.core.model.Forward;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Model;
import repo.core.model.ScoreHead;
import repo.core.model.ValueHead;
import repo.core.text.QwenTokenizer;
import repo.trainer.config.Algorithm;
import repo.trainer.config.TrainConfig;

/**
 * Everything RL trains and reads, on ONE copy of the base weights: the policy adapter, the critic adapter
 * with its value head (PPO, REPO), and optionally the reward model's adapter and score head. Every forward names
 * its adapter ({@link #policy}, {@link #critic}, {@link #base}, the RM's {@link #RM}); the base weights alone are
 * the KL reference. With {@code ppo.critic_init: rm} the critic starts as a copy of the reward model: the RM's
 * adapter (its LoRA settings and weights) and its score head as the value head (bias 0), so the value at a finished
 * reply's last token is the RM's score.
 */
public final class RlModels implements AutoCloseable {
    public static final String POLICY = "policy", CRITIC = "critic", RM = "rm";
    static final String VALUE_HEAD_FILE = "value_head.safetensors";

    final TrainConfig config;
    final Qwen3Model model;
    final QwenTokenizer tokenizer;
    final ValueHead valueHead;   // null for GRPO (no critic)
    final ScoreHead rmHead;      // null when no RM is configured

    private RlModels(TrainConfig config, Qwen3Model model, QwenTokenizer tokenizer, ValueHead valueHead, ScoreHead rmHead) {
        this.config = config;
        this.model = model;
        this.tokenizer = tokenizer;
        this.valueHead = valueHead;
        this.rmHead = rmHead;
    }

    /** Loads the base, adds the policy (and critic) adapters and, when configured, the RM adapter and head. */
    public static RlModels open(TrainConfig c) throws IOException {
        if (c.fullParameter()) {
            throw new IllegalArgumentException("full_parameter is not supported for " + c.algorithm().yamlName()
                    + ": policy and critic are two LoRA adapters on one frozen base");
        }
        Qwen3Model model = Qwen3Model.load(c.model(), c.modelOptions());
        try {
            QwenTokenizer tok = QwenTokenizer.fromDirectory(c.model());
            model.addAdapter(POLICY, c.lora().toLoraConfig(), c.seed());
            ScoreHead rmHead = null;
            if (c.rewards().rmHead() != null) {
                if (c.rewards().rmAdapter() != null) {
                    PeftAdapters.load(model, RM, c.rewards().rmAdapter());
                }
                rmHead = ScoreHead.load(c.rewards().rmHead(), model.manager(), c.modelOptions().precision().computeType());
            }
            ValueHead vh = null;
            if (c.algorithm() != Algorithm.GRPO) {
                boolean fromRm = c.ppo().criticInit() == TrainConfig.CriticInit.RM;
                if (fromRm && rmHead == null) {
                    throw new IllegalArgumentException("ppo.critic_init rm needs rewards.rm_head (the RM's score head)");
                }
                if (fromRm && c.rewards().rmAdapter() != null) {
                    PeftAdapters.load(model, CRITIC, c.rewards().rmAdapter()); // the RM's adapter, trainable: V starts as the RM
                } else {
                    model.addAdapter(CRITIC, c.lora().toLoraConfig(), c.seed() + 1);
                }
                vh = ValueHead.create(model.manager(), model.config().hiddenSize(), c.modelOptions().precision().computeType(),
                        c.seed() + 2);
                if (fromRm) {
                    vh.copyFrom(rmHead);
                }
            }
            return new RlModels(c, model, tok, vh, rmHead);
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

    /** Forwards with the policy adapter (no dropout: see {@link RlMethod}). */
    public Forward policy() {
        return model.with(POLICY);
    }

    /** Forwards with the critic adapter (the value head reads its hidden states). */
    public Forward critic() {
        return model.with(CRITIC);
    }

    /** Forwards with the base weights alone: the KL reference. */
    public Forward base() {
        return model.base();
    }

    public ValueHead valueHead() {
        return valueHead;
    }

    public boolean hasCritic() {
        return valueHead != null;
    }

    public List<NDArray> policyParameters() {
        return model.adapterParameters(POLICY);
    }

    /** Critic adapter then value head. */
    public List<NDArray> criticParameters() {
        List<NDArray> p = new ArrayList<>(model.adapterParameters(CRITIC));
        p.addAll(valueHead.parameters());
        return p;
    }

    /** Writes policy (and critic, value head) as PEFT folders + safetensors into {@code dir}. */
    public void save(Path dir) throws IOException {
        savePolicy(dir.resolve(POLICY));
        if (hasCritic()) {
            PeftAdapters.save(model, CRITIC, dir.resolve(CRITIC), config.model().toString());
            valueHead.save(dir.resolve(VALUE_HEAD_FILE));
        }
    }

    /** Writes the policy adapter as a PEFT folder at {@code dir} (new or empty; written aside, then renamed). */
    public void savePolicy(Path dir) throws IOException {
        PeftAdapters.save(model, POLICY, dir, config.model().toString());
    }

    /** Restores what {@link #save} wrote into the live trainable arrays. */
    public void load(Path dir) throws IOException {
        copyAdapter(POLICY, dir.resolve(POLICY));
        if (hasCritic()) {
            copyAdapter(CRITIC, dir.resolve(CRITIC));
            try (ValueHead saved = ValueHead.load(dir.resolve(VALUE_HEAD_FILE), model.manager(), valueHead.weight().getDataType())) {
                NoGrad.copy(valueHead.weight(), saved.weight());
                NoGrad.copy(valueHead.bias(), saved.bias());
            }
        }
    }

    private void copyAdapter(String name, Path folder) {
        String tmp = name + "-resume";
        PeftAdapters.load(model, tmp, folder);
        try {
            List<NDArray> target = model.adapterParameters(name), source = model.adapterParameters(tmp);
            for (int i = 0; i < target.size(); i++) {
                NoGrad.copy(target.get(i), source.get(i));
            }
        } finally {
            model.removeAdapter(tmp);
        }
    }

    @Override
    public void close() {
        if (valueHead != null) {
            valueHead.close();
        }
        if (rmHead != null) {
            rmHead.close();
        }
        tokenizer.close();
        model.close();
    }
}
