package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;

/**
 * No byte of an API key reaches any output. {@code repo score} runs in a child JVM (so its real stdout, stderr and
 * log handlers are captured) against a fake endpoint that echoes the key back in every way it can: raw near the
 * 200-character cut, JSON-escaped, unicode-escaped, URL-encoded, cut to a prefix or a suffix, in headers and inside
 * answers. {@code repo serve} runs with its own key while clients send it in headers, paths and bodies. Afterwards
 * stdout, stderr and every file the runs wrote (traces, cache) are searched for every 8-character substring of the key.
 */
@Timeout(300)
class SecretLeakTest {
    static final Path SAMPLES = Path.of("..", "data", "samples", "replies.jsonl").toAbsolutePath();
    @TempDir Path tmp;

    static String recognisableKey() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder("sk-LEAK/");
        for (int i = 0; i < 32; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.append("/x+y").toString();
    }

    /** Every 8-character run of the key found in the text, or an empty list. */
    static List<String> leaks(String text, String key) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 8 <= key.length(); i++) {
            String piece = key.substring(i, i + 8);
            if (text.contains(piece)) {
                out.add(piece);
            }
        }
        return out;
    }

    /** The echo forms, one per request in turn. */
    static String echo(String key, int i) {
        String json = key.replace("/", "\\/");
        String unicode = key.chars().mapToObj(c -> String.format("\\u%04x", c)).reduce("", String::concat);
        String url = URLEncoder.encode(key, StandardCharsets.UTF_8);
        return switch (i % 7) {
            case 0 -> "e".repeat(190) + key; // across the snippet cut
            case 1 -> "{\"error\": {\"message\": \"Incorrect API key: " + json + "\"}}";
            case 2 -> "{\"error\": \"" + unicode + "\"}";
            case 3 -> "bad key " + url;
            case 4 -> "key prefix " + key.substring(0, 12) + "...";
            case 5 -> "key suffix ..." + key.substring(key.length() - 12);
            default -> "Bearer " + key;
        };
    }

    static final class EchoServer implements AutoCloseable {
        final HttpServer http;
        final AtomicInteger requests = new AtomicInteger();
        final List<String> authorizations = new CopyOnWriteArrayList<>();

        EchoServer(String key) throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/v1/chat/completions", ex -> {
                int i = requests.getAndIncrement();
                authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                ex.getRequestBody().readAllBytes();
                String e = echo(key, i);
                ex.getResponseHeaders().add("X-Echo", key);
                int kind = (i / 7) % 4;
                if (kind == 0) {
                    send(ex, 401, e);
                } else if (kind == 1) {
                    send(ex, 500, e);
                } else if (kind == 2) {
                    ex.getResponseHeaders().add("Retry-After", "0");
                    send(ex, 429, e);
                } else { // a 200 whose answer holds the key: parse failure quoting it, or a cache entry
                    String content = "{\"items\": [], \"note\": \"" + e.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
                    send(ex, 200, "{\"choices\": [{\"message\": {\"content\": " + quote(content) + "}}]}");
                }
            });
            http.start();
        }

        static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }

        static void send(HttpExchange ex, int status, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        }

        String baseUrl() {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    record Run(int code, String out, String err) {
    }

    static ProcessBuilder javaMain(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "repo.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("REPO_DEBUG");
        return pb;
    }

    static Run run(ProcessBuilder pb, Path dir) throws Exception {
        Path out = dir.resolve("stdout.txt"), err = dir.resolve("stderr.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Every file under {@code dir} (but the key file) as text, for the search. */
    static String everything(Path dir, Path except) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).filter(f -> !f.equals(except))::iterator) {
                sb.append("\n==== ").append(f).append('\n')
                        .append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    @Test
    void scoreNeverWritesAnyPartOfTheJudgeKey() throws Exception {
        String key = recognisableKey();
        Path keyFile = tmp.resolve("judge.key");
        Files.writeString(keyFile, key + "\n");
        try (EchoServer s = new EchoServer(key)) {
            for (String source : new String[] {"env", "file"}) {
                Path dir = Files.createDirectories(tmp.resolve("run-" + source));
                Files.writeString(dir.resolve("judge.yaml"), "backend: openai\nopenai:\n  base_url: " + s.baseUrl()
                        + "\n  model: judge-m\n" + (source.equals("env") ? "  api_key_env: REPO_LEAK_KEY\n" : "  api_key_file: " + keyFile + "\n")
                        + "  max_retries: 2\n  initial_backoff_ms: 1\n  max_backoff_ms: 5\n  timeout_ms: 5000\n  concurrency: 2\n"
                        + "  cache: true\n  cache_file: cache.jsonl\n");
                Files.writeString(dir.resolve("pipeline.yaml"), "sources: {rm: false, judge: true, rules: true}\n");
                ProcessBuilder pb = javaMain(dir, "score", "--config", "pipeline.yaml", "--judge", "judge.yaml", "--input",
                        SAMPLES.toString(), "--out", "traces.jsonl");
                if (source.equals("env")) {
                    pb.environment().put("REPO_LEAK_KEY", key);
                }
                Run r = run(pb, dir);
                assertThat(r.code()).as(r.err()).isEqualTo(ScoreCommand.EXIT_SOURCE_FAILURES); // every judge call failed
                assertThat(r.err()).contains("source judge failed for 13 of 13 items").contains("[REDACTED]");
                String all = r.out() + r.err() + everything(dir, keyFile);
                assertThat(all).contains("traces.jsonl").contains("[REDACTED]");
                assertThat(leaks(all, key)).as("8-character pieces of the key in the outputs of the %s run", source).isEmpty();
            }
            assertThat(s.requests.get()).isGreaterThanOrEqualTo(28); // every echo form (7) with every status (4) was sent
            assertThat(s.authorizations).allMatch(a -> a.equals("Bearer " + key));
        }
    }

    @Test
    void serveNeverLogsItsOwnKey() throws Exception {
        String key = recognisableKey();
        Path model = tmp.resolve("tiny");
        ModelInit.writeRandomCheckpoint(model, Qwen3Config.Preset.TINY.config(), 5, 0.02, false, SafetensorsWriter.Storage.F32);
        Path dir = Files.createDirectories(tmp.resolve("serve"));
        ProcessBuilder pb = javaMain(dir, "serve", "--model", model.toString(), "--port", "0", "--api-key-env", "REPO_SERVE_KEY");
        pb.environment().put("REPO_SERVE_KEY", key);
        Path out = dir.resolve("stdout.txt"), err = dir.resolve("stderr.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            String url = null;
            Pattern listening = Pattern.compile("listening on (http://\\S+/v1)");
            for (int i = 0; i < 1200 && url == null && p.isAlive(); i++) {
                Matcher m = listening.matcher(Files.readString(out));
                url = m.find() ? m.group(1) : null;
                Thread.sleep(50);
            }
            assertThat(url).as(Files.readString(err)).isNotNull();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + key + "\"}], \"max_tokens\": 2}";
            String wrongModel = "{\"model\": \"" + key + "\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}";
            int ok = 0, unauthorized = 0;
            for (String auth : new String[] {"Bearer " + key, "Bearer " + key.substring(0, key.length() - 1), key}) {
                for (String b : new String[] {body, wrongModel}) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/chat/completions"))
                            .timeout(Duration.ofSeconds(60)).header("Authorization", auth)
                            .POST(HttpRequest.BodyPublishers.ofString(b)).build(), HttpResponse.BodyHandlers.ofString());
                    ok += r.statusCode() == 200 ? 1 : 0;
                    unauthorized += r.statusCode() == 401 ? 1 : 0;
                }
            }
            assertThat(ok).isEqualTo(1);
            assertThat(unauthorized).isEqualTo(4);
            // the key in the path, raw and encoded
            for (String path : new String[] {"/v1/" + URLEncoder.encode(key, StandardCharsets.UTF_8), "/v1/x?key=" + key.replace("/", "%2F")}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url.replace("/v1", "") + path))
                        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(404);
            }
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook closes the server
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        String all = Files.readString(out) + Files.readString(err) + everything(dir, null);
        assertThat(all).contains("listening on").contains("API key from $REPO_SERVE_KEY").contains(" 401 ").contains(" 404 ");
        assertThat(leaks(all, key)).as("8-character pieces of the key in serve's output").isEmpty();
    }
}
