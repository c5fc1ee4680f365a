package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.SafetensorsFile;
import repo.core.text.ChatFormat;
import repo.core.text.Message;
import repo.core.text.QwenTokenizer;

/** Every command end to end through {@link Main#run}, with its exit code and output. */
class CliTest {
    @TempDir static Path tmp;
    static Path model;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().setOut(new java.io.PrintWriter(System.out, true))
                    .setErr(new java.io.PrintWriter(System.err, true)).execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeAll
    static void initModel() {
        model = tmp.resolve("tiny");
        Result r = run("init-model", "--preset", "tiny", "--seed", "3", "--out", model.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(model.resolve("config.json")).exists();
        assertThat(model.resolve("model.safetensors")).exists();
        assertThat(model.resolve("generation_config.json")).exists();
        assertThat(model.resolve("tokenizer.json")).exists();
        assertThat(model.resolve("tokenizer_config.json")).exists();
    }

    @Test
    void generateJsonIsReproducible() throws Exception {
        Result a = run("generate", "--model", model.toString(), "--prompt", "您好，标准间今晚多少钱？", "--max-new-tokens", "6",
                "--seed", "11", "--json");
        Result b = run("generate", "--model", model.toString(), "--prompt", "您好，标准间今晚多少钱？", "--max-new-tokens", "6",
                "--seed", "11", "--json");
        assertThat(a.code()).as(a.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(a.out());
        assertThat(json.get("ids").size()).isBetween(1, 6);
        assertThat(json.get("finish_reason").asText()).isIn("stop_token", "stop_string", "length");
        assertThat(json.has("text")).isTrue();
        assertThat(a.out()).isEqualTo(b.out());
    }

    @Test
    void logitsWritesOneTensorPerPosition() {
        Path out = tmp.resolve("logits.safetensors");
        Result r = run("logits", "--model", model.toString(), "--token-ids", "1,2,3,151644", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            assertThat(f.tensors().keySet()).containsExactly("logits");
            assertThat(f.tensors().get("logits").shape()).containsExactly(4, 151936);
        }
    }

    @Test
    void chatFormatWritesTheExactBytes() throws Exception {
        Path msgs = tmp.resolve("msgs.json");
        Files.writeString(msgs, "[{\"role\":\"system\",\"content\":\"你是携程的BD\"},{\"role\":\"user\",\"content\":\"价格 ¥1,299.50 可以吗？\"}]");
        Path out = tmp.resolve("chat.txt");
        Result r = run("chat-format", "--messages", msgs.toString(), "--add-generation-prompt", "--enable-thinking=false",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String expected = new ChatFormat().render(Message.readJson(msgs), true, false);
        assertThat(Files.readAllBytes(out)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
        assertThat(expected).endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void tokenizePrintsIds() throws Exception {
        Path in = tmp.resolve("text.txt");
        Files.writeString(in, "<|im_start|>user\nhi<|im_end|>");
        Result r = run("tokenize", "--model", model.toString(), "--input", in.toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (QwenTokenizer tok = QwenTokenizer.fromDirectory(model)) {
            long[] ids = tok.encode("<|im_start|>user\nhi<|im_end|>");
            assertThat(r.out().trim()).isEqualTo(new ObjectMapper().writeValueAsString(ids));
            assertThat(ids[0]).isEqualTo(151644L);
        }
    }

    @Test
    void usageErrorsExitWith2AndFailuresWith1() {
        assertThat(run().code()).isEqualTo(2);
        assertThat(run("generate", "--model", model.toString()).code()).isEqualTo(2); // neither --prompt nor --messages
        assertThat(run("no-such-command").code()).isEqualTo(2);
        Result missing = run("logits", "--model", tmp.resolve("nope").toString(), "--token-ids", "1", "--out",
                tmp.resolve("x.safetensors").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().lines().toList()).hasSize(1);
        assertThat(missing.err()).contains("nope");
        Result badId = run("logits", "--model", model.toString(), "--token-ids", "999999", "--out", tmp.resolve("y.safetensors").toString());
        assertThat(badId.code()).isEqualTo(1);
        assertThat(badId.err()).contains("999999").contains("vocabulary");
    }

    @Test
    void benchReportsRatiosToGemm() {
        Result r = run("bench", "--preset", "tiny", "--prompt-tokens", "8", "--decode-steps", "2", "--reps", "1", "--train-batch", "1",
                "--train-tokens", "8", "--kv-new-tokens", "4");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("GEMM GFLOP/s").contains("prefill 1x8").contains("decode 1x2").contains("lora step 1x8");
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : List.of("init-model", "generate", "logits", "chat-format", "tokenize", "train", "merge-adapter", "score",
                "serve", "bench", "data", "eval", "pipeline", "rewards-eval", "plan")) {
            Result r = run(cmd, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: repo " + cmd);
        }
    }
}
