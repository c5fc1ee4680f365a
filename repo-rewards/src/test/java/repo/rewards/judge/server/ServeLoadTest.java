package repo.rewards.judge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;

/**
 * Load on 127.0.0.1: 64 concurrent clients send 1,000 chat requests while 16 slowloris connections trickle header
 * bytes (reconnecting whenever the server drops them). Every well-formed request must be answered 200, /health
 * must answer throughout, and resident memory after GC must stay flat between the warm-up and the end.
 */
@Tag("long")
@Timeout(900)
class ServeLoadTest {
    @TempDir Path tmp;

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static long settle() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return rssBytes();
    }

    static void send(HttpClient http, OpenAiServer s, int n, Map<Integer, AtomicInteger> statuses, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"您好，今晚还有大床房吗？\"}], \"max_tokens\": 2, \"seed\": 1}";
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread c = new Thread(() -> {
                while (next.getAndIncrement() < n) {
                    int status;
                    try {
                        status = http.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/chat/completions"))
                                .timeout(Duration.ofSeconds(300)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        status = -1;
                    }
                    statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                }
            });
            clients.add(c);
            c.start();
        }
        for (Thread c : clients) {
            c.join();
        }
    }

    @Test
    void sixtyFourClientsAndSixteenSlowlorisConnections() throws Exception {
        Path dir = tmp.resolve("tiny");
        ModelInit.writeRandomCheckpoint(dir, Qwen3Config.Preset.TINY.config(), 7, 0.02, false, SafetensorsWriter.Storage.F32);
        OpenAiServer.Options o = OpenAiServer.Options.defaults(0, "tiny").withLimits(64, 256, Duration.ofSeconds(3), Duration.ofSeconds(10));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger dropped = new AtomicInteger();
        try (Qwen3Model model = Qwen3Model.load(dir, ModelOptions.cpu()); QwenTokenizer tok = QwenTokenizer.fromDirectory(dir);
             OpenAiServer s = OpenAiServer.start(model.base(), tok, o)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<Integer, AtomicInteger> warm = new ConcurrentHashMap<>();
            send(http, s, 200, warm, 16);
            assertThat(warm.keySet()).containsExactly(200);
            long rss0 = settle();
            long heap0 = usedHeap();

            List<Thread> lorises = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
                            OutputStream out = c.getOutputStream();
                            out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                            while (!stop.get()) {
                                out.write("X-a: b\r\n".getBytes(StandardCharsets.US_ASCII));
                                out.flush();
                                Thread.sleep(500);
                                if (c.getInputStream().available() > 0) {
                                    break; // answered 408: reconnect
                                }
                            }
                        } catch (IOException e) {
                            dropped.incrementAndGet(); // the server closed it after its header timeout
                        } catch (InterruptedException e) {
                            return;
                        }
                        dropped.incrementAndGet();
                    }
                });
                t.setDaemon(true);
                lorises.add(t);
                t.start();
            }
            Thread.sleep(500);
            AtomicInteger healthy = new AtomicInteger();
            Thread health = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/health"))
                                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            healthy.incrementAndGet();
                        }
                        Thread.sleep(250);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            health.start();
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            long t0 = System.nanoTime();
            send(http, s, 1000, statuses, 64);
            double seconds = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            health.join(10_000);
            for (Thread t : lorises) {
                t.join(10_000);
            }
            long rss1 = settle();
            long heap1 = usedHeap();
            System.out.printf("serve load: 1000 requests from 64 clients in %.1f s with 16 slowloris connections "
                    + "(dropped and reopened %d times); statuses %s; /health answered %d times; RSS %d -> %d MiB, heap %d -> %d MiB%n",
                    seconds, dropped.get(), statuses, healthy.get(), rss0 >> 20, rss1 >> 20, heap0 >> 20, heap1 >> 20);
            assertThat(statuses.keySet()).containsExactly(200);
            assertThat(statuses.get(200).get()).isEqualTo(1000);
            assertThat(healthy.get()).isGreaterThan(0);
            assertThat(dropped.get()).isGreaterThanOrEqualTo(16); // the slow connections really were held and dropped
            assertThat(rss1 - rss0).as("RSS growth after GC").isLessThan(Math.max(128L << 20, rss0 / 5));
            assertThat(heap1 - heap0).as("heap growth after GC").isLessThan(64L << 20);
        }
    }

    static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
