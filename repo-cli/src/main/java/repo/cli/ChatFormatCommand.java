package repo.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".chat-format", ".tmp");
        Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return 0;
    }
}
