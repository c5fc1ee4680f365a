package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Redactor} and {@link ApiKeys}: every form of the key in which 8 consecutive characters could survive. */
class RedactorTest {
    static final String KEY = "sk-TEST/SECRET+key%42\\zz";
    final Redactor r = Redactor.of(KEY);

    /** True when some 8-character run of the key is still in the text (the property every output is checked for). */
    static boolean leaks(String text, String key) {
        for (int i = 0; i + 8 <= key.length(); i++) {
            if (text.contains(key.substring(i, i + 8))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void masksTheKeyWholeAndInEveryEncodingAnEndpointMayEchoIt() {
        String json = KEY.replace("\\", "\\\\").replace("/", "\\/");
        String unicode = KEY.chars().mapToObj(c -> String.format("\\u%04X", c)).reduce("", String::concat);
        String url = URLEncoder.encode(KEY, StandardCharsets.UTF_8);
        String pct = KEY.chars().mapToObj(c -> String.format("%%%02x", c)).reduce("", String::concat);
        for (String form : new String[] {KEY, json, unicode, url, pct}) {
            String text = "{\"error\": \"bad key " + form + " given\"}";
            assertThat(r.redact(text)).as(form).isEqualTo("{\"error\": \"bad key [REDACTED] given\"}");
        }
    }

    @Test
    void masksEveryRunOfEightOrMoreCharactersButNotShorterOnes() {
        // a prefix cut by the endpoint, a suffix, a middle piece
        assertThat(r.redact("key: " + KEY.substring(0, 8) + "...")).isEqualTo("key: [REDACTED]...");
        assertThat(r.redact(KEY.substring(KEY.length() - 9))).isEqualTo("[REDACTED]");
        assertThat(r.redact("x" + KEY.substring(5, 14).replace("/", "\\/") + "y")).isEqualTo("x[REDACTED]y");
        // 7 characters of the key are ordinary text
        assertThat(r.redact("sk-TEST is a prefix")).isEqualTo("sk-TEST is a prefix");
        // two copies next to each other are one mask; text around stays
        assertThat(r.redact("a" + KEY + KEY + "b")).isEqualTo("a[REDACTED]b");
        assertThat(r.redact(null)).isNull();
        assertThat(Redactor.of(null).redact(KEY)).isEqualTo(KEY);
        assertThat(Redactor.of("").redact("abc")).isEqualTo("abc");
        assertThat(r.toString()).doesNotContain("sk-");
    }

    @Test
    void aKeyShorterThanEightCharactersIsMaskedWhole() {
        Redactor s = Redactor.of("abc12");
        assertThat(s.redact("x abc12 abc1 y")).isEqualTo("x [REDACTED] abc1 y");
    }

    @Test
    void redactionBeforeTruncationLeavesNoPieceForAnyCutPosition() {
        for (int pad = 150; pad < 230; pad++) {
            String body = "e".repeat(pad) + KEY.replace("/", "\\/") + " tail";
            String redacted = r.redact(body);
            String cut = redacted.length() > 200 ? redacted.substring(0, 200) : redacted;
            assertThat(leaks(cut, KEY)).as("pad %d", pad).isFalse();
        }
    }

    @Test
    void largeTextsAreScannedInLinearTime() {
        String big = "a".repeat(2_000_000) + KEY + "b".repeat(1000);
        assertThat(r.redact(big)).endsWith("a[REDACTED]" + "b".repeat(1000));
    }

    @Test
    void keysComeFromAVariableOrAFileAndErrorsNeverQuoteThem(@TempDir Path tmp) throws Exception {
        assertThat(ApiKeys.read("K", null, Map.of("K", "  sk-abc  ")::get)).isEqualTo("sk-abc");
        assertThat(ApiKeys.read(null, null, Map.<String, String>of()::get)).isNull();
        Path f = tmp.resolve("judge.key");
        Files.writeString(f, "sk-from-file\n");
        assertThat(ApiKeys.read(null, f, Map.<String, String>of()::get)).isEqualTo("sk-from-file");
        assertThatThrownBy(() -> ApiKeys.read("K", f, Map.<String, String>of()::get)).hasMessageContaining("not both");
        assertThatThrownBy(() -> ApiKeys.read("K", null, Map.<String, String>of()::get))
                .hasMessageContaining("api_key_env names K, which is not set or empty");
        Files.writeString(f, "sk-secret-part1 sk-secret-part2\n");
        assertThatThrownBy(() -> ApiKeys.read(null, f, Map.<String, String>of()::get))
                .hasMessageContaining("white space").message().doesNotContain("sk-secret");
        assertThatThrownBy(() -> ApiKeys.read(null, tmp, Map.<String, String>of()::get)).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> JudgeConfig.parse("backend: openai\nopenai: {base_url: http://127.0.0.1:1/v1, model: m, "
                + "api_key_env: K, api_key_file: k.txt}\n", "judge.yaml", tmp)).hasMessageContaining("not both");
        JudgeConfig c = JudgeConfig.parse("backend: openai\nopenai: {base_url: http://127.0.0.1:1/v1, model: m, "
                + "api_key_file: judge.key}\n", "judge.yaml", tmp);
        assertThat(c.openai().apiKeyFile()).isEqualTo(f);
    }
}
