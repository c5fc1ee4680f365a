package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;

/** {@code repo serve} end to end: flags, the printed URL, a request over 127.0.0.1, and a clean stop. */
@Timeout(120)
class ServeCommandTest {
    @TempDir static Path tmp;
    static Path model;

    @BeforeAll
    static void tinyModel() throws Exception {
        model = tmp.resolve("tiny-policy");
        ModelInit.writeRandomCheckpoint(model, Qwen3Config.Preset.TINY.config(), 5, 0.02, false, SafetensorsWriter.Storage.F32);
    }

    static CommandLine cli(StringWriter out, StringWriter err) {
        return Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    @Test
    void aMissingAdapterFolderFailsInOneLine() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = cli(out, err).execute("serve", "--model", model.toString(), "--adapter", tmp.resolve("lora").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("repo serve: ").contains("lora");
        assertThat(err.toString().lines().count()).isEqualTo(1);
    }

    @Test
    void helpListsTheFlags() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertThat(cli(out, err).execute("serve", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: repo serve").contains("--model").contains("--adapter").contains("--host")
                .contains("--port").contains("--device").contains("default: 127.0.0.1").contains("default: 8000");
    }

    @Test
    void servesUntilInterrupted() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread serve = new Thread(() -> code.set(cli(out, err).execute("serve", "--model", model.toString(), "--port", "0")));
        serve.start();
        Pattern url = Pattern.compile("model 'tiny-policy' listening on (http://127\\.0\\.0\\.1:\\d+/v1)");
        String found = null;
        for (int i = 0; i < 600 && found == null && serve.isAlive(); i++) { // at most 60 s
            Matcher m = url.matcher(out.toString());
            if (m.find()) {
                found = m.group(1);
            } else {
                Thread.sleep(100);
            }
        }
        assertThat(found).as("printed URL; stdout: %s, stderr: %s", out, err).isNotNull();
        URI base = URI.create(found);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/chat/completions")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"tiny-policy\", \"messages\": [{\"role\": \"user\", "
                        + "\"content\": \"您好\"}], \"max_tokens\": 4, \"temperature\": 0}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode b = new ObjectMapper().readTree(r.body());
        assertThat(b.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(b.at("/usage/completion_tokens").asInt()).isBetween(1, 4);
        serve.interrupt();
        serve.join(30_000);
        assertThat(serve.isAlive()).isFalse();
        assertThat(code.get()).as(err.toString()).isZero();
    }
}
