package repo.rewards.judge.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/1.1 of {@code repo serve}: one request per connection ({@code Connection: close}), read under deadlines so
 * a slow or silent client (slowloris) holds one connection thread for at most the header timeout, never the server.
 *
 * <p>Limits: the request line and headers must arrive within {@code headerTimeout} and fit in
 * {@link #MAX_HEADER_BYTES} (else 408 / 431); a body must declare its {@code Content-Length}, which is checked against
 * the body limit before a byte of it is read (413; chunked bodies get 411), and arrive within {@code bodyTimeout}.
 */
final class HttpWire {
    /** Request line plus headers. */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_HEADERS = 100;

    private HttpWire() {
    }

    /**
     * One parsed request.
     *
     * @param target the request target as sent (escape it before logging: {@link #forLog})
     * @param path the target up to {@code ?}, not percent-decoded
     * @param headers lower-cased names
     */
    record Request(String method, String target, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** The read deadlines and the body size limit. */
    record Limits(long headerTimeoutMs, long bodyTimeoutMs, int maxBodyBytes) {
    }

    /**
     * Reads one request from {@code socket}.
     *
     * @throws ApiError 400, 408, 411, 413 or 431 for a request that cannot be taken; nothing of its body has been read
     *     beyond what the limit allowed
     * @throws IOException when the client goes away
     */
    static Request read(Socket socket, Limits limits) throws IOException {
        DeadlineInput in = new DeadlineInput(socket, System.nanoTime() + limits.headerTimeoutMs() * 1_000_000L);
        int[] budget = {MAX_HEADER_BYTES};
        String line = readLine(in, budget);
        while (line.isEmpty()) { // RFC 9112 2.2: ignore empty lines before the request line
            line = readLine(in, budget);
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
            throw new ApiError(400, "invalid_request_error", "bad_request", "malformed request line");
        }
        Map<String, String> headers = new HashMap<>();
        for (String h = readLine(in, budget); !h.isEmpty(); h = readLine(in, budget)) {
            int colon = h.indexOf(':');
            if (colon <= 0 || headers.size() >= MAX_HEADERS) {
                throw new ApiError(colon <= 0 ? 400 : 431, "invalid_request_error", "bad_request",
                        colon <= 0 ? "malformed header line" : "more than " + MAX_HEADERS + " headers");
            }
            headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(), (a, b) -> a + "," + b);
        }
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        byte[] body = readBody(socket, in, headers, limits);
        return new Request(parts[0], target, path, Map.copyOf(headers), body);
    }

    private static byte[] readBody(Socket socket, DeadlineInput in, Map<String, String> headers, Limits limits) throws IOException {
        String te = headers.get("transfer-encoding");
        if (te != null && !te.equalsIgnoreCase("identity")) {
            throw new ApiError(411, "invalid_request_error", "length_required",
                    "send the body with a Content-Length header (Transfer-Encoding " + forLog(te) + " is not supported)");
        }
        String cl = headers.get("content-length");
        if (cl == null) {
            return new byte[0];
        }
        long length;
        try {
            length = Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0) {
            throw new ApiError(400, "invalid_request_error", "bad_request", "Content-Length is not a non-negative integer");
        }
        if (length > limits.maxBodyBytes()) {
            throw new ApiError(413, "invalid_request_error", "request_too_large", "the request body has " + length
                    + " bytes; this server takes at most " + limits.maxBodyBytes());
        }
        if ("100-continue".equalsIgnoreCase(headers.get("expect")) && length > 0) { // curl asks before large bodies
            socket.getOutputStream().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }
        in.deadline = System.nanoTime() + limits.bodyTimeoutMs() * 1_000_000L;
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new IOException("client closed the connection after " + body.length + " of " + length + " body bytes");
        }
        return body;
    }

    /** One CRLF- (or LF-) terminated line in ISO-8859-1, counted against the header budget. */
    private static String readLine(DeadlineInput in, int[] budget) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("client closed the connection inside the headers");
            }
            if (--budget[0] < 0) {
                throw new ApiError(431, "invalid_request_error", "headers_too_large",
                        "request line and headers exceed " + MAX_HEADER_BYTES + " bytes");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    /** Writes a complete response and flushes it. */
    static void write(Socket socket, int status, byte[] body, Map<String, String> extraHeaders) throws IOException {
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length)
                .append("\r\nConnection: close\r\n");
        extraHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /**
     * After an early answer (413, 431, ...): stops sending, then reads and discards what the client still sends, for
     * a short while, so that closing does not reset the connection before the client has read the answer.
     */
    static void drainAndClose(Socket socket, long maxBytes, long maxMillis) {
        try (socket) {
            socket.shutdownOutput();
            long end = System.nanoTime() + maxMillis * 1_000_000L;
            byte[] buf = new byte[64 * 1024];
            InputStream in = socket.getInputStream();
            for (long total = 0; total < maxBytes; ) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            // the client is gone: nothing left to do
        }
    }

    /**
     * Whether the client has closed its side while its request is being worked on: a non-blocking look at the
     * socket (bytes sent after the request are discarded; one request per connection).
     */
    static boolean clientGone(Socket socket) {
        try {
            socket.setSoTimeout(1);
            int b = socket.getInputStream().read();
            return b < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Text from a client made safe for one log line: control characters, quotes, backslashes and non-ASCII escaped. */
    static String forLog(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 256) + 16);
        int n = Math.min(s.length(), 256);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                sb.append(String.format("\\u%04x", (int) c));
            } else if (c < 0x20 || c >= 0x7f || c == '\\' || c == '"') {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return s.length() > n ? sb.append("...").toString() : sb.toString();
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    /** The socket's input with a deadline: every read waits at most until the deadline, then fails with a 408. */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        long deadline;

        DeadlineInput(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
            this.deadline = deadline;
        }

        private void arm() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw timeout();
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        }

        private static ApiError timeout() {
            return new ApiError(408, "invalid_request_error", "request_timeout", "the request did not arrive in time");
        }

        @Override
        public int read() throws IOException {
            arm();
            try {
                return in.read();
            } catch (SocketTimeoutException e) {
                throw timeout();
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            try {
                return in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                throw timeout();
            }
        }
    }
}
