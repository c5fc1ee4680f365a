package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import repo.rewards.api.Finding;
import repo.rewards.api.Severity;

class JudgeResponseParserTest {
    private final JudgeResponseParser parser = new JudgeResponseParser(TestData.rubric());

    @Test
    void validAnswerBecomesFindingsWithTheRubricsPoints() throws Exception {
        JudgeVerdict v = parser.parse(TestData.validAnswer());
        assertThat(v.items()).extracting(JudgeVerdict.ItemVerdict::id)
                .containsExactly("no-empathy", "over-promise", "cites-competitor-evidence");
        assertThat(v.comment()).isEqualTo("promises too much");
        List<Finding> f = parser.findings(v, TestData.PROMISE_REPLY);
        assertThat(f).hasSize(1);
        Finding over = f.get(0);
        assertThat(over.ruleId()).isEqualTo("over-promise");
        assertThat(over.points()).isEqualTo(-25);
        assertThat(over.severity()).isEqualTo(Severity.HIGH);
        assertThat(over.message()).isEqualTo("guarantees bookings");
        assertThat(TestData.PROMISE_REPLY.substring(over.evidence().begin(), over.evidence().end())).isEqualTo("保证订单翻倍");
        assertThat(JudgeResponseParser.points(f)).isEqualTo(-25);
    }

    @Test
    void answerOrderDoesNotMatterAndBonusesAdd() throws Exception {
        String a = """
                {"comment": "", "items": [
                  {"id": "cites-competitor-evidence", "hit": true, "evidence": "不在回复里", "reason": "cites 455"},
                  {"id": "over-promise", "hit": true},
                  {"id": "no-empathy", "hit": false, "evidence": null, "reason": null}]}""";
        JudgeVerdict v = parser.parse(a);
        assertThat(v.items()).extracting(JudgeVerdict.ItemVerdict::id)
                .containsExactly("no-empathy", "over-promise", "cites-competitor-evidence");
        List<Finding> f = parser.findings(v, TestData.PROMISE_REPLY);
        assertThat(JudgeResponseParser.points(f)).isEqualTo(-15);
        assertThat(f.get(1).evidence()).isNull();
        assertThat(f.get(1).message()).contains("not found verbatim");
        assertThat(f.get(0).message()).isEqualTo("guarantees traffic or bookings"); // no reason: the description
    }

    @Test
    void oneJsonFenceIsTolerated() throws Exception {
        assertThat(parser.parse("```json\n" + TestData.validAnswer() + "```").items()).hasSize(3);
        assertThat(parser.parse("  ```\n" + TestData.validAnswer() + "\n```\n").items()).hasSize(3);
    }

    @Test
    void everythingElseIsRejectedWithAReason() {
        String ok = TestData.validAnswer();
        reject("", "empty");
        reject("Sure! Here is my verdict: " + ok, "not valid JSON");
        reject(ok + "\nHope this helps.", "not valid JSON");
        reject("```json\n```json\n" + ok + "```\n```", "not valid JSON");
        reject("```json\n" + ok, "fence must wrap the whole answer");
        reject("[1, 2]", "expected a JSON object");
        reject("{\"comment\": \"x\"}", "\"items\" must be a list");
        reject(ok.replace("\"over-promise\"", "\"guarantee\""), "items[1].id 'guarantee' is not a rubric id");
        reject(ok.replace("\"hit\": true", "\"hit\": \"true\""), "items[1].hit must be true or false");
        reject(ok.replace("\"hit\": true", "\"hit\": 1"), "items[1].hit must be true or false");
        reject(ok.replace("\"no-empathy\"", "\"over-promise\""), "is answered twice");
        reject(ok.replace("{\"id\": \"no-empathy\", \"hit\": false, \"evidence\": \"\", \"reason\": \"no objection yet\"},", ""),
                "no verdict for rubric item(s) no-empathy");
        reject(ok.replace("\"reason\": \"guarantees bookings\"", "\"reason\": \"x\", \"score\": 3"), "unknown key \"score\"");
        reject(ok.replace("\"comment\"", "\"overall\""), "unknown key \"overall\"");
        reject(ok.replace("\"comment\": \"promises too much\"", "\"comment\": 5"), "\"comment\" must be a string");
        reject("{\"items\": [], \"items\": []}", "not valid JSON");
        reject(ok.replace("\"reason\": \"guarantees bookings\"", "\"reason\": [\"a\"]"), "items[1].reason must be a string");
    }

    private void reject(String answer, String why) {
        assertThatThrownBy(() -> parser.parse(answer)).isInstanceOf(JudgeParseException.class)
                .hasMessageStartingWith("judge answer rejected").hasMessageContaining(why);
    }
}
