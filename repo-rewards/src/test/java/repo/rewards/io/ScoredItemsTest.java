package repo.rewards.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.Turn;

class ScoredItemsTest {
    static final String TASK = "{\"hotel\":{\"name\":\"蓉城悦景酒店\",\"star_level\":4,\"city\":\"成都\"},"
            + "\"tickets\":[{\"room_type\":\"豪华大床房\",\"dates\":\"2026-12-01..2026-12-03\",\"sale_price\":1200,\"net_price\":1000,"
            + "\"target_price\":880,\"floor_price\":850}],"
            + "\"competitors\":[{\"hotel\":\"全季酒店(春熙路店)\",\"room\":\"豪华大床房\",\"price\":899}],"
            + "\"demand\":{\"exposure\":12000,\"conversion\":0.021,\"booking_trend\":\"近7天预订环比下降12%\"}}";
    static final String GOOD = "{\"id\":\"zh-1\",\"task\":" + TASK + ",\"history\":[{\"role\":\"agent\",\"content\":\"王经理您好\",\"sop_stage\":1},"
            + "{\"role\":\"hotel\",\"content\":\"你好\"}],\"reply\":\"豪华大床房能否调到880元？\",\"split\":\"dev\"}";

    @TempDir Path tmp;

    @Test
    void readsTaskHistoryReplyAndKeepsExtraKeys() throws Exception {
        Path f = tmp.resolve("in.jsonl");
        Files.writeString(f, GOOD + "\n\n" + GOOD.replace("zh-1", "zh-2") + "\n", StandardCharsets.UTF_8);
        List<ScoredItem> items = ScoredItems.read(f);
        assertThat(items).hasSize(2);
        ScoredItem it = items.get(0);
        assertThat(it.id()).isEqualTo("zh-1");
        assertThat(items.get(1).id()).isEqualTo("zh-2");
        assertThat(it.task().hotel().starLevel()).isEqualTo(4);
        assertThat(it.task().tickets().get(0).floorPrice()).isEqualTo(850);
        assertThat(it.task().demand().bookingTrend()).isEqualTo("近7天预订环比下降12%");
        assertThat(it.task().currency()).isEqualTo("CNY");
        assertThat(it.history()).containsExactly(new Turn(Turn.Role.AGENT, "王经理您好", 1), new Turn(Turn.Role.HOTEL, "你好", null));
        assertThat(it.extra().get("split").asText()).isEqualTo("dev");
        assertThat(it.extra().get("id").asText()).isEqualTo("zh-1");
        assertThat(it.extra().has("task")).isFalse();
    }

    @Test
    void writeThenReadIsTheSame() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.writeString(in, GOOD + "\n", StandardCharsets.UTF_8);
        List<ScoredItem> items = ScoredItems.read(in);
        Path out = tmp.resolve("sub/out.jsonl");
        ScoredItems.write(out, items);
        List<ScoredItem> again = ScoredItems.read(out);
        assertThat(again).isEqualTo(items);
        String line = Files.readAllLines(out).get(0);
        assertThat(line).startsWith("{\"id\":\"zh-1\",\"task\":");
        assertThat(line).contains("\"star_level\":4", "\"room_type\":\"豪华大床房\"", "\"sop_stage\":1", "\"role\":\"hotel\"", "\"split\":\"dev\"");
        assertThat(Files.list(out.getParent())).hasSize(1); // no temporary file left behind
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("{not json", "in.jsonl:2: not valid JSON"),
                Arguments.of("[1,2]", "in.jsonl:2: not a JSON object; expected {\"task\""),
                Arguments.of(GOOD.replace(",\"reply\":\"豪华大床房能否调到880元？\"", ""), "in.jsonl:2: missing \"reply\"; expected the candidate agent reply"),
                Arguments.of(GOOD.replace("\"reply\":\"豪华大床房能否调到880元？\"", "\"reply\":42"), "in.jsonl:2: \"reply\" is a number; expected a string"),
                Arguments.of(GOOD.replace("\"role\":\"hotel\"", "\"role\":\"user\""),
                        "in.jsonl:2: history[1]: unknown role \"user\"; expected \"agent\" or \"hotel\""),
                Arguments.of(GOOD.replace("\"sop_stage\":1", "\"sop_stage\":9"), "in.jsonl:2: history[0]: sop_stage is 9; expected an integer 1-7"),
                Arguments.of(GOOD.replace("\"floor_price\":850", "\"floor_price\":900"),
                        "in.jsonl:2: ticket 豪华大床房: floor_price 900.0 is above target_price 880.0"),
                Arguments.of(GOOD.replace("\"net_price\":1000,", ""), "in.jsonl:2: task.tickets[0] has no \"net_price\"; expected room_type"),
                Arguments.of(GOOD.replace("\"sale_price\":1200", "\"sale_price\":\"abc\""), "in.jsonl:2: task.tickets[0].sale_price: value abc is not valid; expected a number"),
                Arguments.of(GOOD.replace("\"city\":\"成都\"", "\"city\":\"成都\",\"rating\":4.6"),
                        "in.jsonl:2: unknown key \"rating\" in task.hotel; expected one of: city, name, star_level"),
                Arguments.of(GOOD.replace("\"task\":" + TASK + ",", ""), "in.jsonl:2: missing \"task\"; expected an object"),
                Arguments.of(GOOD.replace("\"content\":\"你好\"", "\"text\":\"你好\""), "in.jsonl:2: history[1]: unknown key \"text\"; expected role, content, sop_stage"));
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void aBadLineNamesFileLineAndWhatIsExpected(String bad, String message) throws Exception {
        Path f = tmp.resolve("in.jsonl");
        Files.writeString(f, GOOD + "\n" + bad + "\n" + GOOD + "\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ScoredItems.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(tmp.toString())
                .hasMessageContaining(message);
    }

    @Test
    void anEmptyFileIsAnError() throws Exception {
        Path f = tmp.resolve("empty.jsonl");
        Files.writeString(f, "\n");
        assertThatThrownBy(() -> ScoredItems.read(f)).hasMessageContaining("no items");
    }
}
