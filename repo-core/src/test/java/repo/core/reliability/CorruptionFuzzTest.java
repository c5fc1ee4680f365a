package repo.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 generated corruptions of a checkpoint's {@code model.safetensors} and {@code config.json} and of an adapter's
 * {@code adapter_config.json} and {@code adapter_model.safetensors} (truncations, flipped bytes, header lengths and
 * header JSON rewritten field by field, absurd numbers, wrong types, nesting bombs, garbage), loaded in child JVMs of
 * 256 MiB heap, 250 per JVM. Zero crashes (every case gets a result and every child ends), every error is one line,
 * and no case runs out of memory.
 */
@Tag("long")
@Timeout(900)
class CorruptionFuzzTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path FIXTURES = Path.of(System.getProperty("repo.fixtures", "../src-test-fixtures"), "checkpoints");
    static final Path MODEL = FIXTURES.resolve("tiny-untied-gqa4"), LORA = FIXTURES.resolve("tiny-untied-gqa4-lora");
    static final int PER_CHILD = 250;
    @TempDir Path tmp;

    record Case(String kind, Path path, String what) {
    }

    // ---- corruptions of bytes ---------------------------------------------------------------------------------

    static byte[] corruptSafetensors(byte[] good, Random r, StringBuilder what) throws IOException {
        long headerLen = ByteBuffer.wrap(good, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        switch (r.nextInt(7)) {
            case 0 -> {
                int at = r.nextInt(good.length);
                what.append("truncated at ").append(at);
                return Arrays.copyOf(good, at);
            }
            case 1 -> {
                byte[] b = good.clone();
                int n = 1 + r.nextInt(16);
                for (int i = 0; i < n; i++) {
                    int at = r.nextInt((int) Math.min(b.length, 8 + headerLen + 64));
                    b[at] = (byte) r.nextInt(256);
                }
                what.append(n).append(" bytes of the header region flipped");
                return b;
            }
            case 2 -> {
                byte[] b = good.clone();
                long[] lens = {0, 1, 7, -1, Long.MAX_VALUE, Long.MIN_VALUE, headerLen + 1, headerLen - 1, good.length, 1L << 40,
                        100_000_001L};
                long v = lens[r.nextInt(lens.length)];
                ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
                what.append("header length ").append(v);
                return b;
            }
            case 3 -> {
                ObjectNode header = (ObjectNode) JSON.readTree(new String(good, 8, (int) headerLen, StandardCharsets.UTF_8));
                mutateHeader(header, r, what);
                byte[] h = JSON.writeValueAsBytes(header);
                ByteBuffer out = ByteBuffer.allocate(8 + h.length + good.length - 8 - (int) headerLen).order(ByteOrder.LITTLE_ENDIAN);
                out.putLong(h.length).put(h).put(good, 8 + (int) headerLen, good.length - 8 - (int) headerLen);
                return out.array();
            }
            case 4 -> {
                byte[] b = new byte[r.nextInt(4096)];
                r.nextBytes(b);
                what.append("random bytes");
                return b;
            }
            case 5 -> {
                String bomb = "[".repeat(50_000 + r.nextInt(50_000));
                byte[] h = bomb.getBytes(StandardCharsets.US_ASCII);
                what.append("nesting bomb header");
                return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
            }
            default -> {
                byte[] b = good.clone();
                for (int i = 0; i < 32; i++) { // data bytes: NaN/garbage in weights
                    b[(int) (8 + headerLen) + r.nextInt((int) (b.length - 8 - headerLen))] = (byte) r.nextInt(256);
                }
                what.append("32 data bytes changed");
                return b;
            }
        }
    }

    static void mutateHeader(ObjectNode header, Random r, StringBuilder what) {
        List<String> names = new ArrayList<>();
        header.fieldNames().forEachRemaining(n -> {
            if (!n.equals("__metadata__")) {
                names.add(n);
            }
        });
        String name = names.get(r.nextInt(names.size()));
        ObjectNode t = (ObjectNode) header.get(name);
        switch (r.nextInt(9)) {
            case 0 -> t.put("dtype", List.of("F64", "I8", "BOOL", "F8_E4M3", "Q4", "", "BF16", "F16", "I64").get(r.nextInt(9)));
            case 1 -> {
                ArrayNode s = t.putArray("shape");
                int dims = r.nextInt(5);
                for (int i = 0; i < dims; i++) {
                    long[] v = {-1, 0, 1, 3, 1L << 31, 1L << 40, Long.MAX_VALUE, 48, 1024};
                    s.add(v[r.nextInt(v.length)]);
                }
            }
            case 2 -> {
                ArrayNode o = t.putArray("data_offsets");
                long[] v = {-8, 0, 4, 1 << 20, Long.MAX_VALUE, 3};
                o.add(v[r.nextInt(v.length)]).add(v[r.nextInt(v.length)]);
            }
            case 3 -> header.remove(name);
            case 4 -> header.putObject("bogus.weight").put("dtype", "F32").putArray("shape").add(2);
            case 5 -> header.putObject("__metadata__").put("format", r.nextBoolean() ? "tf" : "pt").putArray("x").add(1);
            case 6 -> t.put("shape", "not a list");
            case 7 -> header.set(name, JSON.getNodeFactory().textNode("x"));
            default -> {
                ArrayNode o = (ArrayNode) t.get("data_offsets");
                long a = o.get(0).asLong(), b = o.get(1).asLong();
                t.putArray("data_offsets").add(b).add(a); // reversed
            }
        }
        what.append("header: ").append(name).append(" mutated");
    }

    static byte[] corruptJson(byte[] good, Random r, StringBuilder what) throws IOException {
        switch (r.nextInt(6)) {
            case 0 -> {
                int at = r.nextInt(good.length);
                what.append("json truncated at ").append(at);
                return Arrays.copyOf(good, at);
            }
            case 1 -> {
                what.append("json nesting bomb");
                return ("{\"a\": " + "[".repeat(100_000) + "}").getBytes(StandardCharsets.US_ASCII);
            }
            case 2 -> {
                byte[] b = new byte[r.nextInt(512)];
                r.nextBytes(b);
                what.append("json random bytes");
                return b;
            }
            default -> {
                ObjectNode o = (ObjectNode) JSON.readTree(good);
                List<String> keys = new ArrayList<>();
                o.fieldNames().forEachRemaining(keys::add);
                String k = keys.get(r.nextInt(keys.size()));
                Object[] values = {null, -1, 0, 1, 7, 1L << 31, Long.MAX_VALUE, 1e308, -1e308, "x", "1200", true,
                        List.of(), List.of("q_proj", "nope"), Map.of("a", 1), 0.5, 1 << 20, 100_000};
                Object v = values[r.nextInt(values.length)];
                if (r.nextInt(5) == 0) {
                    o.remove(k);
                    what.append("json key ").append(k).append(" removed");
                } else {
                    o.set(k, JSON.valueToTree(v));
                    what.append("json ").append(k).append(" = ").append(v);
                }
                String text = JSON.writeValueAsString(o);
                if (r.nextInt(8) == 0) {
                    text = text.replace("}", ", \"" + k + "\": 3}"); // duplicate key
                    what.append(" + duplicate");
                }
                if (r.nextInt(8) == 0) {
                    text = text.replace(String.valueOf(1e308), "NaN");
                }
                return text.getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    // ---- cases ------------------------------------------------------------------------------------------------

    /** A copy of {@code src} in which {@code file} has {@code bytes}; the other files are hard links (no disk cost). */
    static Path variant(Path src, Path dst, String file, byte[] bytes) throws IOException {
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                String n = f.getFileName().toString();
                if (!n.equals(file) && !n.equals("expected-logits.safetensors")) {
                    Files.createLink(dst.resolve(n), f.toAbsolutePath());
                }
            }
        }
        Files.write(dst.resolve(file), bytes);
        return dst;
    }

    static List<Case> batch(Path dir, Random r, int from, int n) throws IOException {
        byte[] weights = Files.readAllBytes(MODEL.resolve("model.safetensors")), config = Files.readAllBytes(MODEL.resolve("config.json"));
        byte[] lora = Files.readAllBytes(LORA.resolve("adapter_model.safetensors")), loraCfg = Files.readAllBytes(LORA.resolve("adapter_config.json"));
        List<Case> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            StringBuilder what = new StringBuilder();
            Path d = dir.resolve("c" + i);
            Case c = switch (i % 4) {
                case 0 -> new Case("model", variant(MODEL, d, "model.safetensors", corruptSafetensors(weights, r, what)), "");
                case 1 -> new Case("model", variant(MODEL, d, "config.json", corruptJson(config, r, what)), "");
                case 2 -> new Case("adapter", variant(LORA, d, "adapter_config.json", corruptJson(loraCfg, r, what)), "");
                default -> new Case("adapter", variant(LORA, d, "adapter_model.safetensors", corruptSafetensors(lora, r, what)), "");
            };
            out.add(new Case(c.kind(), c.path(), what.toString()));
        }
        return out;
    }

    @Test
    void aThousandCorruptionsLoadWithoutACrashAndFailInOneLine() throws Exception {
        Random r = new Random(1130);
        int total = 1000, ok = 0, errors = 0;
        Map<String, Integer> byType = new HashMap<>();
        List<String> problems = new ArrayList<>();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int from = 0; from < total; from += PER_CHILD) {
            Path dir = Files.createDirectories(tmp.resolve("batch" + from));
            List<Case> cases = batch(dir, r, from, PER_CHILD);
            Path list = dir.resolve("cases.tsv");
            Files.write(list, cases.stream().map(c -> c.kind() + "\t" + c.path()).toList());
            Path log = dir.resolve("child.log");
            Process p = new ProcessBuilder(javaBin, "-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-Dai.djl.offline=true",
                    "-cp", System.getProperty("java.class.path"), FuzzChildMain.class.getName(), list.toString(), MODEL.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(600, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            List<String> lines = Files.readAllLines(log);
            Map<Integer, String> results = new HashMap<>();
            for (String l : lines) {
                if (l.startsWith("RESULT ")) {
                    String[] parts = l.split(" ", 3);
                    results.put(Integer.parseInt(parts[1]), parts[2]);
                }
            }
            for (int i = 0; i < cases.size(); i++) {
                String res = results.get(i);
                Case c = cases.get(i);
                if (res == null) {
                    problems.add("case " + (from + i) + " (" + c.kind() + ", " + c.what() + "): no result; the child died: "
                            + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
                    break;
                }
                if (res.equals("ok")) {
                    ok++;
                } else if (res.startsWith("err 1 ")) {
                    errors++;
                    byType.merge(res.substring(6, res.indexOf(':')), 1, Integer::sum);
                } else {
                    problems.add("case " + (from + i) + " (" + c.kind() + ", " + c.what() + "): " + res);
                }
            }
            assertThat(done).as("child of batch %d finished", from).isTrue();
            assertThat(p.exitValue()).as("child of batch %d exit; problems %s", from, problems).isZero();
            assertThat(lines).contains("END");
            try (Stream<Path> s = Files.walk(dir)) { // free the disk before the next batch
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        System.out.println("fuzz: " + total + " corruptions, " + ok + " loaded, " + errors + " one-line errors " + byType
                + ", problems: " + problems.size());
        assertThat(problems).isEmpty();
        assertThat(ok + errors).isEqualTo(total);
    }
}
