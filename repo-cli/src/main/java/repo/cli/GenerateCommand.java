package repo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import repo.core.generate.Generation;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.model.Qwen3Model;
import repo.core.text.ChatFormat;
import repo.core.text.Message;
import repo.core.text.QwenTokenizer;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a reply from a checkpoint. A --prompt is sent as one user turn through the Qwen3 chat "
                + "template (thinking off) unless --raw is given.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin ModelOptionsMixin model;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "a user message (or raw text with --raw)") String prompt;
        @Option(names = "--messages", paramLabel = "FILE.json", description = "JSON array of {\"role\", \"content\"}") Path messages;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Input input;

    @Option(names = "--raw", description = "feed --prompt to the model verbatim, without the chat template") boolean raw;
    @Option(names = "--enable-thinking", arity = "1", defaultValue = "false", paramLabel = "BOOL",
            description = "let the model open a <think> block (default: ${DEFAULT-VALUE})") boolean thinking;
    @Option(names = "--max-new-tokens", defaultValue = "128", description = "(default: ${DEFAULT-VALUE})") int maxNewTokens;
    @Option(names = "--greedy", description = "argmax decoding") boolean greedy;
    @Option(names = "--temperature", defaultValue = "0.7", description = "(default: ${DEFAULT-VALUE})") float temperature;
    @Option(names = "--top-p", defaultValue = "0.8", description = "(default: ${DEFAULT-VALUE})") float topP;
    @Option(names = "--top-k", defaultValue = "20", description = "0 disables (default: ${DEFAULT-VALUE})") int topK;
    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--stop", paramLabel = "TEXT", description = "stop string (repeatable)") List<String> stops;
    @Option(names = "--json", description = "print {\"ids\", \"text\", \"finish_reason\", \"logprobs\"} as JSON") boolean json;

    @Override
    public Integer call() throws Exception {
        SamplingParams params = new SamplingParams(maxNewTokens, greedy, temperature, topP, topK, seed,
                SamplingParams.QWEN_STOP_IDS, stops);
        String prompt = promptText();
        try (Qwen3Model m = Qwen3Model.load(model.model, model.options());
             QwenTokenizer tok = QwenTokenizer.fromDirectory(model.model)) {
            Generation g = new Generator(m.base(), tok).generate(prompt, params);
            if (json) {
                ObjectMapper om = new ObjectMapper();
                ObjectNode o = om.createObjectNode();
                o.putPOJO("ids", g.ids());
                o.put("text", g.text());
                o.put("finish_reason", g.finishReason().name().toLowerCase());
                o.putPOJO("logprobs", g.logProbs());
                System.out.println(om.writeValueAsString(o));
            } else {
                System.out.println(g.text());
            }
        }
        return 0;
    }

    private String promptText() throws Exception {
        if (input.prompt != null && raw) {
            return input.prompt;
        }
        List<Message> msgs = input.prompt != null ? List.of(Message.user(input.prompt)) : Message.readJson(input.messages);
        return new ChatFormat().render(msgs, true, thinking);
    }
}
