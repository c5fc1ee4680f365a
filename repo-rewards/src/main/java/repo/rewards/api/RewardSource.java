package repo.rewards.api;

import java.util.ArrayList;
import java.util.List;

/**
 * One named reward source: scores a batch of {@link Sample}s, one {@link SourceResult} per sample, in order. A
 * pipeline holds a named list of them (two reward models, no judge, a user's own function: any mix), and a
 * combiner refers to them by name.
 *
 * <p>Failures: an expected failure for one sample (a judge that timed out, an item too long for the RM) is a
 * {@link SourceResult#failure} naming the reason; anything else (a bug, out of memory) is thrown and stops the run.
 * The three kinds the product is built around are sources through {@link #model}, {@link #judge} and
 * {@link #function}.
 */
public interface RewardSource {

    /** The role a source plays. */
    enum Kind {
        /** A reward model (RM): an unbounded scalar, R_model of the enhancement rule. */
        MODEL,
        /** An LLM judge (RJ): rubric points, part of the enhancement E. */
        JUDGE,
        /** Deterministic functions (RF): summed finding points, part of the enhancement E. */
        FUNCTION
    }

    /** The name combiners and configs refer to, unique within a pipeline (e.g. {@code rm}, {@code judge}, {@code rules}). */
    String name();

    Kind kind();

    /** One result per sample, in order. */
    List<SourceResult> score(List<Sample> samples);

    /** A reward model as a source; its results are labelled {@code name}. */
    static RewardSource model(String name, RewardModel model) {
        return of(name, Kind.MODEL, samples -> {
            List<SourceResult> r = model.score(samples);
            return r == null ? null : r.stream().map(x -> relabel(x, name)).toList();
        });
    }

    /** A judge as a source, one sample at a time; its results are labelled {@code name}. */
    static RewardSource judge(String name, RewardJudge judge) {
        return of(name, Kind.JUDGE, samples -> {
            List<SourceResult> out = new ArrayList<>();
            samples.forEach(s -> out.add(relabel(judge.judge(s), name)));
            return out;
        });
    }

    private static SourceResult relabel(SourceResult r, String name) {
        return r == null || r.source().equals(name) ? r : new SourceResult(name, r.value(), r.findings(), r.latencyMillis(), r.error());
    }

    /** A deterministic function as a source: value = the sum of its findings' points. */
    static RewardSource function(String name, RewardFunction function) {
        return of(name, Kind.FUNCTION, samples -> {
            List<SourceResult> out = new ArrayList<>();
            for (Sample s : samples) {
                long t0 = System.nanoTime();
                List<Finding> found = function.evaluate(s);
                out.add(SourceResult.ok(name, found.stream().mapToDouble(Finding::points).sum(), found,
                        (System.nanoTime() - t0) / 1_000_000));
            }
            return out;
        });
    }

    /** A source from its parts. */
    static RewardSource of(String name, Kind kind, java.util.function.Function<List<Sample>, List<SourceResult>> score) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a reward source needs a name");
        }
        return new RewardSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Kind kind() {
                return kind;
            }

            @Override
            public List<SourceResult> score(List<Sample> samples) {
                return score.apply(samples);
            }

            @Override
            public String toString() {
                return name + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")";
            }
        };
    }
}
