package repo.rewards.judge;

import java.util.List;

/**
 * A judge answer that passed {@link JudgeResponseParser}: one verdict per rubric item, in rubric order.
 *
 * @param items one entry per rubric item
 * @param comment the judge's overall remark ("" when it gave none)
 */
public record JudgeVerdict(List<ItemVerdict> items, String comment) {
    public JudgeVerdict {
        items = List.copyOf(items);
        comment = comment == null ? "" : comment;
    }

    /**
     * @param id a rubric item id
     * @param hit whether the reply shows the behaviour
     * @param evidence the judge's quote ("" when none)
     * @param reason the judge's one-sentence reason ("" when none)
     */
    public record ItemVerdict(String id, boolean hit, String evidence, String reason) {
    }
}
