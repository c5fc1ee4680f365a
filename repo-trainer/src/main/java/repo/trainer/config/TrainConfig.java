package repo.trainer.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
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
 * @param device cpu, gpu or gpu:N
 * @param precision weight storage (FP32 on CPU)
 * @param seed seeds data order, adapter init and sampling
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
        long seed,
        DataSection data,
        LoraSection lora,
        @JsonProperty("full_parameter") boolean fullParameter,
        OptimSection optim,
        LoopSection train,
        DpoSection dpo,
        RolloutSection rollout,
        PpoSection ppo,
        GrpoSection grpo,
        RewardsSection rewards) {

    public TrainConfig {
        require(algorithm != null, "algorithm", "one of sft, rm, dpo, ppo, grpo, repo");
        require(model != null, "model", "the base checkpoint folder");
        require(output != null, "output", "the run folder");
        device = device == null ? "cpu" : device;
        ModelOptions.parseDevice(device);
        precision = precision == null ? ModelOptions.Precision.FP32 : precision;
        require(data != null, "data", "a section with at least \"train\"");
        lora = lora == null ? new LoraSection(null, null, null, null, null) : lora;
        optim = optim == null ? new OptimSection(null, null, null, null, null, null, null, null, null) : optim;
        train = train == null ? new LoopSection(null, null, null, null, null, null, null, null) : train;
        dpo = dpo == null ? new DpoSection(null) : dpo;
        rollout = rollout == null ? new RolloutSection(null, null, null, null, null, null, null, null, null) : rollout;
        ppo = ppo == null ? new PpoSection(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null) : ppo;
        grpo = grpo == null ? new GrpoSection(null, null, null) : grpo;
        rewards = rewards == null ? new RewardsSection(null, null, null, null, null, null, null, null) : rewards;
        if (fullParameter && precision == ModelOptions.Precision.FP16_WEIGHTS) {
            throw new IllegalArgumentException("full_parameter training needs precision FP32 (or FP64), not FP16_WEIGHTS");
        }
        RlChecks.check(algorithm, data, rollout, ppo, grpo, rewards);
    }

    static void require(boolean ok, String key, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("missing key \"" + key + "\": expected " + expected);
        }
    }

    public ModelOptions modelOptions() {
        return new ModelOptions(ModelOptions.parseDevice(device), precision);
    }

    /**
     * @param train JSON Lines training data (SFT dialogues or preference pairs)
     * @param eval optional held-out file of the same format
     * @param evalFraction share of {@code train} held out when {@code eval} is absent (0 = none)
     */
    public record DataSection(Path train, Path eval, @JsonProperty("eval_fraction") Double evalFraction) {
        public DataSection {
            require(train != null, "data.train", "a JSON Lines file");
            evalFraction = evalFraction == null ? 0.0 : evalFraction;
            if (evalFraction < 0 || evalFraction >= 1) {
                throw new IllegalArgumentException("data.eval_fraction must be in [0, 1), got " + evalFraction);
            }
        }
    }

    /** LoRA settings; defaults r 16, alpha 32, dropout 0, all seven projections, no rsLoRA. */
    public record LoraSection(Integer r, Double alpha, Double dropout,
                              @JsonProperty("target_modules") List<String> targetModules,
                              @JsonProperty("use_rslora") Boolean useRslora) {
        public LoraSection {
            build(r, alpha, dropout, targetModules, useRslora); // validate early, with the key in the message
        }

        public LoraConfig toLoraConfig() {
            return build(r, alpha, dropout, targetModules, useRslora);
        }

        private static LoraConfig build(Integer r, Double alpha, Double dropout, List<String> targets, Boolean rslora) {
            try {
                return new LoraConfig(r == null ? 16 : r, alpha == null ? 32.0 : alpha, dropout == null ? 0.0 : dropout,
                        targets == null ? LoraConfig.ALL_LINEAR : targets, rslora != null && rslora);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("lora: " + e.getMessage(), e);
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
            lr = lr == null ? 1e-4 : lr;
            weightDecay = weightDecay == null ? 0.0 : weightDecay;
            beta1 = beta1 == null ? 0.9 : beta1;
            beta2 = beta2 == null ? 0.999 : beta2;
            eps = eps == null ? 1e-8 : eps;
            maxGradNorm = maxGradNorm == null ? 1.0 : maxGradNorm;
            schedule = schedule == null ? LrSchedule.Kind.COSINE : schedule;
            warmupSteps = warmupSteps == null ? 0 : warmupSteps;
            minLrRatio = minLrRatio == null ? 0.0 : minLrRatio;
            if (!(lr > 0)) {
                throw new IllegalArgumentException("optim.lr must be > 0, got " + lr);
            }
            if (!(maxGradNorm > 0)) {
                throw new IllegalArgumentException("optim.max_grad_norm must be > 0, got " + maxGradNorm);
            }
        }

        public LrSchedule schedule(int totalSteps) {
            return new LrSchedule(schedule, lr, warmupSteps, totalSteps, minLrRatio);
        }
    }

    /**
     * The training loop. Defaults: batch 8 examples per optimiser step, micro-batches of at most 4096 padded
     * tokens (gradients accumulate over them), 100 steps, a checkpoint every 50 steps keeping 2, examples of
     * at most 2048 tokens (longer ones are an error naming the example).
     */
    public record LoopSection(@JsonProperty("batch_size") Integer batchSize,
                              @JsonProperty("micro_batch_tokens") Integer microBatchTokens,
                              @JsonProperty("max_steps") Integer maxSteps, @JsonProperty("save_every") Integer saveEvery,
                              @JsonProperty("keep_last") Integer keepLast, @JsonProperty("log_every") Integer logEvery,
                              @JsonProperty("max_length") Integer maxLength, Boolean progress) {
        public LoopSection {
            batchSize = positive("train.batch_size", batchSize, 8);
            microBatchTokens = positive("train.micro_batch_tokens", microBatchTokens, 4096);
            maxSteps = positive("train.max_steps", maxSteps, 100);
            saveEvery = positive("train.save_every", saveEvery, 50);
            keepLast = positive("train.keep_last", keepLast, 2);
            logEvery = positive("train.log_every", logEvery, 1);
            maxLength = positive("train.max_length", maxLength, 2048);
            progress = progress == null || progress;
        }

        /** A bar with ETA on a terminal, or with {@code progress: false} a plain line every {@code log_every} steps on stderr. */
        public repo.trainer.common.Progress.Options progressOptions() {
            return progress ? repo.trainer.common.Progress.Options.auto()
                    : repo.trainer.common.Progress.Options.lines(logEvery, System.err);
        }
    }

    /** @param beta DPO temperature β (default 0.1) */
    public record DpoSection(Double beta) {
        public DpoSection {
            beta = beta == null ? 0.1 : beta;
            if (!(beta > 0)) {
                throw new IllegalArgumentException("dpo.beta must be > 0, got " + beta);
            }
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
     */
    public record RolloutSection(@JsonProperty("max_new_tokens") Integer maxNewTokens, Double temperature,
                                 @JsonProperty("top_p") Double topP, @JsonProperty("top_k") Integer topK,
                                 @JsonProperty("prompts_per_step") Integer promptsPerStep,
                                 repo.trainer.algo.RewardShaping.Overlong overlong,
                                 @JsonProperty("overlong_penalty") Double overlongPenalty,
                                 Double epochs, @JsonProperty("eval_every") Integer evalEvery) {
        public RolloutSection {
            maxNewTokens = positive("rollout.max_new_tokens", maxNewTokens, 512);
            temperature = temperature == null ? 1.0 : temperature;
            topP = topP == null ? 1.0 : topP;
            topK = topK == null ? 0 : topK;
            promptsPerStep = positive("rollout.prompts_per_step", promptsPerStep, 8);
            if (!(temperature > 0) || !(topP > 0 && topP <= 1) || topK < 0) {
                throw new IllegalArgumentException("rollout: temperature must be > 0, top_p in (0, 1], top_k >= 0; got "
                        + temperature + ", " + topP + ", " + topK);
            }
            overlong = overlong == null ? repo.trainer.algo.RewardShaping.Overlong.AS_IS : overlong;
            overlongPenalty = overlongPenalty == null ? -1.0 : overlongPenalty;
            if (!Double.isFinite(overlongPenalty)) {
                throw new IllegalArgumentException("rollout.overlong_penalty must be a finite number, got " + overlongPenalty);
            }
            if (epochs != null && !(epochs > 0 && Double.isFinite(epochs))) {
                throw new IllegalArgumentException("rollout.epochs must be > 0 (passes over the prompt set), got " + epochs);
            }
            evalEvery = evalEvery == null ? 0 : evalEvery;
            if (evalEvery < 0) {
                throw new IllegalArgumentException("rollout.eval_every must be >= 0 (0 = off), got " + evalEvery);
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
     * whitened advantages, no KL penalty (KL to the base is still measured), k3 estimator.
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
        public PpoSection {
            epochs = positive("ppo.epochs", epochs, 2);
            minibatchSize = positive("ppo.minibatch_size", minibatchSize, 4);
            clipEps = clipEps == null ? 0.2 : clipEps;
            valueClip = valueClip == null ? 0.2 : valueClip;
            gamma = gamma == null ? 1.0 : gamma;
            lambda = lambda == null ? 0.95 : lambda;
            vfCoef = vfCoef == null ? 0.5 : vfCoef;
            entropyCoef = entropyCoef == null ? 0.0 : entropyCoef;
            whitenAdvantages = whitenAdvantages == null || whitenAdvantages;
            klCoef = klCoef == null ? 0.0 : klCoef;
            klMode = klMode == null ? KlMode.NONE : klMode;
            klEstimator = klEstimator == null ? repo.trainer.algo.Kl.Estimator.K3 : klEstimator;
            criticInit = criticInit == null ? CriticInit.RANDOM : criticInit;
            if (!(clipEps > 0 && clipEps < 1) || !(valueClip > 0)) {
                throw new IllegalArgumentException("ppo.clip_eps must be in (0, 1) and ppo.value_clip > 0; got " + clipEps + ", " + valueClip);
            }
            if (!(gamma > 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
                throw new IllegalArgumentException("ppo.gamma must be in (0, 1] and ppo.lambda in [0, 1]; got " + gamma + ", " + lambda);
            }
            if (klMode != KlMode.NONE && !(klCoef > 0)) {
                throw new IllegalArgumentException("ppo.kl_mode " + klMode + " needs ppo.kl_coef > 0");
            }
            clipEpsHigh = clipEpsHigh == null ? clipEps : clipEpsHigh;
            try {
                new repo.trainer.algo.PolicyLoss.Clip(clipEps, clipEpsHigh, dualClip);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ppo.clip_eps_high / ppo.dual_clip: " + e.getMessage(), e);
            }
            klHorizon = klHorizon == null ? 10000.0 : klHorizon;
            criticWarmupSteps = criticWarmupSteps == null ? 0 : criticWarmupSteps;
            if (klTarget != null && (!(klTarget > 0) || klMode == KlMode.NONE)) {
                throw new IllegalArgumentException("ppo.kl_target " + klTarget + " needs a value > 0 and ppo.kl_mode reward or loss"
                        + " (the adaptive controller steers kl_coef)");
            }
            if (!(klHorizon > 0) || targetKl != null && !(targetKl > 0) || criticLr != null && !(criticLr > 0)
                    || criticWarmupSteps < 0 || rewardClip != null && !(rewardClip > 0)) {
                throw new IllegalArgumentException("ppo: kl_horizon, target_kl, critic_lr and reward_clip must be > 0 and"
                        + " critic_warmup_steps >= 0; got " + klHorizon + ", " + targetKl + ", " + criticLr + ", " + rewardClip
                        + ", " + criticWarmupSteps);
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
            groupSize = positive("grpo.group_size", groupSize, 8);
            if (groupSize < 2) {
                throw new IllegalArgumentException("grpo.group_size must be at least 2 (a group baseline needs two samples)");
            }
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
     * @param rmBatchSize replies per RM forward
     * @param rmCentre what the RM source does with its raw score: none, mean (score − the RM's mean score on its
     *     training data, from score_stats.json beside rm_head) or standardize (also divided by that std)
     * @param traces write every scored rollout as a reward-trace line to {@code output/traces.jsonl}
     * @param maxSourceFailures the largest fraction of a step's completions a reward source may fail on (default 0.2);
     *     above it the run stops, naming the source, its first error and the last checkpoint
     */
    public record RewardsSection(Path pipeline, @JsonProperty("rm_adapter") Path rmAdapter, @JsonProperty("rm_head") Path rmHead,
                                 Path judge, @JsonProperty("rm_batch_size") Integer rmBatchSize, Boolean traces,
                                 @JsonProperty("max_source_failures") Double maxSourceFailures,
                                 @JsonProperty("rm_centre") repo.rewards.rm.ScoreStats.Centring rmCentre) {
        public RewardsSection {
            rmBatchSize = positive("rewards.rm_batch_size", rmBatchSize, 8);
            rmCentre = rmCentre == null ? repo.rewards.rm.ScoreStats.Centring.NONE : rmCentre;
            traces = traces == null || traces;
            maxSourceFailures = maxSourceFailures == null ? 0.2 : maxSourceFailures;
            if (!(maxSourceFailures >= 0 && maxSourceFailures <= 1)) {
                throw new IllegalArgumentException("rewards.max_source_failures must be in [0, 1], got " + maxSourceFailures);
            }
        }
    }

    static int positive(String key, Integer v, int dflt) {
        int x = v == null ? dflt : v;
        if (x <= 0) {
            throw new IllegalArgumentException(key + " must be a positive integer, got " + x);
        }
        return x;
    }

    // ---- YAML ----------------------------------------------------------------------------------

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Reads and validates a YAML run configuration. */
    public static TrainConfig load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; {@code origin} names it in errors. */
    public static TrainConfig parse(String yaml, String origin) {
        try {
            return YAML.readValue(yaml, TrainConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(origin + ": unknown key \"" + path(e) + "\"; known keys here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")), e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException(origin + ": " + cause.getMessage(), e);
        } catch (MismatchedInputException e) {
            throw new IllegalArgumentException(origin + ": key \"" + path(e) + "\" has the wrong type: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(origin + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** The configuration as JSON, stored in every checkpoint. */
    public JsonNode toJson() {
        com.fasterxml.jackson.databind.module.SimpleModule paths = new com.fasterxml.jackson.databind.module.SimpleModule()
                .addSerializer(Path.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer()); // as written, not file:// URIs
        return new ObjectMapper().registerModule(paths).valueToTree(this);
    }
}
