package repo.trainer.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import repo.core.io.StrictYaml;
import repo.core.model.LoraConfig;
import repo.core.model.ModelOptions;
import repo.trainer.common.LrSchedule;

/**
 * One training run, as written in YAML (snake_case keys; see {@code configs/} for commented examples).
 * Relative paths are resolved against the working directory. Every section is a validated record; a bad
 * file is reported with the file name, the key path and what would be right.
 *
 * @param algorithm what to train
 * @param model the base Hugging Face checkpoint folder
 * @param output the run folder: metrics.jsonl, checkpoints/, final/
 * @param device cpu, gpu or gpu:N; or a comma-separated list (gpu:0,gpu:1) whose devices the decoder layers are
 *     spread over ({@code Placement}; the first holds the embedding and LM head)
 * @param precision weight storage (FP32 on CPU)
 * @param seed seeds data order, adapter init and sampling [0]
 * @param data training (and optional held-out) data
 * @param lora the adapter to train (ignored with {@code full_parameter: true})
 * @param fullParameter train every weight of the model instead of an adapter (small models)
 * @param optim optimiser and schedule
 * @param train steps, batch sizes, checkpointing
 * @param dpo DPO settings (algorithm dpo)
 * @param rollout how RL replies are sampled (ppo, grpo, repo)
 * @param ppo PPO/REPO settings (also the clipping and epochs of GRPO)
 * @param grpo GRPO settings
 * @param rewards where RL rewards come from
 */
public record TrainConfig(
        Algorithm algorithm,
        Path model,
        Path output,
        String device,
        ModelOptions.Precision precision,
        Long seed,
        DataSection data,
        LoraSection lora,
        @JsonProperty("full_parameter") Boolean fullParameter,
        OptimSection optim,
        LoopSection train,
        DpoSection dpo,
        RolloutSection rollout,
        PpoSection ppo,
        GrpoSection grpo,
        RewardsSection rewards) {

    public TrainConfig {
        Check.require(algorithm != null, "algorithm", "one of " + Algorithm.names());
        Check.require(model != null, "model", "the base checkpoint folder");
        Check.require(output != null, "output", "the run folder");
        device = device == null ? "cpu" : device;
        try {
            ModelOptions.parse(device, ModelOptions.Precision.FP32);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("device", "\"" + device + "\" is not a device", "cpu, gpu or gpu:N, or a comma-separated list "
                    + "(gpu:0,gpu:1) to spread the layers over");
        }
        precision = precision == null ? ModelOptions.Precision.FP32 : precision;
        seed = seed == null ? 0L : seed;
        Check.require(data != null, "data", "a section with at least \"train\" (a JSON Lines file)");
        fullParameter = fullParameter != null && fullParameter;
        lora = lora == null ? defaults(LoraSection.class) : lora;
        optim = optim == null ? defaults(OptimSection.class) : optim;
        train = train == null ? defaults(LoopSection.class) : train;
        dpo = dpo == null ? defaults(DpoSection.class) : dpo;
        rollout = rollout == null ? defaults(RolloutSection.class) : rollout;
        ppo = ppo == null ? defaults(PpoSection.class) : ppo;
        grpo = grpo == null ? defaults(GrpoSection.class) : grpo;
        rewards = rewards == null ? defaults(RewardsSection.class) : rewards;
        CrossChecks.check(algorithm, precision, fullParameter, optim, train, ppo, rewards);
        RlChecks.check(algorithm, data, rollout, ppo, grpo, rewards);
    }

    /** A section with every key at its default: the record bound from an empty mapping. */
    public static <T> T defaults(Class<T> section) {
        return StrictYaml.MAPPER.convertValue(StrictYaml.MAPPER.createObjectNode(), section);
    }

    public ModelOptions modelOptions() {
        return ModelOptions.parse(device, precision);
    }

    /** The seed as a primitive (never null after validation). */
    public long seedValue() {
        return seed;
    }

    /**
     * @param train JSON Lines training data (SFT dialogues or preference pairs)
     * @param eval optional held-out file of the same format
     * @param evalFraction share of {@code train} held out when {@code eval} is absent (0 = none) [0]
     */
    public record DataSection(Path train, Path eval, @JsonProperty("eval_fraction") Double evalFraction) {
        public DataSection {
            Check.require(train != null, "data.train", "a JSON Lines file");
            evalFraction = Check.number("data.eval_fraction", evalFraction, 0.0, "[0, 1)");
        }
    }

    /** LoRA settings; defaults r 16, alpha 32, dropout 0, all seven projections, no rsLoRA. */
    public record LoraSection(Integer r, Double alpha, Double dropout,
                              @JsonProperty("target_modules") List<String> targetModules,
                              @JsonProperty("use_rslora") Boolean useRslora) {
        public LoraSection {
            r = Check.integer("lora.r", r, 16, 1, 65_536);
            alpha = Check.number("lora.alpha", alpha, 32.0, "(0, 1e6]");
            dropout = Check.number("lora.dropout", dropout, 0.0, "[0, 1)");
            targetModules = targetModules == null ? LoraConfig.ALL_LINEAR : targetModules;
            useRslora = useRslora != null && useRslora;
            targetModules = lora(r, alpha, dropout, targetModules, useRslora).targetModules(); // LoraConfig's target rules, now
        }

        public LoraConfig toLoraConfig() {
            return lora(r, alpha, dropout, targetModules, useRslora);
        }

        private static LoraConfig lora(int r, double alpha, double dropout, List<String> targets, boolean rslora) {
            try {
                return new LoraConfig(r, alpha, dropout, targets, rslora);
            } catch (IllegalArgumentException e) {
                throw new ConfigError("lora.target_modules", e.getMessage(), "a non-empty list of module names");
            }
        }
    }

    /**
     * AdamW and the learning-rate schedule. Defaults: lr 1e-4, weight decay 0, betas 0.9/0.999, eps 1e-8,
     * clip 1.0, cosine with 0 warm-up steps down to 0.
     */
    public record OptimSection(Double lr, @JsonProperty("weight_decay") Double weightDecay, Double beta1, Double beta2,
                               Double eps, @JsonProperty("max_grad_norm") Double maxGradNorm, LrSchedule.Kind schedule,
                               @JsonProperty("warmup_steps") Integer warmupSteps,
                               @JsonProperty("min_lr_ratio") Double minLrRatio) {
        public OptimSection {
            lr = Check.number("optim.lr", lr, 1e-4, "(0, 1]");
            weightDecay = Check.number("optim.weight_decay", weightDecay, 0.0, "[0, 1]");
            beta1 = Check.number("optim.beta1", beta1, 0.9, "[0, 1)");
            beta2 = Check.number("optim.beta2", beta2, 0.999, "[0, 1)");
            eps = Check.number("optim.eps", eps, 1e-8, "(0, 1]");
            maxGradNorm = Check.number("optim.max_grad_norm", maxGradNorm, 1.0, "(0, 1e6]");
            schedule = schedule == null ? LrSchedule.Kind.COSINE : schedule;
            warmupSteps = Check.integer("optim.warmup_steps", warmupSteps, 0, 0, 1_000_000_000);
            minLrRatio = Check.number("optim.min_lr_ratio", minLrRatio, 0.0, "[0, 1]");
        }

        public LrSchedule schedule(int totalSteps) {
            return new LrSchedule(schedule, lr, warmupSteps, totalSteps, minLrRatio);
        }
    }

    /**
     * The training loop. Defaults: batch 8 examples per optimiser step, micro-batches of at most 4096 padded
     * tokens (gradients accumulate over them), 100 steps, a checkpoint every 50 steps keeping 2, examples of
     * at most 2048 tokens (longer ones are an error naming the example), and 3 non-finite updates in a row stop
     * the run.
     *
     * @param gradientCheckpointing keep only each decoder layer's input in training forwards and recompute the layer
     *     in the backward: same loss and gradients, activation memory L × (B, T, h) plus one layer [false]
     * @param logitsChunk run the LM head and its log-softmax this many positions at a time in training losses (no
     *     (B, T, V) logits); 0 = all at once [0]. Needs a frozen LM head (LoRA training)
     */
    public record LoopSection(@JsonProperty("batch_size") Integer batchSize,
                              @JsonProperty("micro_batch_tokens") Integer microBatchTokens,
                              @JsonProperty("max_steps") Integer maxSteps, @JsonProperty("save_every") Integer saveEvery,
                              @JsonProperty("keep_last") Integer keepLast, @JsonProperty("log_every") Integer logEvery,
                              @JsonProperty("max_length") Integer maxLength, Boolean progress,
                              @JsonProperty("max_nonfinite_in_a_row") Integer maxNonfiniteInARow,
                              @JsonProperty("gradient_checkpointing") Boolean gradientCheckpointing,
                              @JsonProperty("logits_chunk") Integer logitsChunk) {
        public LoopSection {
            batchSize = Check.positive("train.batch_size", batchSize, 8);
            microBatchTokens = Check.positive("train.micro_batch_tokens", microBatchTokens, 4096);
            maxSteps = Check.positive("train.max_steps", maxSteps, 100);
            saveEvery = Check.positive("train.save_every", saveEvery, 50);
            keepLast = Check.positive("train.keep_last", keepLast, 2);
            logEvery = Check.positive("train.log_every", logEvery, 1);
            maxLength = Check.integer("train.max_length", maxLength, 2048, 2, 1 << 20);
            progress = progress == null || progress;
            maxNonfiniteInARow = Check.positive("train.max_nonfinite_in_a_row", maxNonfiniteInARow, 3);
            gradientCheckpointing = gradientCheckpointing != null && gradientCheckpointing;
            logitsChunk = Check.integer("train.logits_chunk", logitsChunk, 0, 0, 1_000_000_000);
        }

        /** How training forwards save activation memory. */
        public repo.core.model.ActivationMemory memory() {
            return new repo.core.model.ActivationMemory(gradientCheckpointing, logitsChunk);
        }

        /** A bar with ETA on a terminal, or with {@code progress: false} a plain line every {@code log_every} steps on stderr. */
        public repo.trainer.common.Progress.Options progressOptions() {
            return progress ? repo.trainer.common.Progress.Options.auto()
                    : repo.trainer.common.Progress.Options.lines(logEvery, System.err);
        }
    }

    /** @param beta DPO temperature β [0.1] */
    public record DpoSection(Double beta) {
        public DpoSection {
            beta = Check.number("dpo.beta", beta, 0.1, "(0, 100]");
        }
    }

    /**
     * How replies are sampled during RL. Defaults: 512 new tokens (the paper's max response), temperature 1.0,
     * top-p 1.0, top-k 0 (sample the policy as it is, so old log-probs are the sampling distribution), 8 prompts
     * per step; a reply cut at {@code max_new_tokens} is scored as is; no pass count (train.max_steps decides);
     * no periodic evaluation.
     *
     * @param overlong what a reply cut at max_new_tokens gets: as_is, penalty (reward + overlong_penalty), mask (no update)
     * @param overlongPenalty added to a cut reply's reward under {@code overlong: penalty} (default −1.0)
     * @param epochs passes over the prompt set; when set, the run has ceil(epochs · prompts / prompts_per_step) steps
     *     in place of {@code train.max_steps} (distinct from {@code ppo.epochs}, the passes over each rollout batch)
     * @param evalEvery every N steps (and at the last), sample replies for the held-out prompts ({@code data.eval})
     *     and score them; the policy with the best mean reward so far is kept in {@code best/}; 0 = off
     * @param backend where replies are sampled: local (in this process) or openai (a server, {@code rollout.openai}) [local]
     * @param openai the server of {@code backend: openai}; refused with {@code backend: local}
     */
    public record RolloutSection(@JsonProperty("max_new_tokens") Integer maxNewTokens, Double temperature,
                                 @JsonProperty("top_p") Double topP, @JsonProperty("top_k") Integer topK,
                                 @JsonProperty("prompts_per_step") Integer promptsPerStep,
                                 repo.trainer.algo.RewardShaping.Overlong overlong,
                                 @JsonProperty("overlong_penalty") Double overlongPenalty,
                                 Double epochs, @JsonProperty("eval_every") Integer evalEvery,
                                 RolloutBackend backend, OpenAiRolloutSection openai) {
        public RolloutSection {
            maxNewTokens = Check.integer("rollout.max_new_tokens", maxNewTokens, 512, 1, 1 << 20);
            temperature = Check.number("rollout.temperature", temperature, 1.0, "(0, 100]");
            topP = Check.number("rollout.top_p", topP, 1.0, "(0, 1]");
            topK = Check.integer("rollout.top_k", topK, 0, 0, 1 << 20);
            promptsPerStep = Check.integer("rollout.prompts_per_step", promptsPerStep, 8, 1, 1 << 20);
            overlong = overlong == null ? repo.trainer.algo.RewardShaping.Overlong.AS_IS : overlong;
            overlongPenalty = Check.number("rollout.overlong_penalty", overlongPenalty, -1.0, "[-1e6, 1e6]");
            if (epochs != null) {
                epochs = Check.number("rollout.epochs", epochs, 1.0, "(0, 1e6]"); // passes over the prompt set
            }
            evalEvery = Check.integer("rollout.eval_every", evalEvery, 0, 0, 1 << 20); // 0 = off
            backend = backend == null ? RolloutBackend.LOCAL : backend;
            Check.require(backend != RolloutBackend.OPENAI || openai != null, "rollout.openai",
                    "a block with base_url and adapter_dir: the server that samples replies under rollout.backend openai");
            if (backend == RolloutBackend.LOCAL && openai != null) {
                throw new ConfigError("rollout.openai", "set while rollout.backend is local", "rollout.backend: openai, or no block");
            }
        }

        /** Optimiser steps of an RL run over {@code prompts} prompts: from {@code epochs} when set, else {@code maxSteps}. */
        public int steps(int prompts, int maxSteps) {
            return epochs == null ? maxSteps : (int) Math.max(1, Math.ceil(epochs * prompts / promptsPerStep));
        }
    }

    /** Where a KL penalty to the base model (adapters off) goes. */
    public enum KlMode { NONE, REWARD, LOSS }

    /**
     * PPO (and REPO) settings; defaults are the project's documented choices where the paper is silent: ε 0.2, value clip 0.2, γ 1.0, λ 0.95,
     * 2 epochs over each rollout batch, minibatches of 4 replies, value coefficient 0.5, no entropy bonus,
     * whitened advantages, no KL penalty (KL to the base is still measured), k3 estimator. GRPO uses the keys
     * without a critic (epochs, minibatch_size, clip_eps, entropy_coef, kl_coef, kl_mode none|loss, kl_estimator).
     *
     * @param criticInit {@code rm} starts the critic as the reward model (its adapter and score head: V = RM score);
     *     {@code random} starts a fresh adapter and value head
     * @param clipEpsHigh upper clip of the ratio, 1 + clip_eps_high ("clip-higher", DAPO 0.28); default clip_eps
     * @param dualClip c &gt; 1 caps the loss of negative-advantage tokens at −c·A (dual-clip PPO, 3); default off
     * @param lossAgg token_mean, seq_mean_token_mean or seq_mean_token_sum; default token_mean for PPO/REPO and
     *     seq_mean_token_mean (the GRPO paper's per-reply mean) for GRPO
     * @param klTarget with a KL penalty, the adaptive controller's target KL (per token); default fixed kl_coef
     * @param klHorizon the adaptive controller's horizon in replies (default 10000)
     * @param targetKl stop the rest of a step's updates once a minibatch's approximate KL to the old policy exceeds
     *     1.5 · target_kl; default off
     * @param criticLr the critic's peak learning rate (same schedule); default optim.lr
     * @param criticWarmupSteps the first N steps update the critic only (default 0)
     * @param rewardClip clip each reply's reward to [−reward_clip, reward_clip] before advantages; default off
     */
    public record PpoSection(Integer epochs, @JsonProperty("minibatch_size") Integer minibatchSize,
                             @JsonProperty("clip_eps") Double clipEps, @JsonProperty("value_clip") Double valueClip,
                             Double gamma, Double lambda, @JsonProperty("vf_coef") Double vfCoef,
                             @JsonProperty("entropy_coef") Double entropyCoef,
                             @JsonProperty("whiten_advantages") Boolean whitenAdvantages,
                             @JsonProperty("kl_coef") Double klCoef, @JsonProperty("kl_mode") KlMode klMode,
                             @JsonProperty("kl_estimator") repo.trainer.algo.Kl.Estimator klEstimator,
                             @JsonProperty("critic_init") CriticInit criticInit,
                             @JsonProperty("clip_eps_high") Double clipEpsHigh, @JsonProperty("dual_clip") Double dualClip,
                             @JsonProperty("loss_agg") repo.trainer.algo.PolicyLoss.Aggregation lossAgg,
                             @JsonProperty("kl_target") Double klTarget, @JsonProperty("kl_horizon") Double klHorizon,
                             @JsonProperty("target_kl") Double targetKl, @JsonProperty("critic_lr") Double criticLr,
                             @JsonProperty("critic_warmup_steps") Integer criticWarmupSteps,
                             @JsonProperty("reward_clip") Double rewardClip) {
        /** The keys that need a critic (PPO, REPO), rejected with GRPO. */
        public static final List<String> CRITIC_KEYS = List.of("value_clip", "gamma", "lambda", "vf_coef", "whiten_advantages",
                "critic_init", "critic_lr", "critic_warmup_steps");

        public PpoSection {
            epochs = Check.integer("ppo.epochs", epochs, 2, 1, 1000);
            minibatchSize = Check.positive("ppo.minibatch_size", minibatchSize, 4);
            clipEps = Check.number("ppo.clip_eps", clipEps, 0.2, "(0, 1)");
            valueClip = Check.number("ppo.value_clip", valueClip, 0.2, "(0, 1e6]");
            gamma = Check.number("ppo.gamma", gamma, 1.0, "(0, 1]");
            lambda = Check.number("ppo.lambda", lambda, 0.95, "[0, 1]");
            vfCoef = Check.number("ppo.vf_coef", vfCoef, 0.5, "(0, 100]");
            entropyCoef = Check.number("ppo.entropy_coef", entropyCoef, 0.0, "[0, 1]");
            whitenAdvantages = whitenAdvantages == null || whitenAdvantages;
            klCoef = Check.number("ppo.kl_coef", klCoef, 0.0, "[0, 100]");
            klMode = klMode == null ? KlMode.NONE : klMode;
            klEstimator = klEstimator == null ? repo.trainer.algo.Kl.Estimator.K3 : klEstimator;
            criticInit = criticInit == null ? CriticInit.RANDOM : criticInit;
            if (klMode != KlMode.NONE && klCoef == 0) {
                throw new ConfigError("ppo.kl_coef", "0 with ppo.kl_mode " + klMode.name().toLowerCase(java.util.Locale.ROOT)
                        + " (a penalty of weight 0)", "a value > 0, or kl_mode none");
            }
            clipEpsHigh = Check.number("ppo.clip_eps_high", clipEpsHigh, clipEps, "(0, 10]");
            if (dualClip != null) {
                dualClip = Check.number("ppo.dual_clip", dualClip, 3.0, "(1, 1e6]");
            }
            klHorizon = Check.number("ppo.kl_horizon", klHorizon, 10000.0, "(0, 1e12]");
            if (klTarget != null) {
                klTarget = Check.number("ppo.kl_target", klTarget, 0.1, "(0, 100]");
                if (klMode == KlMode.NONE) {
                    throw new ConfigError("ppo.kl_target", "set with ppo.kl_mode none (the adaptive controller steers kl_coef)",
                            "kl_mode reward or loss, or no kl_target");
                }
            }
            if (targetKl != null) {
                targetKl = Check.number("ppo.target_kl", targetKl, 0.01, "(0, 100]");
            }
            if (criticLr != null) {
                criticLr = Check.number("ppo.critic_lr", criticLr, 1e-5, "(0, 1]");
            }
            criticWarmupSteps = Check.integer("ppo.critic_warmup_steps", criticWarmupSteps, 0, 0, 1 << 20);
            if (rewardClip != null) {
                rewardClip = Check.number("ppo.reward_clip", rewardClip, 1.0, "(0, 1e12]");
            }
        }

        /** The loss aggregation: as set, else the algorithm's default. */
        public repo.trainer.algo.PolicyLoss.Aggregation aggregation(Algorithm algorithm) {
            return lossAgg != null ? lossAgg : algorithm == Algorithm.GRPO
                    ? repo.trainer.algo.PolicyLoss.Aggregation.SEQ_MEAN_TOKEN_MEAN : repo.trainer.algo.PolicyLoss.Aggregation.TOKEN_MEAN;
        }

        /** The surrogate's clip settings. */
        public repo.trainer.algo.PolicyLoss.Clip clip() {
            return new repo.trainer.algo.PolicyLoss.Clip(clipEps, clipEpsHigh, dualClip);
        }
    }

    /** How the value head starts. */
    public enum CriticInit { RANDOM, RM }

    /**
     * GRPO settings: {@code group_size} samples per prompt (default 8), advantages divided by the group std (default
     * true), and DAPO dynamic sampling: groups whose rewards do not differ are left out of the update (default false;
     * their share is reported either way).
     */
    public record GrpoSection(@JsonProperty("group_size") Integer groupSize, @JsonProperty("scale_by_std") Boolean scaleByStd,
                              @JsonProperty("dynamic_sampling") Boolean dynamicSampling) {
        public GrpoSection {
            dynamicSampling = dynamicSampling != null && dynamicSampling;
            groupSize = Check.integer("grpo.group_size", groupSize, 8, 2, 1 << 16); // a group baseline needs two samples
            scaleByStd = scaleByStd == null || scaleByStd;
        }
    }

    /**
     * RL reward sources.
     *
     * @param pipeline the reward pipeline YAML (sources on/off, combiner, rules); null = the algorithm's default:
     *     REPO every source with the enhancement combiner, PPO and GRPO the RM alone
     * @param rmAdapter the RM's PEFT adapter folder (the RM trainer's {@code final/adapter}); loaded onto the policy's
     *     base as a third adapter, so no second copy of the base is held
     * @param rmHead the RM's {@code score_head.safetensors}
     * @param judge the judge YAML (see configs/judge.yaml); null = the offline rubric-rules judge
     * @param rmBatchSize replies per RM forward [8]
     * @param rmCentre what the RM source does with its raw score: none, mean (score − the RM's mean score on its
     *     training data, from score_stats.json beside rm_head) or standardize (also divided by that std)
     * @param traces write every scored rollout as a reward-trace line to {@code output/traces/} [true]
     * @param maxSourceFailures the largest fraction of a step's completions a reward source may fail on [0.2];
     *     above it the run stops, naming the source, its first error and the last checkpoint
     */
    public record RewardsSection(Path pipeline, @JsonProperty("rm_adapter") Path rmAdapter, @JsonProperty("rm_head") Path rmHead,
                                 Path judge, @JsonProperty("rm_batch_size") Integer rmBatchSize, Boolean traces,
                                 @JsonProperty("max_source_failures") Double maxSourceFailures,
                                 @JsonProperty("rm_centre") repo.rewards.rm.ScoreStats.Centring rmCentre) {
        public RewardsSection {
            rmBatchSize = Check.positive("rewards.rm_batch_size", rmBatchSize, 8);
            rmCentre = rmCentre == null ? repo.rewards.rm.ScoreStats.Centring.NONE : rmCentre;
            traces = traces == null || traces;
            maxSourceFailures = Check.number("rewards.max_source_failures", maxSourceFailures, 0.2, "[0, 1]");
        }
    }

    // ---- YAML ----------------------------------------------------------------------------------

    /** Reads and validates a YAML run configuration. */
    public static TrainConfig load(Path file) {
        return ConfigReader.load(file, List.of());
    }

    /** Reads a YAML run configuration with {@code key.path=value} overrides applied before validation. */
    public static TrainConfig load(Path file, List<String> overrides) {
        return ConfigReader.load(file, overrides);
    }

    /** Parses YAML text; {@code origin} names it in errors. */
    public static TrainConfig parse(String yaml, String origin) {
        return ConfigReader.parse(yaml, origin, List.of());
    }

    /** The configuration as JSON (snake_case keys, every default filled), stored in every checkpoint. */
    public JsonNode toJson() {
        return ConfigReader.toJson(this);
    }

    /** The configuration as YAML (every default filled): printed at start and saved as {@code config.yaml} in the run folder. */
    public String toYaml() {
        return ConfigReader.toYaml(this);
    }
}
