package repo.rewards.ota.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import repo.rewards.io.ScoredItems;
import repo.rewards.ota.rules.RuleSet;

/**
 * {@code data/rewards-eval/heldout.jsonl}, the held-out part of the rewards evaluation set, parses with
 * {@link EvalSet} and has the schema of {@code eval.jsonl}: the same keys, labels from the built-in rule ids, all
 * three scripts, violations, near-misses and clean replies, and nothing shared with {@code eval.jsonl}.
 */
class HeldOutSetTest {
    static final Path DIR = Path.of(System.getProperty("repo.fixtures")).getParent().resolve("data/rewards-eval");
    static final Set<String> REQUIRED = Set.of("id", "task", "history", "reply", "labels", "origin", "lang", "category", "note");
    static final Set<String> OPTIONAL = Set.of("sop_stage");

    static Set<String> keys(JsonNode n) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void theHeldOutSetParsesAndMeetsTheSchema() throws Exception {
        List<EvalItem> items = EvalSet.read(DIR.resolve("heldout.jsonl"), RuleSet.BUILT_IN_IDS);
        List<EvalItem> written = items.stream().filter(i -> i.origin() == EvalItem.Origin.WRITTEN).toList();
        assertThat(written).hasSizeGreaterThanOrEqualTo(100);
        assertThat(written.stream().map(EvalItem::lang).collect(Collectors.toSet())).containsExactlyInAnyOrder("en", "zh-Hans", "zh-Hant");
        for (String lang : List.of("en", "zh-Hans", "zh-Hant")) {
            assertThat(written.stream().filter(i -> i.lang().equals(lang) && !i.labels().isEmpty())).as("violations in " + lang).hasSizeGreaterThan(10);
            assertThat(written.stream().filter(i -> i.lang().equals(lang) && i.labels().isEmpty())).as("clean or near-miss in " + lang).hasSizeGreaterThan(5);
        }
        for (String rule : RuleSet.BUILT_IN_IDS) {
            assertThat(written.stream().filter(i -> i.labels().contains(rule))).as("written breaches of " + rule).hasSizeGreaterThanOrEqualTo(6);
        }
        assertThat(items.stream().filter(i -> i.origin().real())).hasSizeGreaterThanOrEqualTo(100);

        // the same keys as eval.jsonl, line by line
        List<String> lines = Files.readAllLines(DIR.resolve("heldout.jsonl"));
        Set<String> evalKeys = new HashSet<>();
        for (String l : Files.readAllLines(DIR.resolve("eval.jsonl"))) {
            evalKeys.addAll(keys(ScoredItems.JSON.readTree(l)));
        }
        Set<String> ids = new HashSet<>();
        for (String l : lines) {
            JsonNode n = ScoredItems.JSON.readTree(l);
            Set<String> k = keys(n);
            assertThat(k).as(l).containsAll(REQUIRED);
            assertThat(Set.copyOf(k)).as(l).isSubsetOf(union(REQUIRED, OPTIONAL)).isSubsetOf(evalKeys);
            assertThat(n.get("id").isTextual()).isTrue();
            assertThat(ids.add(n.get("id").asText())).as("id %s twice", n.get("id")).isTrue();
            assertThat(n.get("note").asText()).as(l).isNotBlank();
            if (n.get("origin").asText().equals("written")) {
                assertThat(n.get("category").asText()).isIn("paraphrase", "synonym", "traditional", "currency", "discount",
                        "non-price-number", "negation", "quote", "agreement", "hotel-name", "other");
            }
        }

        // held out: no id and no reply in common with eval.jsonl
        List<EvalItem> dev = EvalSet.read(DIR.resolve("eval.jsonl"), RuleSet.BUILT_IN_IDS);
        Set<String> devIds = dev.stream().map(i -> i.item().id()).collect(Collectors.toSet());
        Set<String> devReplies = dev.stream().map(i -> i.item().reply()).collect(Collectors.toSet());
        assertThat(items).noneMatch(i -> devIds.contains(i.item().id()));
        assertThat(items).noneMatch(i -> devReplies.contains(i.item().reply()));
        Map<Boolean, Long> byLength = written.stream().collect(Collectors.partitioningBy(i -> i.labels().contains("length"), Collectors.counting()));
        assertThat(byLength.get(true)).isPositive();
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }
}
