package repo.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.core.text.QwenTokenizer;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a file's exact text as a JSON array (no special tokens added).")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "folder holding tokenizer.json") Path model;
    @Option(names = "--input", required = true, paramLabel = "FILE", description = "UTF-8 text to tokenise") Path input;

    @Override
    public Integer call() throws Exception {
        String text = Files.readString(input, StandardCharsets.UTF_8);
        try (QwenTokenizer tok = QwenTokenizer.fromDirectory(model)) {
            System.out.println(Arrays.stream(tok.encode(text)).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]")));
        }
        return 0;
    }
}
