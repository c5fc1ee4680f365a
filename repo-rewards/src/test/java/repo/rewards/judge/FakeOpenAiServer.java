package repo.rewards.judge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted OpenAI-compatible endpoint on 127.0.0.1 (port 0) for judge tests: each request is answered by
 * {@link Script#answer} with its 0-based index, and the server counts requests and the most in flight at once.
 */
final class FakeOpenAiServer implements AutoCloseable {
    @FunctionalInterface
    interface Script {
        void answer(HttpExchange ex, int index) throws Exception;
    }

    private static final ThreadLocal<String> BODY = new ThreadLocal<>();

    /** The body of the request the calling script is answering. */
    static String body() {
        return BODY.get();
    }

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    FakeOpenAiServer(Script script) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            int i = requests.getAndIncrement();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                bodies.add(body);
                BODY.set(body); // exchange attributes are shared per context on JDK 17
                script.answer(ex, i);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the script closes or abandons the exchange on purpose in some scenarios
            } finally {
                inFlight.decrementAndGet();
                ex.close();
            }
        });
        server.setExecutor(pool);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        pool.shutdownNow(); // interrupts scripts that sleep past the client timeout
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    // ---- answers ---------------------------------------------------------------------------------------------

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    /** A chat completion whose message content is {@code content}. */
    static String completion(String content) {
        var om = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = om.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "judge-m");
        root.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant").put("content", content);
        root.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 20).put("total_tokens", 120);
        return root.toString();
    }

    static void ok(HttpExchange ex, String content) throws IOException {
        send(ex, 200, completion(content));
    }
}
