package repo.rewards.judge;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One OpenAI-compatible API root ({@code http://host:port/v1}) over {@link HttpClient}: JSON POSTs with the bearer
 * key, one deadline over the whole exchange (headers and body), and every body quoted in a message passed through a
 * {@link Redactor} first. The judge ({@link OpenAiJudge}) and the trainer's remote rollout backend both talk through
 * it. Nothing the endpoint does wrong is thrown: a {@link Reply} carries the status or the failure.
 */
public final class OpenAiEndpoint {
    private static final int BODY_SNIPPET = 200;

    private final URI baseUrl;
    private final String apiKey; // never logged, never in a message
    private final Redactor redactor;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param baseUrl the API root including {@code /v1}, as OpenAI SDKs take it
     * @param apiKey sent as {@code Authorization: Bearer}; null for a keyless server
     * @param timeout the most one exchange may take, connect included
     */
    public OpenAiEndpoint(URI baseUrl, String apiKey, Duration timeout) {
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
        this.apiKey = apiKey;
        this.redactor = Redactor.of(apiKey);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /**
     * The outcome of one POST: a 2xx with its raw body ({@code failure} null), or the failure kind with a redacted
     * message (for an HTTP error, the status and a redacted snippet of the body).
     */
    public record Reply(int status, String body, FailureKind failure, String message, long retryAfterMillis) {
        public boolean ok() {
            return failure == null;
        }

        static Reply failed(FailureKind kind, int status, String message, long retryAfterMillis) {
            return new Reply(status, null, kind, message, retryAfterMillis);
        }
    }

    /** {@code path} under the API root, e.g. {@code completions}. */
    public URI resolve(String path) {
        return baseUrl.resolve(path);
    }

    public boolean hasKey() {
        return apiKey != null;
    }

    /** POSTs {@code jsonBody} to {@code path} under the API root; blocks at most the timeout. */
    public Reply post(String path, String jsonBody) {
        URI uri = resolve(path);
        CompletableFuture<HttpResponse<String>> pending = null;
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
            if (apiKey != null) {
                req.header("Authorization", "Bearer " + apiKey);
            }
            pending = http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            // the request timeout covers the headers only; this bounds the body too
            return classify(pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            pending.cancel(true);
            return Reply.failed(FailureKind.TIMEOUT, -1, "no complete response within " + timeout.toMillis() + " ms", -1);
        } catch (InterruptedException e) {
            if (pending != null) {
                pending.cancel(true);
            }
            Thread.currentThread().interrupt();
            return Reply.failed(FailureKind.INTERRUPTED, -1, "interrupted during the request", -1);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof HttpTimeoutException) {
                return Reply.failed(FailureKind.TIMEOUT, -1, "no response within " + timeout.toMillis() + " ms", -1);
            }
            String what = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
            return Reply.failed(FailureKind.IO, -1, redact(what + " (" + uri.getHost() + ":" + uri.getPort() + ")"), -1);
        }
    }

    private Reply classify(HttpResponse<String> resp) {
        int status = resp.statusCode();
        String body = resp.body() == null ? "" : resp.body();
        if (status == 429) {
            long after = retryAfterMillis(resp.headers().firstValue("Retry-After").orElse(null));
            return Reply.failed(FailureKind.RATE_LIMITED, status, "HTTP 429" + (after >= 0 ? " (Retry-After " + after + " ms)" : "")
                    + ": " + snippet(body), after);
        }
        if (status >= 500) {
            return Reply.failed(FailureKind.SERVER_ERROR, status, "HTTP " + status + ": " + snippet(body), -1);
        }
        if (status < 200 || status >= 300) {
            return Reply.failed(FailureKind.CLIENT_ERROR, status, "HTTP " + status + " (check base_url, model and the API key "
                    + "variable): " + snippet(body), -1);
        }
        return new Reply(status, body, null, null, -1);
    }

    /** A body as a message may quote it: redacted first (a cut key would survive in part), one line, at most 200 characters. */
    public String snippet(String body) {
        String flat = redact(body).replaceAll("\\s+", " ").strip();
        return flat.length() > BODY_SNIPPET ? flat.substring(0, BODY_SNIPPET) + "..." : flat;
    }

    /** Removes the API key, whole, in part or encoded (see {@link Redactor}), from any text that may leave the caller. */
    public String redact(String s) {
        return redactor.redact(s);
    }

    /** Exponential backoff with equal jitter, or the server's Retry-After; both capped at {@code cap}. */
    public static long backoffMillis(int retry, long retryAfterMillis, Duration initial, Duration cap) {
        long max = cap.toMillis();
        if (retryAfterMillis >= 0) {
            return Math.min(retryAfterMillis, max);
        }
        long d = Math.min(max, initial.toMillis() << Math.min(retry - 1, 30));
        return d / 2 + (d / 2 == 0 ? 0 : ThreadLocalRandom.current().nextLong(d / 2 + 1));
    }

    /** Retry-After as delay-seconds or an HTTP date; -1 when absent or unreadable. */
    public static long retryAfterMillis(String header) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String h = header.trim();
        try {
            return Math.max(0, (long) (Double.parseDouble(h) * 1000));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (RuntimeException e2) {
                return -1;
            }
        }
    }

    @Override
    public String toString() {
        return "OpenAiEndpoint[" + baseUrl + (apiKey == null ? ", no API key" : ", API key set") + "]";
    }
}
