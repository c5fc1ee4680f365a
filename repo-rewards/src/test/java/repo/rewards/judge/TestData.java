package repo.rewards.judge;

import java.util.List;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/** A small rubric and OTA dialogues shared by the judge tests. */
public final class TestData {
    private TestData() {
    }

    static final String RUBRIC_YAML = """
            name: test
            version: 2
            items:
              - id: no-empathy
                description: no soothing after an objection
                points: -15
                severity: medium
              - id: over-promise
                description: guarantees traffic or bookings
                points: -25
                severity: high
              - id: cites-competitor-evidence
                description: cites a competitor price correctly
                points: 10
                severity: low
            prompt_template: |
              Rubric:
              {{rubric}}
              Task: {{task}}
              History:
              {{history}}
              Reply: {{ reply }}
            """;

    public static Rubric rubric() {
        return Rubric.parse(RUBRIC_YAML, "test-rubric.yaml");
    }

    public static TaskInfo task() {
        return new TaskInfo(new TaskInfo.Hotel("西湖花园酒店", 4, "杭州"),
                List.of(new TaskInfo.Ticket("豪华大床房", "2026-12-01..2026-12-03", 520, 460, 420, 400),
                        new TaskInfo.Ticket("标准双床房", "2026-12-01..2026-12-03", 480, 430, 390, 370)),
                List.of(new TaskInfo.CompetitorOffer("湖滨假日酒店", "豪华大床房", 455)),
                new TaskInfo.DemandSignals(12000.0, 0.021, "down 12% week on week"), null, null, null);
    }

    public static ScoredItem item(String reply, Turn... history) {
        return new ScoredItem("t1", task(), List.of(history), reply, null);
    }

    /** A valid answer to {@link #rubric()}: over-promise hit with evidence, the others not. */
    static String validAnswer() {
        return """
                {"items": [
                  {"id": "no-empathy", "hit": false, "evidence": "", "reason": "no objection yet"},
                  {"id": "over-promise", "hit": true, "evidence": "保证订单翻倍", "reason": "guarantees bookings"},
                  {"id": "cites-competitor-evidence", "hit": false, "evidence": "", "reason": "no competitor"}
                ], "comment": "promises too much"}
                """;
    }

    static final String PROMISE_REPLY = "王经理您好，降到420元我们保证订单翻倍。";
}
