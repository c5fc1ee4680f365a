package repo.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import repo.core.text.Message;

class JsonlTest {

    private static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";
    private static final String ASSISTANT = "{\"role\":\"assistant\",\"content\":\"hello\"}";
    private static final String GOOD_SFT = "{\"messages\":[" + USER + "," + ASSISTANT + "]}";
    private static final String GOOD_PAIR = "{\"prompt\":[" + USER + "],\"chosen\":\"a\",\"rejected\":\"b\"}";

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("data.jsonl");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void readsSftDialoguesKeepingUnknownKeys() throws IOException {
        Path file = write("""
                {"id": "a-1", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4", "reasoning_content": "add"}], "source": {"name": "gsm", "n": 3}}

                {"messages": [{"role": "user", "content": "售价？"}, {"role": "assistant", "content": "¥1,199"}, {"role": "tool", "content": "{}"}]}
                """);

        List<SftExample> examples = Jsonl.readSft(file);

        assertThat(examples).hasSize(2);
        assertThat(examples.get(0).messages()).containsExactly(
                Message.system("be brief"), Message.user("2+2?"), Message.assistant("4", "add"));
        assertThat(examples.get(0).id()).contains("a-1");
        assertThat(examples.get(0).extra()).containsOnlyKeys("id", "source");
        assertThat(examples.get(0).extra().get("source").get("n").intValue()).isEqualTo(3);
        assertThat(examples.get(1).messages()).containsExactly(
                Message.user("售价？"), Message.assistant("¥1,199"), Message.tool("{}"));
        assertThat(examples.get(1).id()).isEmpty();
    }

    @Test
    void readsPreferencePairsKeepingUnknownKeys() throws IOException {
        Path file = write("\uFEFF{\"id\": 7, \"prompt\": [{\"role\": \"system\", \"content\": \"s\"}, " + USER
                + "], \"chosen\": \"Paris.\", \"rejected\": \"Lyon.\", \"score\": 0.5}\n" + GOOD_PAIR);

        List<PreferencePair> pairs = Jsonl.readPreferences(file);

        assertThat(pairs).hasSize(2);
        PreferencePair first = pairs.get(0);
        assertThat(first.prompt()).containsExactly(Message.system("s"), Message.user("hi"));
        assertThat(first.chosen()).isEqualTo("Paris.");
        assertThat(first.rejected()).isEqualTo("Lyon.");
        assertThat(first.id()).contains("7");
        assertThat(first.extra()).containsOnlyKeys("id", "score");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"messages": [{"role":"user","content":"a"}                          | 2: not valid JSON
            {"messages": []} {"messages": []}                                    | 2: not valid JSON
            [1, 2]                                                               | 2: line is an array: expected a JSON object
            {"id": 1}                                                            | 2: missing "messages": expected an array of {"role", "content"} messages
            {"messages": "hi"}                                                   | 2: "messages" is a string: expected an array
            {"messages": []}                                                     | 2: "messages" is empty: expected at least one message
            {"messages": [{"role":"bot","content":"a"}]}                         | 2: "messages"[0]: unknown role "bot": expected one of system, user, assistant, tool
            {"messages": [{"role":"user","content":"a"},{"role":"user"}]}        | 2: "messages"[1]: missing "content": expected a string
            {"messages": [{"role":"user","content":5}]}                          | 2: "messages"[0]: "content" is a number 5: expected a string
            {"messages": [{"role":"assistant","content":"a","name":"x"}]}        | 2: "messages"[0]: unknown field "name": expected only role, content, reasoning_content
            {"messages": [{"role":"user","content":"a","reasoning_content":"r"}, {"role":"assistant","content":"b"}]} | 2: "messages"[0]: a user message has reasoning_content
            {"messages": ["hi"]}                                                 | 2: "messages"[0]: is a string: expected an object
            {"messages": [{"role":"system","content":"s"},{"role":"user","content":"a"}]} | 2: "messages" has no assistant message: expected at least one turn to train on
            {"messages": [], "messages": []}                                     | 2: not valid JSON (Duplicate field 'messages'
            """)
    void badSftLinesNameFileLineProblemAndExpectation(String badLine, String expected) throws IOException {
        Path file = write(GOOD_SFT + "\n" + badLine + "\n" + GOOD_SFT + "\n");

        assertThatThrownBy(() -> Jsonl.readSft(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ":" + expected);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"chosen":"a","rejected":"b"}                                             | 2: missing "prompt": expected an array
            {"prompt":[{"role":"user","content":"q"}],"rejected":"b"}                 | 2: missing "chosen": expected a string
            {"prompt":[{"role":"user","content":"q"}],"chosen":"a","rejected":["b"]}  | 2: "rejected" is an array: expected a string
            {"prompt":[{"role":"user","content":"q"}],"chosen":"a","rejected":"a"}    | 2: "chosen" equals "rejected": expected two different replies
            {"prompt":{"role":"user","content":"q"},"chosen":"a","rejected":"b"}      | 2: "prompt" is an object: expected an array
            {"prompt":[{"role":"robot","content":"q"}],"chosen":"a","rejected":"b"}   | 2: "prompt"[0]: unknown role "robot"
            {"prompt":[{"role":"user","content":"q"},{"role":"assistant","content":"x"}],"chosen":"a","rejected":"b"} | 2: "prompt" ends with an assistant message
            {"prompt":[],"chosen":"a","rejected":"b"}                                 | 2: "prompt" is empty
            {"prompt":[{"role":"user","content":"q"}],"chosen":null,"rejected":"b"}   | 2: "chosen" is null: expected a string
            """)
    void badPreferenceLinesNameFileLineProblemAndExpectation(String badLine, String expected) throws IOException {
        Path file = write(GOOD_PAIR + "\n" + badLine + "\n");

        assertThatThrownBy(() -> Jsonl.readPreferences(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ":" + expected);
    }

    @Test
    void anEmptyOrBlankFileHasNoRecords() throws IOException {
        Path empty = write("");
        assertThatThrownBy(() -> Jsonl.readSft(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(empty + ":1: no records (the file is empty or blank): expected one JSON object per line");
        Path blank = write("\n  \n\n");
        assertThatThrownBy(() -> Jsonl.readPreferences(blank))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(blank + ":3: no records");
    }

    @Test
    void theWholeFileIsValidatedSoALateBadLineFailsTheRead() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append(GOOD_SFT).append('\n');
        }
        text.append("{\"messages\": [").append(USER).append("]}\n");
        Path file = write(text.toString());

        assertThatThrownBy(() -> Jsonl.readSft(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ":501: \"messages\" has no assistant message");
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() throws IOException {
        Path file = dir.resolve("latin1.jsonl");
        byte[] good = (GOOD_SFT + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"messages\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[good.length + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        Files.write(file, all);

        assertThatThrownBy(() -> Jsonl.readSft(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ":2: not valid UTF-8");
    }

    @Test
    void aGenericParserGetsEachObjectAndItsErrorsAreLineNumbered() throws IOException {
        Path file = write("{\"x\": 1}\n{\"x\": 2}\n{\"y\": 3}\n");
        Jsonl.LineParser<Integer> parser = node -> {
            if (!node.has("x")) {
                throw new IllegalArgumentException("missing \"x\": expected a number");
            }
            return node.get("x").intValue();
        };

        assertThatThrownBy(() -> Jsonl.read(file, parser))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ":3: missing \"x\": expected a number");
        assertThat(Jsonl.read(write("{\"x\": 1}\n{\"x\": 2}"), parser)).containsExactly(1, 2);
    }

    @Test
    void aMissingFileIsAnIoError() {
        assertThatThrownBy(() -> Jsonl.readSft(dir.resolve("absent.jsonl"))).isInstanceOf(NoSuchFileException.class);
    }
}
