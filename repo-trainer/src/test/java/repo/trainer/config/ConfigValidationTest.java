package repo.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every malformed run configuration of issue 12 is refused by parsing alone (no file is read besides the YAML, no
 * model, no data, no run folder) with {@code FILE: key.path: what is wrong; expected …} in YAML names.
 */
class ConfigValidationTest {
    static final String BASE = "algorithm: sft\nmodel: m\noutput: o\ndata: {train: t.jsonl}\n";
    static final String PPO = "algorithm: ppo\nmodel: m\noutput: o\ndata: {train: t.jsonl}\nrewards: {rm_head: h}\n";
    static final String GRPO = "algorithm: grpo\nmodel: m\noutput: o\ndata: {train: t.jsonl}\nrewards: {rm_head: h}\n";

    static String error(String yaml) {
        try {
            TrainConfig.parse(yaml, "c.yaml");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted:\n" + yaml);
    }

    @Test
    void crossFieldWarmupLongerThanTheRun() {
        assertThat(error(BASE + "optim: {warmup_steps: 100}\ntrain: {max_steps: 6}\n")).isEqualTo(
                "c.yaml: optim.warmup_steps: 100 is more than train.max_steps (6); expected an integer in [0, 6]");
    }

    @Test
    void rangesNameTheKeyAndTheInterval() {
        assertThat(error(BASE + "optim: {min_lr_ratio: 2}\n")).isEqualTo(
                "c.yaml: optim.min_lr_ratio: 2 is out of range; expected a number in [0, 1]");
        assertThat(error(BASE + "optim: {weight_decay: -0.1}\n")).isEqualTo(
                "c.yaml: optim.weight_decay: -0.1 is out of range; expected a number in [0, 1]");
        assertThat(error(BASE + "optim: {beta1: 1}\n")).isEqualTo("c.yaml: optim.beta1: 1 is out of range; expected a number in [0, 1)");
        assertThat(error(BASE + "optim: {eps: 0}\n")).isEqualTo("c.yaml: optim.eps: 0 is out of range; expected a number in (0, 1]");
        assertThat(error(PPO + "ppo: {entropy_coef: -1}\n")).isEqualTo(
                "c.yaml: ppo.entropy_coef: -1 is out of range; expected a number in [0, 1]");
        assertThat(error(PPO + "ppo: {vf_coef: 1.0e9}\n")).isEqualTo(
                "c.yaml: ppo.vf_coef: 1000000000 is out of range; expected a number in (0, 100]");
        assertThat(error(BASE + "train: {max_steps: 0}\n")).isEqualTo(
                "c.yaml: train.max_steps: 0 is out of range; expected an integer in [1, 1000000000]");
    }

    @Test
    void nonFiniteAndAbsurdNumbersAreRefused() {
        assertThat(error(BASE + "optim: {lr: .nan}\n")).isEqualTo("c.yaml: line 5: '.nan' is not a finite number; expected a finite number");
        assertThat(error(BASE + "optim: {lr: -.inf}\n")).isEqualTo("c.yaml: line 5: '-.inf' is not a finite number; expected a finite number");
        assertThat(error(BASE + "optim: {lr: 1.0e+400}\n")).isEqualTo(
                "c.yaml: optim.lr: Infinity is not a finite number; expected a number in (0, 1]");
        assertThat(error(BASE + "optim: {max_grad_norm: 1e308}\n")).startsWith("c.yaml: optim.max_grad_norm: ").endsWith(
                "is out of range; expected a number in (0, 1e6]");
    }

    @Test
    void integersRejectFractionsAndNumbersRejectStrings() {
        assertThat(error(BASE + "train: {max_steps: 2.7}\n")).isEqualTo(
                "c.yaml: train.max_steps: 2.7 has the wrong type; expected an integer (no fraction, no quotes)");
        assertThat(error(BASE + "optim: {lr: \"1e-3\"}\n")).isEqualTo(
                "c.yaml: optim.lr: \"1e-3\" has the wrong type; expected a number (no quotes)");
        assertThat(error(BASE + "train: {max_steps: lots}\n")).isEqualTo(
                "c.yaml: train.max_steps: \"lots\" has the wrong type; expected an integer (no fraction, no quotes)");
        assertThat(error(BASE + "train: {max_steps: 99999999999}\n")).startsWith("c.yaml: train.max_steps: ");
    }

    @Test
    void enumsListTheirValues() {
        assertThat(error(BASE + "precision: fp8\n")).isEqualTo(
                "c.yaml: precision: \"fp8\" has the wrong type; expected one of fp32, fp16_weights, fp64");
        assertThat(error(PPO + "ppo: {kl_mode: sometimes, kl_coef: 0.1}\n")).isEqualTo(
                "c.yaml: ppo.kl_mode: \"sometimes\" has the wrong type; expected one of none, reward, loss");
        assertThat(error("algorithm: ppx\nmodel: m\noutput: o\ndata: {train: t}\n")).isEqualTo(
                "c.yaml: algorithm: \"ppx\" is not an algorithm; expected one of sft, rm, dpo, ppo, grpo, repo");
        assertThat(error(BASE + "device: tpu\n")).isEqualTo("c.yaml: device: \"tpu\" is not a device; expected cpu, gpu or gpu:N, or a comma-separated list "
                + "(gpu:0,gpu:1) to spread the layers over");
    }

    @Test
    void emptyAndMissingKeys() {
        assertThat(error("")).isEqualTo(
                "c.yaml: the file is empty; expected a YAML mapping with at least algorithm, model, output and data.train");
        assertThat(error("# only a comment\n")).startsWith("c.yaml: the file is empty");
        assertThat(error("- a\n- b\n")).isEqualTo(
                "c.yaml: the top level is a list; expected a YAML mapping with at least algorithm, model, output and data.train");
        assertThat(error("algorithm: sft\nmodel: m\noutput: o\ndata: {eval: e}\n")).isEqualTo(
                "c.yaml: data.train: missing; expected a JSON Lines file");
        assertThat(error("algorithm: sft\noutput: o\ndata: {train: t}\n")).isEqualTo(
                "c.yaml: model: missing; expected the base checkpoint folder");
        assertThat(error("model: m\noutput: o\ndata: {train: t}\n")).isEqualTo(
                "c.yaml: algorithm: missing; expected one of sft, rm, dpo, ppo, grpo, repo");
    }

    @Test
    void unknownAndDuplicateKeys() {
        assertThat(error(BASE + "train: {batchsize: 2}\n")).startsWith("c.yaml: train.batchsize: unknown key; expected one of ")
                .contains("batch_size");
        assertThat(error(BASE + "optim:\n  lr: 1.0e-3\n  lr: 2.0e-3\n")).isEqualTo(
                "c.yaml: line 7: duplicate key \"lr\"; expected each key once per mapping");
        assertThat(error(BASE + "seed: 1\nseed: 2\n")).contains("duplicate key \"seed\"");
    }

    @Test
    void perAlgorithmRules() {
        assertThat(error(GRPO + "ppo: {kl_mode: reward, kl_coef: 0.1}\n")).isEqualTo("c.yaml: ppo.kl_mode: reward is not available with "
                + "algorithm grpo (its advantages are one number per reply, with no per-token reward to penalise); expected none or loss");
        assertThat(error(GRPO + "ppo: {value_clip: 0.2}\n")).isEqualTo("c.yaml: ppo.value_clip: grpo has no critic, so this key would be "
                + "ignored; expected no ppo.value_clip with algorithm grpo (remove it)");
        assertThat(error(BASE + "dpo: {beta: 0.1}\n")).isEqualTo("c.yaml: dpo: not used by algorithm sft; expected no such section (remove it)");
        assertThat(error(PPO + "grpo: {group_size: 4}\n")).isEqualTo(
                "c.yaml: grpo: not used by algorithm ppo; expected only the sections ppo, rewards, rollout besides the common ones");
        assertThat(error(PPO + "ppo: {kl_mode: loss}\n")).isEqualTo(
                "c.yaml: ppo.kl_coef: 0 with ppo.kl_mode loss (a penalty of weight 0); expected a value > 0, or kl_mode none");
        assertThat(error("algorithm: ppo\nmodel: m\noutput: o\ndata: {train: t}\nppo: {critic_init: rm}\n")).isEqualTo(
                "c.yaml: ppo.critic_init: rm without rewards.rm_head; expected rewards.rm_head set to the RM's "
                        + "score_head.safetensors, or critic_init random");
        assertThat(error(PPO + "full_parameter: true\n")).startsWith("c.yaml: full_parameter: true is not supported by algorithm ppo");
        assertThat(error(GRPO + "grpo: {group_size: 1}\n")).isEqualTo(
                "c.yaml: grpo.group_size: 1 is out of range; expected an integer in [2, 65536]");
    }

    @Test
    void setOverridesApplyBeforeValidation() {
        TrainConfig c = TrainConfig.load(ConfigFilesTest.CONFIGS.resolve("tiny-ppo.yaml"),
                List.of("optim.lr=2e-3", "train.max_steps=3", "lora.target_modules=[q_proj, v_proj]", "seed=7"));
        assertThat(c.optim().lr()).isEqualTo(2e-3);
        assertThat(c.train().maxSteps()).isEqualTo(3);
        assertThat(c.lora().targetModules()).containsExactly("q_proj", "v_proj");
        assertThat(c.seed()).isEqualTo(7L);
        assertThatThrownBy(() -> TrainConfig.load(ConfigFilesTest.CONFIGS.resolve("tiny-ppo.yaml"), List.of("optim.warmup_steps=9")))
                .hasMessageEndingWith("tiny-ppo.yaml: optim.warmup_steps: 9 is more than train.max_steps (6); expected an integer in [0, 6]");
        assertThatThrownBy(() -> TrainConfig.load(ConfigFilesTest.CONFIGS.resolve("tiny-ppo.yaml"), List.of("optim.lr")))
                .hasMessage("--set optim.lr: no key; expected KEY.PATH=VALUE, e.g. optim.lr=1e-3");
        assertThatThrownBy(() -> TrainConfig.load(ConfigFilesTest.CONFIGS.resolve("tiny-ppo.yaml"), List.of("seed.x=1")))
                .hasMessage("--set seed.x=1: seed is 1, not a mapping; expected a key path through mappings");
    }

    @Test
    void theResolvedConfigurationReadsBackToTheSameRecord() {
        TrainConfig c = TrainConfig.load(ConfigFilesTest.CONFIGS.resolve("tiny-repo.yaml"));
        String yaml = c.toYaml();
        assertThat(yaml).contains("warmup_steps: 0").contains("max_nonfinite_in_a_row: 3").contains("kl_estimator: K3");
        assertThat(TrainConfig.parse(yaml, "resolved.yaml")).isEqualTo(c);
        for (String base : List.of(BASE, PPO, GRPO, BASE.replace("sft", "dpo"))) {
            TrainConfig parsed = TrainConfig.parse(base, "c.yaml");
            assertThat(TrainConfig.parse(parsed.toYaml(), "r.yaml")).isEqualTo(parsed);
        }
        assertThat(TrainConfig.parse(GRPO, "c.yaml").toYaml()).doesNotContain("value_clip").contains("clip_eps");
    }

    @Test
    void sectionDefaultsLiveInTheRecords() {
        TrainConfig.OptimSection o = TrainConfig.defaults(TrainConfig.OptimSection.class);
        assertThat(o.lr()).isEqualTo(1e-4);
        assertThat(o.beta2()).isEqualTo(0.999);
        assertThat(TrainConfig.defaults(TrainConfig.PpoSection.class).clipEps()).isEqualTo(0.2);
        assertThat(TrainConfig.defaults(TrainConfig.LoopSection.class).maxNonfiniteInARow()).isEqualTo(3);
        assertThat(TrainConfig.parse(BASE, "c.yaml").optim()).isEqualTo(o);
    }
}
