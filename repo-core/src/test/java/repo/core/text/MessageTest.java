package repo.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import repo.core.text.Message.Role;

class MessageTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("chat.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void readsAllRolesAndOptionalReasoning() throws IOException {
        Path file = write("""
                [{"role": "system", "content": "你是酒店客服"},
                 {"role": "user", "content": "售价¥1,299.50？"},
                 {"role": "assistant", "content": "到手价¥1,199", "reasoning_content": "可以打折"},
                 {"role": "assistant", "content": "ok", "reasoning_content": null},
                 {"role": "tool", "content": "{}"}]
                """);

        assertThat(Message.readJson(file)).containsExactly(
                Message.system("你是酒店客服"),
                Message.user("售价¥1,299.50？"),
                Message.assistant("到手价¥1,199", "可以打折"),
                Message.assistant("ok"),
                Message.tool("{}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            [{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"bot","content":"c"}] | message [2]: unknown role "bot": expected one of system, user, assistant, tool
            [{"content":"a"}]                                       | message [0]: missing "role": expected a string
            [{"role":"user"}]                                       | message [0]: missing "content": expected a string
            [{"role":"user","content":null}]                        | message [0]: "content" is null: expected a string
            [{"role":"user","content":7}]                           | message [0]: "content" is a number 7: expected a string
            [{"role":"assistant","content":"a","reasoning_content":[]}] | message [0]: "reasoning_content" is an array: expected a string or null
            [{"role":"user","content":"a","reasoning_content":"r"}] | message [0]: a user message has reasoning_content: only assistant messages may carry reasoning
            [{"role":"user","content":"a","name":"x"}]              | message [0]: unknown field "name": expected only role, content, reasoning_content
            [{"role":"user","content":"a"}, "hi"]                   | message [1]: is a string: expected an object with "role" and "content"
            {"role":"user","content":"a"}                           | top level is an object: expected a JSON array of messages
            [{"role":"user","content":"a"                           | not valid JSON
            ''                                                      | top level is empty: expected a JSON array of messages
            """)
    void badInputNamesFileIndexProblemAndExpectation(String json, String expected) throws IOException {
        Path file = write(json);

        assertThatThrownBy(() -> Message.readJson(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(expected);
    }

    @Test
    void missingFileIsAnIoError() {
        assertThatThrownBy(() -> Message.readJson(dir.resolve("absent.json"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void constructorRejectsMissingParts() {
        assertThatThrownBy(() -> new Message(null, "x", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected one of system, user, assistant, tool");
        assertThatThrownBy(() -> Message.user(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("content of a user message is null: use \"\" for an empty message");
    }

    @Test
    void rolesUseTheTemplateNames() {
        assertThat(Role.fromJsonName("assistant")).isEqualTo(Role.ASSISTANT);
        assertThat(Role.TOOL.jsonName()).isEqualTo("tool");
    }
}
