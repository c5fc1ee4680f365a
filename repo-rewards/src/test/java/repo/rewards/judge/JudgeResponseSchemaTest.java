package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import repo.rewards.ota.rules.RuleSet;

/**
 * The committed JSON schemas of the judge's answer are what {@link JudgeResponseSchema} generates from the rubric,
 * and {@link JudgeResponseParser} accepts exactly the answers those schemas allow: a table of valid and invalid
 * answers, each checked against the schema ({@link MiniJsonSchema}) and the parser, with the expected verdict.
 */
class JudgeResponseSchemaTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CONFIGS = Path.of(System.getProperty("repo.fixtures")).getParent().resolve("configs");

    static JsonNode file(String name) throws Exception {
        return JSON.readTree(Files.readString(CONFIGS.resolve(name)));
    }

    @Test
    void committedSchemasAreTheGeneratedOnes() throws Exception {
        Rubric en = Rubric.builtin("en");
        assertThat(file("judge-response.schema.json")).isEqualTo(JudgeResponseSchema.of(en));
        assertThat(Files.readString(CONFIGS.resolve("judge-response.schema.json"))).isEqualTo(JudgeResponseSchema.text(en));
        Rubric withRules = en.withoutItemsCoveredBy(RuleSet.BUILT_IN_IDS);
        assertThat(file("judge-response.with-rules.schema.json")).isEqualTo(JudgeResponseSchema.of(withRules));
        // the Chinese rubric has the same ids, so the same answers are valid
        assertThat(JudgeResponseSchema.of(Rubric.builtin("zh"))).isEqualTo(JudgeResponseSchema.of(en));
        assertThat(file("judge-response.schema.json").path("properties").path("items").path("items").path("properties")
                .path("id").path("enum")).hasSize(14);
        assertThat(file("judge-response.with-rules.schema.json").path("properties").path("items").path("minItems").asInt()).isEqualTo(8);
    }

    record Case(String name, String json, boolean valid) {
    }

    /** Valid and invalid answers to {@code rubric}, built from one answer that hits nothing. */
    static List<Case> table(Rubric rubric) {
        List<String> ids = rubric.ids();
        List<Case> cases = new ArrayList<>();
        ObjectNode base = JSON.createObjectNode();
        ArrayNode items = base.putArray("items");
        for (String id : ids) {
            items.addObject().put("id", id).put("hit", false).put("evidence", "").put("reason", "not shown");
        }
        base.put("comment", "fine");
        cases.add(new Case("every item answered", base.toString(), true));
        cases.add(new Case("hits with evidence", edit(base, b -> {
            ((ObjectNode) b.get("items").get(0)).put("hit", true).put("evidence", "您好😀").put("reason", "一句理由");
            ((ObjectNode) b.get("items").get(ids.size() - 1)).put("hit", true);
        }), true));
        cases.add(new Case("reverse order", edit(base, b -> {
            ArrayNode a = (ArrayNode) b.get("items");
            List<JsonNode> copy = new ArrayList<>();
            a.forEach(copy::add);
            a.removeAll();
            for (int i = copy.size() - 1; i >= 0; i--) {
                a.add(copy.get(i));
            }
        }), true));
        cases.add(new Case("comment null", edit(base, b -> b.putNull("comment")), true));
        cases.add(new Case("no comment", edit(base, b -> b.remove("comment")), true));
        cases.add(new Case("evidence and reason null", edit(base, b -> ((ObjectNode) b.get("items").get(1)).putNull("evidence").putNull("reason")), true));
        cases.add(new Case("evidence and reason absent", edit(base, b -> ((ObjectNode) b.get("items").get(1)).remove(List.of("evidence", "reason"))), true));
        cases.add(new Case("empty strings", edit(base, b -> ((ObjectNode) b.get("items").get(2)).put("reason", "").put("evidence", "")), true));

        cases.add(new Case("no items key", edit(base, b -> b.remove("items")), false));
        cases.add(new Case("items is an object", edit(base, b -> b.putObject("items")), false));
        cases.add(new Case("items empty", edit(base, b -> ((ArrayNode) b.get("items")).removeAll()), false));
        cases.add(new Case("one item missing", edit(base, b -> ((ArrayNode) b.get("items")).remove(0)), false));
        cases.add(new Case("one item twice", edit(base, b -> ((ArrayNode) b.get("items")).add(b.get("items").get(0).deepCopy())), false));
        cases.add(new Case("one id replaced by another", edit(base, b -> ((ObjectNode) b.get("items").get(0)).put("id", ids.get(1))), false));
        cases.add(new Case("unknown id instead of one", edit(base, b -> ((ObjectNode) b.get("items").get(0)).put("id", "overpromise")), false));
        cases.add(new Case("unknown id added", edit(base, b -> ((ArrayNode) b.get("items")).addObject().put("id", "made-up").put("hit", false)), false));
        cases.add(new Case("id missing", edit(base, b -> ((ObjectNode) b.get("items").get(0)).remove("id")), false));
        cases.add(new Case("id is a number", edit(base, b -> ((ObjectNode) b.get("items").get(0)).put("id", 3)), false));
        cases.add(new Case("hit missing", edit(base, b -> ((ObjectNode) b.get("items").get(0)).remove("hit")), false));
        cases.add(new Case("hit is the string true", edit(base, b -> ((ObjectNode) b.get("items").get(0)).put("hit", "true")), false));
        cases.add(new Case("hit is 1", edit(base, b -> ((ObjectNode) b.get("items").get(0)).put("hit", 1)), false));
        cases.add(new Case("hit is null", edit(base, b -> ((ObjectNode) b.get("items").get(0)).putNull("hit")), false));
        cases.add(new Case("evidence is a number", edit(base, b -> ((ObjectNode) b.get("items").get(0)).put("evidence", 12)), false));
        cases.add(new Case("reason is a list", edit(base, b -> ((ObjectNode) b.get("items").get(0)).putArray("reason").add("x")), false));
        cases.add(new Case("extra item key", edit(base, b -> ((ObjectNode) b.get("items").get(0)).put("points", -15)), false));
        cases.add(new Case("extra top-level key", edit(base, b -> b.put("score", -15)), false));
        cases.add(new Case("comment is a number", edit(base, b -> b.put("comment", 1)), false));
        cases.add(new Case("an item is a string", edit(base, b -> ((ArrayNode) b.get("items")).set(0, JSON.getNodeFactory().textNode(ids.get(0)))), false));
        cases.add(new Case("top level is a list", base.get("items").toString(), false));
        cases.add(new Case("top level is a string", "\"ok\"", false));
        return cases;
    }

    static String edit(ObjectNode base, Consumer<ObjectNode> change) {
        ObjectNode b = base.deepCopy();
        change.accept(b);
        return b.toString();
    }

    @Test
    void parserAcceptsExactlyWhatTheSchemaAllows() throws Exception {
        for (Rubric rubric : List.of(Rubric.builtin("en"), Rubric.builtin("en").withoutItemsCoveredBy(RuleSet.BUILT_IN_IDS),
                Rubric.builtin("zh"))) {
            JsonNode schema = JudgeResponseSchema.of(rubric);
            JudgeResponseParser parser = new JudgeResponseParser(rubric);
            List<Case> cases = table(rubric);
            assertThat(cases).hasSizeGreaterThan(25);
            for (Case c : cases) {
                boolean schemaValid = MiniJsonSchema.valid(schema, JSON.readTree(c.json()));
                boolean parsed;
                try {
                    parser.parse(c.json());
                    parsed = true;
                } catch (JudgeParseException e) {
                    parsed = false;
                }
                assertThat(schemaValid).as("schema on '%s': %s", c.name(), MiniJsonSchema.errors(schema, JSON.readTree(c.json())))
                        .isEqualTo(c.valid());
                assertThat(parsed).as("parser on '%s'", c.name()).isEqualTo(c.valid());
            }
        }
    }

    @Test
    void theCommittedFilesValidateTheTable() throws Exception {
        JsonNode schema = file("judge-response.schema.json");
        for (Case c : table(Rubric.builtin("en"))) {
            assertThat(MiniJsonSchema.valid(schema, JSON.readTree(c.json()))).as(c.name()).isEqualTo(c.valid());
        }
    }

    @Test
    void whatOnlyTheParserChecks() throws Exception {
        Rubric rubric = Rubric.builtin("en");
        String valid = table(rubric).get(0).json();
        JudgeResponseParser parser = new JudgeResponseParser(rubric);
        parser.parse("```json\n" + valid + "\n```"); // one fence around the whole answer is tolerated
        assertThatThrownBy(() -> parser.parse("Here you go: " + valid)).isInstanceOf(JudgeParseException.class);
        String dupKey = valid.replaceFirst("\"comment\":\"fine\"", "\"comment\":\"fine\",\"comment\":\"again\"");
        assertThatThrownBy(() -> parser.parse(dupKey)).isInstanceOf(JudgeParseException.class);
    }

    @Test
    void theValidatorRefusesKeywordsItDoesNotImplement() throws Exception {
        JsonNode schema = JSON.readTree("{\"type\": \"string\", \"pattern\": \"^a\"}");
        assertThatThrownBy(() -> MiniJsonSchema.valid(schema, JSON.getNodeFactory().textNode("b")))
                .hasMessageContaining("'pattern'");
        JsonNode once = JSON.readTree("{\"type\": \"array\", \"contains\": {\"const\": 1}, \"minContains\": 1, \"maxContains\": 1}");
        assertThat(MiniJsonSchema.valid(once, JSON.readTree("[1, 2]"))).isTrue();
        assertThat(MiniJsonSchema.valid(once, JSON.readTree("[1, 1]"))).isFalse();
        assertThat(MiniJsonSchema.valid(once, JSON.readTree("[2]"))).isFalse();
    }
}
