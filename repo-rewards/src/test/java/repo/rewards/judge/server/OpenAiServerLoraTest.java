package repo.rewards.judge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static repo.rewards.judge.server.OpenAiServerHardeningTest.assertBadParam;
import static repo.rewards.judge.server.OpenAiServerHardeningTest.get;
import static repo.rewards.judge.server.OpenAiServerHardeningTest.post;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.io.PeftAdapters;
import repo.core.io.SafetensorsWriter;
import repo.core.model.LoraConfig;
import repo.core.model.ModelInit;
import repo.core.model.ModelOptions;
import repo.core.model.NoGrad;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;
import repo.rewards.judge.server.OpenAiServerHardeningTest.Reply;

/**
 * {@code /v1/completions} with token-id prompts and ids/log-probs back, and vLLM's runtime LoRA endpoints on a tiny
 * random model over 127.0.0.1: a loaded adapter changes the greedy reply to exactly what the in-process generator
 * gives with that adapter, bad folders are 400s naming the problem, and the endpoints are off without the option.
 */
@Timeout(180)
class OpenAiServerLoraTest {
    @TempDir static Path tmp;
    static Path base;
    static Qwen3Model model, author; // served; and a second copy that writes adapters
    static QwenTokenizer tokenizer;
    static final long[] PROMPT = {9707, 11, 1879, 0, 33975};

    @BeforeAll
    static void load() throws Exception {
        base = tmp.resolve("tiny");
        ModelInit.writeRandomCheckpoint(base, Qwen3Config.Preset.TINY.config(), 5, 0.3, false, SafetensorsWriter.Storage.F32);
        model = Qwen3Model.load(base, ModelOptions.cpu());
        author = Qwen3Model.load(base, ModelOptions.cpu());
        tokenizer = QwenTokenizer.fromDirectory(base);
        author.addAdapter("a", new LoraConfig(4, 8, 0, LoraConfig.ALL_LINEAR, false), 3);
        randomizeB(author, "a", 1.0f);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
        author.close();
    }

    /** Sets every lora_B of {@code adapter} to N(0, scale²), so the adapter moves the logits (B starts at 0). */
    static void randomizeB(Qwen3Model m, String adapter, float scale) {
        SplittableRandom rnd = new SplittableRandom(17);
        m.adapterModules(adapter).values().forEach(a -> {
            float[] v = new float[(int) a.b().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextGaussian() * scale;
            }
            NoGrad.copy(a.b(), a.b().getManager().create(v, a.b().getShape()));
        });
    }

    static Path saved(String name) throws Exception {
        Path dir = tmp.resolve(name);
        PeftAdapters.save(author, "a", dir, base.toString());
        return dir;
    }

    static String completion(String model) {
        return "{\"model\": \"" + model + "\", \"prompt\": " + Arrays.toString(PROMPT) + ", \"max_tokens\": 6, \"temperature\": 0,"
                + " \"logprobs\": 0, \"return_tokens_as_token_ids\": true, \"return_token_ids\": true}";
    }

    static long[] ids(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }

    static String load(String name, Path dir) {
        return "{\"lora_name\": \"" + name + "\", \"lora_path\": \"" + dir.toString().replace("\\", "\\\\") + "\"}";
    }

    @Test
    void aLoadedAdapterServesExactlyWhatTheInProcessGeneratorGivesWithIt() throws Exception {
        OpenAiServer.Options o = OpenAiServer.Options.defaults(0, "tiny").withLoraLoading(true);
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, o)) {
            Reply before = post(s, "/v1/completions", completion("tiny"), null);
            assertThat(before.status()).as(before.body().toString()).isEqualTo(200);
            JsonNode c = before.body().at("/choices/0");
            long[] baseIds = ids(c.get("token_ids"));
            assertThat(ids(c.get("prompt_token_ids"))).containsExactly(PROMPT);
            assertThat(baseIds).containsExactly(new Generator(author.base(), tokenizer)
                    .generate(List.of(PROMPT), SamplingParams.greedy(6)).get(0).ids());
            assertThat(c.at("/logprobs/tokens/0").asText()).isEqualTo("token_id:" + baseIds[0]);
            assertThat(c.at("/logprobs/token_logprobs").size()).isEqualTo(baseIds.length);

            Reply loaded = post(s, "/v1/load_lora_adapter", load("policy-1", saved("policy-1")), null);
            assertThat(loaded.status()).as(loaded.body().toString()).isEqualTo(200);
            assertThat(get(s, "/v1/models").body().at("/data/1/id").asText()).isEqualTo("policy-1");
            Reply after = post(s, "/v1/completions", completion("policy-1"), null);
            assertThat(after.body().get("model").asText()).isEqualTo("policy-1");
            long[] adapted = ids(after.body().at("/choices/0/token_ids"));
            assertThat(adapted).isNotEqualTo(baseIds).containsExactly(new Generator(author.with("a"), tokenizer)
                    .generate(List.of(PROMPT), SamplingParams.greedy(6)).get(0).ids());
            assertThat(ids(post(s, "/v1/completions", completion("tiny"), null).body().at("/choices/0/token_ids")))
                    .as("the base still serves the base").containsExactly(baseIds);

            assertBadParam(post(s, "/v1/load_lora_adapter", load("policy-1", saved("again")), null), 400, "lora_name",
                    "has already been loaded");
            assertThat(post(s, "/v1/unload_lora_adapter", "{\"lora_name\": \"policy-1\"}", null).status()).isEqualTo(200);
            assertThat(post(s, "/v1/completions", completion("policy-1"), null).status()).isEqualTo(404);
            assertThat(post(s, "/v1/unload_lora_adapter", "{\"lora_name\": \"policy-1\"}", null).status()).isEqualTo(404);
            assertThat(model.adapterNames()).isEmpty();
        }
    }

    @Test
    void foldersTheModelCannotTakeAre400sNamingTheProblem() throws Exception {
        OpenAiServer.Options o = OpenAiServer.Options.defaults(0, "tiny").withLoraLoading(true);
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, o)) {
            assertBadParam(post(s, "/v1/load_lora_adapter", load("x", tmp.resolve("nowhere")), null), 400, "lora_path",
                    "is not a folder on the server");
            assertBadParam(post(s, "/v1/load_lora_adapter", "{\"lora_name\": \"x\"}", null), 400, "lora_path", "PEFT adapter folder");
            assertBadParam(post(s, "/v1/load_lora_adapter", load("bad name!", tmp), null), 400, "lora_name", "letters, digits");

            Path shapes = saved("shapes"); // the config says r 8, the tensors have r 4
            Path cfg = shapes.resolve(PeftAdapters.CONFIG);
            Files.writeString(cfg, Files.readString(cfg).replace("\"r\": 4", "\"r\": 8"));
            assertBadParam(post(s, "/v1/load_lora_adapter", load("x", shapes), null), 400, "lora_path", "expected [8,");

            Path nan = saved("nan"); // the writer refuses NaN, so the last F32 value of the data section is overwritten
            byte[] bytes = Files.readAllBytes(nan.resolve(PeftAdapters.WEIGHTS));
            System.arraycopy(new byte[] {0, 0, (byte) 0xc0, 0x7f}, 0, bytes, bytes.length - 4, 4);
            Files.write(nan.resolve(PeftAdapters.WEIGHTS), bytes);
            assertBadParam(post(s, "/v1/load_lora_adapter", load("x", nan), null), 400, "lora_path", "non-finite");
            Path empty = Files.createDirectories(tmp.resolve("empty"));
            assertBadParam(post(s, "/v1/load_lora_adapter", load("x", empty), null), 400, "lora_path", PeftAdapters.CONFIG);
            assertThat(model.adapterNames()).as("nothing half-loaded").isEmpty();
            assertThat(get(s, "/v1/models").body().at("/data").size()).isEqualTo(1);
        }
    }

    @Test
    void theLoraEndpointsAreOffByDefaultAndNeedTheKey() throws Exception {
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, OpenAiServer.Options.defaults(0, "tiny"))) {
            Reply r = post(s, "/v1/load_lora_adapter", load("x", saved("off")), null);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body().at("/error/message").asText()).contains("--allow-lora-loading");
        }
        String key = "sk-lora-test-0123456789";
        OpenAiServer.Options o = OpenAiServer.Options.defaults(0, "tiny").withLoraLoading(true).withApiKey(key);
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, o)) {
            assertThat(post(s, "/v1/load_lora_adapter", load("x", saved("keyed")), null).status()).isEqualTo(401);
            assertThat(post(s, "/v1/load_lora_adapter", load("x", saved("keyed2")), "Bearer " + key).status()).isEqualTo(200);
            assertThat(post(s, "/v1/unload_lora_adapter", "{\"lora_name\": \"x\"}", "Bearer " + key).status()).isEqualTo(200);
        }
    }

    @Test
    void tokenIdPromptsAreCheckedAgainstTheVocabulary() throws Exception {
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, OpenAiServer.Options.defaults(0, "tiny"))) {
            assertBadParam(post(s, "/v1/completions", "{\"prompt\": [1, -2]}", null), 400, "prompt", "must be a token id");
            assertBadParam(post(s, "/v1/completions", "{\"prompt\": [1, 99999999]}", null), 400, "prompt", "must be a token id");
            assertBadParam(post(s, "/v1/completions", "{\"prompt\": [1], \"logprobs\": 3}", null), 400, "logprobs", "must be 0");
            Reply text = post(s, "/v1/completions", "{\"prompt\": [[9707, 11]], \"max_tokens\": 2, \"temperature\": 0}", null);
            assertThat(text.status()).as(text.body().toString()).isEqualTo(200);
            assertThat(text.body().at("/choices/0/logprobs").isNull()).isTrue();
            assertThat(text.body().at("/choices/0").has("token_ids")).isFalse();
        }
    }
}
