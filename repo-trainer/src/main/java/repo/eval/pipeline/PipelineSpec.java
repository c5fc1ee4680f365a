package repo.eval.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The settings of {@code repo pipeline} (configs/tiny-pipeline.yaml), validated: unknown keys and bad values fail
 * naming the file and the key. Defaults live here, in {@link #DEFAULTS}.
 *
 * @param output run folder
 * @param seed seeds the data, the model init and every stage
 * @param device cpu | gpu | gpu:N
 * @param preset init-model preset of the small Qwen3-shaped model
 * @param taskVocab whether the model's vocabulary is the task vocabulary of the training files (see
 *     {@link repo.core.text.TokenMap}) rather than all 151,936 Qwen3 ids
 * @param data generated data sizes
 * @param pretrain full-parameter training on the generated SFT dialogues (the base that speaks the task)
 * @param methods the budget every method gets: the same optimiser steps, examples per step, learning rate and LoRA
 * @param rm reward-model training (its score is the RM source of PPO, GRPO and REPO)
 * @param rl rollout settings of PPO, GRPO and REPO
 * @param eval evaluation settings
 */
public record PipelineSpec(Path output, long seed, String device, String preset, boolean taskVocab, Data data, Train pretrain, Methods methods,
                           Train rm, Rl rl, Eval eval) {
    /** Generated data sizes (see repo data generate). */
    public record Data(int sft, int pairs, int prompts, int online, int badCases) {
    }

    /** Steps, examples per step, peak learning rate. */
    public record Train(int steps, int batchSize, double lr) {
    }

    /** The shared budget of sft, dpo, ppo, grpo and repo. */
    public record Methods(int steps, int batchSize, double lr, int loraR, double dpoBeta) {
    }

    /** Rollouts: reply cap, GRPO group size, sampling temperature, PPO epochs. */
    public record Rl(int maxNewTokens, int groupSize, double temperature, int epochs) {
    }

    /** Evaluation: reply cap, simulator dialogues K and turns N, generation batch. */
    public record Eval(int maxNewTokens, int simDialogues, int simTurns, int batch) {
    }

    public static final String DEFAULTS = """
            output: runs/pipeline
            seed: 1
            device: cpu
            preset: tiny
            task_vocab: true
            data: {sft: 400, pairs: 800, prompts: 128, online: 30, bad_cases: 45}
            pretrain: {steps: 150, batch_size: 4, lr: 3.0e-3}
            methods: {steps: 12, batch_size: 8, lr: 1.0e-3, lora_r: 8, dpo_beta: 0.1}
            rm: {steps: 24, batch_size: 8, lr: 2.0e-3}
            rl: {max_new_tokens: 32, group_size: 4, temperature: 1.0, epochs: 2}
            eval: {max_new_tokens: 48, sim_dialogues: 10, sim_turns: 8, batch: 8}
            """;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The effective settings as YAML that {@link #parse} reads back to an equal spec. */
    public String toYaml() {
        return String.format(java.util.Locale.ROOT, """
                output: "%s"
                seed: %d
                device: %s
                preset: %s
                task_vocab: %s
                data: {sft: %d, pairs: %d, prompts: %d, online: %d, bad_cases: %d}
                pretrain: {steps: %d, batch_size: %d, lr: %s}
                methods: {steps: %d, batch_size: %d, lr: %s, lora_r: %d, dpo_beta: %s}
                rm: {steps: %d, batch_size: %d, lr: %s}
                rl: {max_new_tokens: %d, group_size: %d, temperature: %s, epochs: %d}
                eval: {max_new_tokens: %d, sim_dialogues: %d, sim_turns: %d, batch: %d}
                """, output.toString().replace("\\", "\\\\").replace("\"", "\\\""), seed, device, preset, taskVocab, data.sft, data.pairs, data.prompts,
                data.online, data.badCases, pretrain.steps, pretrain.batchSize, pretrain.lr, methods.steps, methods.batchSize, methods.lr,
                methods.loraR, methods.dpoBeta, rm.steps, rm.batchSize, rm.lr, rl.maxNewTokens, rl.groupSize, rl.temperature, rl.epochs,
                eval.maxNewTokens, eval.simDialogues, eval.simTurns, eval.batch);
    }

    public static PipelineSpec load(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** Parses YAML text over the defaults; {@code overrides} are dotted keys such as {@code methods.steps}. */
    public static PipelineSpec parse(String yaml, String origin) throws IOException {
        JsonNode d = YAML.readTree(DEFAULTS);
        JsonNode u = YAML.readTree(yaml);
        if (u != null && !u.isNull() && !u.isMissingNode()) {
            if (!u.isObject()) {
                throw new IllegalArgumentException(origin + ": expected a YAML mapping");
            }
            merge((com.fasterxml.jackson.databind.node.ObjectNode) d, u, origin, "");
        }
        Reader r = new Reader(d, origin);
        PipelineSpec s = new PipelineSpec(Path.of(r.text("output")), r.integer("seed", Long.MIN_VALUE), r.text("device"), r.text("preset"), r.bool("task_vocab"),
                new Data(r.count("data.sft"), r.count("data.pairs"), r.count("data.prompts"), r.count("data.online"), r.count("data.bad_cases")),
                new Train(r.count("pretrain.steps"), r.count("pretrain.batch_size"), r.positive("pretrain.lr")),
                new Methods(r.count("methods.steps"), r.count("methods.batch_size"), r.positive("methods.lr"), r.count("methods.lora_r"),
                        r.positive("methods.dpo_beta")),
                new Train(r.count("rm.steps"), r.count("rm.batch_size"), r.positive("rm.lr")),
                new Rl(r.count("rl.max_new_tokens"), r.count("rl.group_size"), r.positive("rl.temperature"), r.count("rl.epochs")),
                new Eval(r.count("eval.max_new_tokens"), (int) r.integer("eval.sim_dialogues", 0), r.count("eval.sim_turns"), r.count("eval.batch")));
        if (s.methods().batchSize() % s.rl().groupSize() != 0) {
            throw new IllegalArgumentException(origin + ": methods.batch_size (" + s.methods().batchSize() + ") must be a multiple of rl.group_size ("
                    + s.rl().groupSize() + "): GRPO gets batch_size / group_size prompts per step, so every method sees the same replies per step");
        }
        return s;
    }

    private static void merge(com.fasterxml.jackson.databind.node.ObjectNode base, JsonNode over, String origin, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = over.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode b = base.get(e.getKey());
            if (b == null) {
                throw new IllegalArgumentException(origin + ": unknown key \"" + key + "\"; known keys here: " + fieldNames(base));
            }
            if (b.isObject()) {
                if (!e.getValue().isObject()) {
                    throw new IllegalArgumentException(origin + ": \"" + key + "\" must be a mapping with keys " + fieldNames(b));
                }
                merge((com.fasterxml.jackson.databind.node.ObjectNode) b, e.getValue(), origin, key + ".");
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new java.util.TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    private record Reader(JsonNode root, String origin) {
        JsonNode at(String dotted) {
            return root.at("/" + dotted.replace('.', '/'));
        }

        String text(String k) {
            JsonNode v = at(k);
            if (!v.isTextual() || v.asText().isBlank()) {
                throw new IllegalArgumentException(origin + ": \"" + k + "\" must be a non-empty string");
            }
            return v.asText();
        }

        boolean bool(String k) {
            JsonNode v = at(k);
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(origin + ": \"" + k + "\" is " + v + "; expected true or false");
            }
            return v.asBoolean();
        }

        long integer(String k, long min) {
            JsonNode v = at(k);
            if (!v.isIntegralNumber() || v.asLong() < min) {
                throw new IllegalArgumentException(origin + ": \"" + k + "\" is " + v + "; expected an integer" + (min > Long.MIN_VALUE ? " >= " + min : ""));
            }
            return v.asLong();
        }

        int count(String k) {
            long v = integer(k, 1);
            if (v > 1_000_000) {
                throw new IllegalArgumentException(origin + ": \"" + k + "\" is " + v + "; expected at most 1000000");
            }
            return (int) v;
        }

        double positive(String k) {
            JsonNode v = at(k);
            if (!v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException(origin + ": \"" + k + "\" is " + v + "; expected a positive finite number");
            }
            return v.asDouble();
        }
    }
}
