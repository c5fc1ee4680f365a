package repo.rewards;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import repo.rewards.api.RewardJudge;
import repo.rewards.api.RewardModel;
import repo.rewards.api.RewardSource;
import repo.rewards.api.Sample;
import repo.rewards.api.SourceResult;
import repo.rewards.combine.Combined;
import repo.rewards.combine.RewardCombiner;
import repo.rewards.combine.Sources;
import repo.rewards.io.ScoredItems;
import repo.rewards.trace.RewardTrace;

/**
 * Scores samples with a named list of {@link RewardSource}s and combines their results with a
 * {@link RewardCombiner}: every source scores the whole batch, then the combiner runs over the batch. A source
 * reports an expected failure as a failed {@link SourceResult} (never a silent score), and the failure policy
 * decides the sample's fate; a source that throws (a bug, out of memory) stops the scoring.
 */
public final class RewardPipeline {
    /** The combiner's running statistics inside a checkpoint folder. */
    public static final String STATE_FILE = "reward_state.json";

    private final List<RewardSource> sources;
    private final RewardCombiner combiner;

    /** A pipeline over {@code sources} (unique names, at least one). */
    public RewardPipeline(List<RewardSource> sources, RewardCombiner combiner) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a reward pipeline needs at least one source");
        }
        if (sources.stream().map(RewardSource::name).distinct().count() != sources.size()) {
            throw new IllegalArgumentException("reward sources must have distinct names: " + sources.stream().map(RewardSource::name).toList());
        }
        this.sources = List.copyOf(sources);
        this.combiner = combiner;
    }

    /** The sources {@code config} turns on (see {@link PipelineConfig#sources}) and its combiner. */
    public static RewardPipeline of(PipelineConfig config, RewardSource rm, RewardSource judge) {
        List<RewardSource> on = config.sources(rm, judge);
        return new RewardPipeline(on, config.newCombiner(on));
    }

    /** As {@link #of}, with the reward model and judge as the sources named {@code rm} and {@code judge}. */
    public RewardPipeline(PipelineConfig config, RewardModel rm, RewardJudge judge) {
        this(config, rm == null ? null : RewardSource.model(PipelineConfig.RM, rm),
                judge == null ? null : RewardSource.judge(PipelineConfig.JUDGE, judge));
    }

    private RewardPipeline(PipelineConfig config, RewardSource rm, RewardSource judge) {
        this(config.sources(rm, judge), config);
    }

    private RewardPipeline(List<RewardSource> on, PipelineConfig config) {
        this(on, config.newCombiner(on));
    }

    public List<RewardSource> sources() {
        return sources;
    }

    /** One trace per sample, in order. */
    public List<RewardTrace> score(List<Sample> samples) {
        Map<String, List<SourceResult>> results = new LinkedHashMap<>();
        for (RewardSource s : sources) {
            List<SourceResult> r = s.score(samples);
            if (r == null || r.size() != samples.size() || r.contains(null)) {
                throw new IllegalStateException("reward source '" + s.name() + "' returned " + (r == null ? "null"
                        : r.size() + " results" + (r.contains(null) ? " with nulls" : "")) + " for " + samples.size() + " samples");
            }
            results.put(s.name(), r);
        }
        List<Sources> batch = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Map<String, SourceResult> byName = new LinkedHashMap<>();
            for (Map.Entry<String, List<SourceResult>> e : results.entrySet()) {
                byName.put(e.getKey(), e.getValue().get(i));
            }
            batch.add(new Sources(byName));
        }
        List<Combined> combined = combiner.combineBatch(batch);
        List<RewardTrace> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            out.add(new RewardTrace(sample.id(), i, new ArrayList<>(batch.get(i).byName().values()), combined.get(i),
                    RewardTrace.isIntegerId(sample.id(), sample.metadata().get("id"))));
        }
        return out;
    }

    /** Writes the combiner's running statistics (if any) as {@link #STATE_FILE} into a checkpoint folder. */
    public void saveState(Path dir) throws IOException {
        JsonNode state = combiner.state();
        if (state != null) {
            Files.write(dir.resolve(STATE_FILE), ScoredItems.JSON.writeValueAsBytes(state));
        }
    }

    /** Restores what {@link #saveState} wrote; a combiner with statistics needs the file. */
    public void loadState(Path dir) throws IOException {
        if (combiner.state() == null) {
            return;
        }
        Path file = dir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + ": missing; the combiner keeps running statistics (whiten_rm) that a"
                    + " resumed run needs, and this checkpoint has none");
        }
        try {
            combiner.restore(ScoredItems.JSON.readTree(file.toFile()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
