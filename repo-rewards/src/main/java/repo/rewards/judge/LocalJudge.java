package repo.rewards.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import repo.rewards.api.Finding;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;

/**
 * The rubric judge run in process on a {@link JudgeModel} (normally {@link QwenJudgeModel}: a Qwen3 checkpoint of
 * this library, greedy, thinking off). Answers go through the same strict {@link JudgeResponseParser} as the HTTP
 * judge. There are no retries: greedy decoding gives the same answer again. A model error or an unparsable answer
 * is a {@link SourceResult#failure} ({@code [generation]} or {@code [parse]}), counted, never thrown.
 * {@link #judgeAll} generates {@code batchSize} prompts together.
 */
public final class LocalJudge implements Judge {
    private final Rubric rubric;
    private final JudgeResponseParser parser;
    private final JudgeModel model;
    private final int batchSize;
    private final AutoCloseable owned;
    private final JudgeCounters counters = new JudgeCounters();

    /**
     * @param owned closed by {@link #close()} (e.g. the {@link QwenJudgeModel}), or null
     */
    public LocalJudge(Rubric rubric, JudgeModel model, int batchSize, AutoCloseable owned) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        }
        this.rubric = Objects.requireNonNull(rubric, "rubric");
        this.parser = new JudgeResponseParser(rubric);
        this.model = Objects.requireNonNull(model, "model");
        this.batchSize = batchSize;
        this.owned = owned;
    }

    @Override
    public SourceResult judge(ScoredItem item) {
        return judgeAll(List.of(item)).get(0);
    }

    @Override
    public List<SourceResult> judgeAll(List<ScoredItem> items) {
        List<SourceResult> out = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += batchSize) {
            out.addAll(batch(items.subList(from, Math.min(items.size(), from + batchSize))));
        }
        return out;
    }

    private List<SourceResult> batch(List<ScoredItem> items) {
        long t0 = System.nanoTime();
        counters.calls.addAndGet(items.size());
        counters.attempts.addAndGet(items.size());
        List<String> answers;
        try {
            answers = model.complete(items.stream().map(rubric::render).toList());
            if (answers.size() != items.size()) {
                throw new IllegalStateException("the judge model returned " + answers.size() + " answers for " + items.size() + " prompts");
            }
        } catch (IllegalArgumentException e) { // a prompt the model cannot take (too long): a failure of these items
            long ms = (System.nanoTime() - t0) / 1_000_000;
            List<SourceResult> failed = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                counters.attemptFailed(FailureKind.GENERATION);
                counters.callFailed(FailureKind.GENERATION, ms);
                failed.add(SourceResult.failure(sourceName(), "[" + FailureKind.GENERATION.label() + "] " + e.getMessage(), ms));
            }
            return failed;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        List<SourceResult> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                List<Finding> findings = parser.findings(parser.parse(answers.get(i)), items.get(i).reply());
                counters.callSucceeded(ms);
                out.add(SourceResult.ok(sourceName(), JudgeResponseParser.points(findings), findings, ms));
            } catch (JudgeParseException e) {
                counters.attemptFailed(FailureKind.PARSE);
                counters.callFailed(FailureKind.PARSE, ms);
                out.add(SourceResult.failure(sourceName(), "[" + FailureKind.PARSE.label() + "] " + e.getMessage(), ms));
            }
        }
        return out;
    }

    @Override
    public JudgeStats stats() {
        return counters.snapshot();
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the local judge model failed: " + e.getMessage(), e);
            }
        }
    }
}
