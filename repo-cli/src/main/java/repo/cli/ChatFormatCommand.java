package repo.cli;

import repo.core.io.SafeFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.core.text.ChatFormat;
import repo.core.text.Message;

@Command(name = "chat-format", mixinStandardHelpOptions = true,
        description = "Render messages with the Qwen3 chat template and write the exact UTF-8 bytes.")
final class ChatFormatCommand implements Callable<Integer> {
    @Option(names = "--messages", required = true, paramLabel = "FILE.json", description = "a JSON list of {role, content} messages") Path messages;
    @Option(names = "--add-generation-prompt", description = "end with the assistant header") boolean addGenerationPrompt;
    @Option(names = "--enable-thinking", arity = "1", defaultValue = "true", paramLabel = "BOOL",
            description = "false appends an empty <think></think> block to the generation prompt (default: ${DEFAULT-VALUE})")
    boolean enableThinking;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where the rendered prompt text is written") Path out;

    @Override
    public Integer call() throws Exception {
        String text = new ChatFormat().render(Message.readJson(messages), addGenerationPrompt, enableThinking);
        SafeFiles.writeString(out, text);
        return 0;
    }
}
