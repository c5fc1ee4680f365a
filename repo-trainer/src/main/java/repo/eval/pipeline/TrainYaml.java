package repo.eval.pipeline;

import java.nio.file.Path;
import java.util.Locale;

/** The {@code repo train} YAML of each pipeline stage: the pipeline drives the trainers exactly as {@code repo train} does. */
final class TrainYaml {
    private TrainYaml() {
    }

    static String pretrain(PipelineSpec s, Path model, Path out, Path sft) {
        return head("sft", s, model, out) + "data: {train: " + q(sft) + "}\nfull_parameter: true\n"
                + optim(s.pretrain().lr(), "cosine", 0.1) + train(s.pretrain().steps(), s.pretrain().batchSize());
    }

    static String sft(PipelineSpec s, Path model, Path out, Path sft) {
        return head("sft", s, model, out) + "data: {train: " + q(sft) + "}\n" + lora(s) + optim(s.methods().lr(), "constant", 1.0)
                + train(s.methods().steps(), s.methods().batchSize());
    }

    static String rm(PipelineSpec s, Path model, Path out, Path prefs) {
        return head("rm", s, model, out) + "data: {train: " + q(prefs) + "}\n" + lora(s) + optim(s.rm().lr(), "cosine", 0.1)
                + train(s.rm().steps(), s.rm().batchSize());
    }

    static String dpo(PipelineSpec s, Path model, Path out, Path prefs) {
        return head("dpo", s, model, out) + "data: {train: " + q(prefs) + "}\n" + lora(s) + optim(s.methods().lr(), "constant", 1.0)
                + train(s.methods().steps(), s.methods().batchSize()) + String.format(Locale.ROOT, "dpo: {beta: %s}\n", s.methods().dpoBeta());
    }

    /** PPO, GRPO or REPO with the same replies per step: GRPO samples batch_size / group_size prompts group_size times. */
    static String rl(String algorithm, PipelineSpec s, Path model, Path out, Path prompts, Path rm, Path pipelineYaml) {
        boolean grpo = algorithm.equals("grpo");
        int prompts0 = grpo ? s.methods().batchSize() / s.rl().groupSize() : s.methods().batchSize();
        StringBuilder y = new StringBuilder(head(algorithm, s, model, out)).append("data: {train: ").append(q(prompts)).append("}\n").append(lora(s))
                .append(optim(s.methods().lr(), "constant", 1.0))
                .append(String.format(Locale.ROOT, "rollout: {max_new_tokens: %d, temperature: %s, top_p: 1.0, top_k: 50, prompts_per_step: %d}\n",
                        s.rl().maxNewTokens(), s.rl().temperature(), prompts0))
                .append(String.format(Locale.ROOT, "ppo: {epochs: %d, minibatch_size: %d%s}\n", s.rl().epochs(), s.methods().batchSize(),
                        grpo ? "" : ", critic_init: rm")); // GRPO has no critic
        if (grpo) {
            y.append("grpo: {group_size: ").append(s.rl().groupSize()).append("}\n");
        }
        y.append("rewards: {rm_adapter: ").append(q(rm.resolve("adapter"))).append(", rm_head: ").append(q(rm.resolve("score_head.safetensors")));
        if (pipelineYaml != null) {
            y.append(", pipeline: ").append(q(pipelineYaml));
        }
        y.append(", traces: true}\n");
        return y + train(s.methods().steps(), s.methods().batchSize());
    }

    private static String head(String algorithm, PipelineSpec s, Path model, Path out) {
        return "algorithm: " + algorithm + "\nmodel: " + q(model) + "\noutput: " + q(out) + "\ndevice: " + s.device() + "\nprecision: FP32\nseed: "
                + s.seed() + "\n";
    }

    private static String lora(PipelineSpec s) {
        return "lora: {r: " + s.methods().loraR() + ", alpha: " + 2 * s.methods().loraR() + ", dropout: 0.0}\n";
    }

    private static String optim(double lr, String schedule, double minRatio) {
        return String.format(Locale.ROOT, "optim: {lr: %s, schedule: %s, warmup_steps: 1, min_lr_ratio: %s, max_grad_norm: 1.0}\n", lr, schedule, minRatio);
    }

    private static String train(int steps, int batch) {
        return String.format(Locale.ROOT, "train: {max_steps: %d, batch_size: %d, save_every: %d, keep_last: 1, max_length: 2048, "
                + "micro_batch_tokens: 4096, progress: false}\n", steps, batch, Math.max(1, steps / 2));
    }

    private static String q(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
