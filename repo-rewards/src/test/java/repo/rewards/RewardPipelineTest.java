package repo.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.api.Finding;
import repo.rewards.api.Sample;
import repo.rewards.ota.OtaTask;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;
import repo.rewards.combine.CombinerKind;
import repo.rewards.combine.OnSourceFailure;
import repo.rewards.io.ScoredItems;
import repo.rewards.trace.RewardTrace;

class RewardPipelineTest {
    static final Path SAMPLES = Path.of("..", "data", "samples", "replies.jsonl");
    static final Path DEFAULT_CONFIG = Path.of("..", "configs", "rewards-default.yaml");
    @TempDir Path tmp;

    /** What each committed sample is meant to break (built-in rules only; the test classpath adds "forbidden-word"). */
    static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("zh-01-good-evidence", List.of());
        EXPECTED.put("zh-02-internal-leak", List.of("internal-term-leak", "internal-term-leak"));
        EXPECTED.put("zh-03-bad-arithmetic", List.of("price-grounding"));
        EXPECTED.put("zh-04-sale-net", List.of("sale-net-confusion"));
        EXPECTED.put("zh-05-over-promise", List.of("over-promise", "over-promise"));
        EXPECTED.put("zh-06-press-after-accept", List.of("press-after-accept"));
        EXPECTED.put("zh-07-silence-as-consent", List.of("silence-as-consent"));
        EXPECTED.put("zh-08-one-of-two-rooms", List.of("ticket-coverage"));
        EXPECTED.put("zh-09-repetition", List.of("repetition"));
        EXPECTED.put("en-10-good-confirmation", List.of());
        EXPECTED.put("en-11-cot-and-hallucination", List.of("hallucinated-fact", "cot-leak", "cot-leak"));
        EXPECTED.put("en-12-format-and-mixed", List.of("mixed-language", "format", "format", "format"));
        EXPECTED.put("en-13-overlong", List.of("length"));
    }

    private static List<String> builtInRuleIds(RewardTrace t) {
        return t.source("rules").findings().stream().map(Finding::ruleId).filter(id -> !id.equals("forbidden-word")).toList();
    }

    @Test
    void samplesBreakExactlyTheRulesTheyAreNamedFor() {
        List<RewardTrace> traces = new RewardPipeline(PipelineConfig.defaults(), null, null).score(samples(ScoredItems.read(SAMPLES)));
        Map<String, List<String>> got = new LinkedHashMap<>();
        for (RewardTrace t : traces) {
            got.put(t.id(), builtInRuleIds(t));
            assertThat(t.sources()).extracting(SourceResult::source).containsExactly("rules");
            assertThat(t.combined().rModel()).isNull();
            assertThat(t.combined().rTotal()).isEqualTo(Math.max(-100, t.source("rules").value()) / 100);
        }
        assertThat(got).containsExactlyEntriesOf(EXPECTED);
        // together the samples break every built-in rule
        assertThat(got.values().stream().flatMap(List::stream).distinct()).containsExactlyInAnyOrderElementsOf(repo.rewards.ota.rules.RuleSet.BUILT_IN_IDS);
    }

    @Test
    void theCommittedDefaultConfigIsTheDefaults() {
        PipelineConfig file = PipelineConfig.load(DEFAULT_CONFIG);
        PipelineConfig d = PipelineConfig.defaults();
        assertThat(List.of(file.rm(), file.judge(), file.rules(), file.combiner(), file.n(), file.whitenRm(), file.onSourceFailure()))
                .isEqualTo(List.of(d.rm(), d.judge(), d.rules(), d.combiner(), d.n(), d.whitenRm(), d.onSourceFailure()));
        assertThat(file.ruleSet().rules().toString().replaceAll("@[0-9a-f]+", "@"))
                .as("same rules, points and severities").isEqualTo(d.ruleSet().rules().toString().replaceAll("@[0-9a-f]+", "@"));
        List<Sample> items = samples(ScoredItems.read(SAMPLES));
        List<RewardTrace> a = new RewardPipeline(file, null, null).score(items);
        List<RewardTrace> b = new RewardPipeline(d, null, null).score(items);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).source("rules").findings()).isEqualTo(b.get(i).source("rules").findings());
            assertThat(a.get(i).combined()).isEqualTo(b.get(i).combined());
        }
    }

    static List<Sample> samples(List<ScoredItem> items) {
        return items.stream().map(OtaTask::sample).toList();
    }

    @Test
    void rmAndJudgeAreInjectedAndTheirFailuresFollowThePolicy() throws Exception {
        Path cfg = tmp.resolve("p.yaml");
        Files.writeString(cfg, "sources: {rm: true, judge: true}\non_source_failure: use_remaining\n");
        List<Sample> items = samples(ScoredItems.read(SAMPLES).subList(0, 3));
        List<String> calls = new ArrayList<>();
        RewardPipeline p = new RewardPipeline(PipelineConfig.load(cfg),
                batch -> batch.stream().map(it -> SourceResult.ok("rm", 2.0, List.of(), 1)).toList(),
                it -> {
                    calls.add(it.id());
                    if (it.id().equals("zh-02-internal-leak")) {
                        return SourceResult.failure("judge", "judge timed out after 30 s", 30_000);
                    }
                    return SourceResult.ok("judge", 10, List.of(), 1);
                });
        List<RewardTrace> t = p.score(items);
        assertThat(calls).containsExactly("zh-01-good-evidence", "zh-02-internal-leak", "zh-03-bad-arithmetic");
        assertThat(t.get(0).combined().rTotal()).isEqualTo(2.0 * 1.1);
        assertThat(t.get(1).source("judge").error()).isEqualTo("judge timed out after 30 s");
        assertThat(t.get(1).combined().failedSources()).containsExactly("judge");
        assertThat(t.get(1).combined().eJudge()).isZero();
        assertThat(t.get(1).combined().rTotal()).isEqualTo(0.0); // rules -100 -> E = -100 -> R = 0
        assertThat(t.get(2).combined().rTotal()).isEqualTo(2.0 * (1 + (10 - 30) / 100.0));

        // a source that breaks its contract or throws is a bug: scoring stops, nothing becomes a score
        Files.writeString(cfg, "sources: {rm: true}\non_source_failure: drop_sample\n");
        RewardPipeline broken = new RewardPipeline(PipelineConfig.load(cfg), batch -> List.of(), null);
        assertThatThrownBy(() -> broken.score(items)).isInstanceOf(IllegalStateException.class)
                .hasMessage("reward source 'rm' returned 0 results for 3 samples");
        RewardPipeline throwing = new RewardPipeline(PipelineConfig.load(cfg), batch -> {
            throw new OutOfMemoryError("rm batch");
        }, null);
        assertThatThrownBy(() -> throwing.score(items)).isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void configErrorsNameFileAndKey() throws Exception {
        Path cfg = tmp.resolve("bad.yaml");
        Files.writeString(cfg, "combiner: {kind: multiply}\n");
        assertThatThrownBy(() -> PipelineConfig.load(cfg))
                .hasMessage(cfg + ": combiner.kind: expected one of enhancement, weighted_sum, normalize_then_sum, got multiply");
        Files.writeString(cfg, "sources: {rm: yes please}\n");
        assertThatThrownBy(() -> PipelineConfig.load(cfg)).hasMessage(cfg + ": sources.rm: expected true or false, got yes please");
        Files.writeString(cfg, "judge_model: qwen\n");
        assertThatThrownBy(() -> PipelineConfig.load(cfg)).hasMessageStartingWith(cfg + ": judge_model: unknown key");
        Files.writeString(cfg, "combiner: {n: -1}\n");
        assertThatThrownBy(() -> PipelineConfig.load(cfg)).hasMessage(cfg + ": combiner.n: expected a number > 0, got -1");
        Files.writeString(cfg, "rules: {length: {max_chars: many}}\n");
        assertThatThrownBy(() -> PipelineConfig.load(cfg)).hasMessage(cfg + ": rules.length.max_chars: expected an integer, got the string \"many\"");
        Files.writeString(cfg, "sources: {judge: true}\n");
        PipelineConfig judgeOn = PipelineConfig.load(cfg);
        assertThatThrownBy(() -> new RewardPipeline(judgeOn, null, null)).hasMessage(cfg + ": sources.judge is on but no judge was given");
        Files.writeString(cfg, "sources: {rules: false}\n");
        PipelineConfig none = PipelineConfig.load(cfg);
        assertThatThrownBy(() -> new RewardPipeline(none, null, null)).hasMessageContaining("every source is off");
    }

    @Test
    void otherCombinersRunThroughTheBatchApi() {
        List<Sample> items = samples(ScoredItems.read(SAMPLES));
        PipelineConfig n = new PipelineConfig(false, false, true, CombinerKind.NORMALIZE_THEN_SUM, 100, false, Map.of(),
                OnSourceFailure.USE_REMAINING, null, "test");
        List<RewardTrace> t = new RewardPipeline(n, null, null).score(items);
        assertThat(t.stream().mapToDouble(x -> x.combined().rTotal()).sum()).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-9));
        PipelineConfig w = new PipelineConfig(false, false, true, CombinerKind.WEIGHTED_SUM, 100, false, Map.of("rules", 0.01),
                OnSourceFailure.USE_REMAINING, null, "test");
        List<RewardTrace> tw = new RewardPipeline(w, null, null).score(items);
        assertThat(tw.get(1).combined().rTotal()).isEqualTo(tw.get(1).source("rules").value() * 0.01);
    }
}
