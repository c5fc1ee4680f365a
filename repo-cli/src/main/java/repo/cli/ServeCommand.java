package repo.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import repo.core.io.PeftAdapters;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;
import repo.rewards.judge.server.OpenAiServer;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a checkpoint over an OpenAI-compatible HTTP API: GET /v1/models, POST /v1/chat/completions, "
                + "POST /v1/completions. Thinking is off unless a request sets chat_template_kwargs.enable_thinking. "
                + "Requests are generated one at a time. Stop with Ctrl-C."})
final class ServeCommand implements Callable<Integer> {
    @Mixin ModelOptionsMixin model;
    @Spec CommandSpec spec;

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT LoRA adapter folder to apply")
    Path adapter;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE}; "
            + "0.0.0.0 exposes the server to the network, without authentication)")
    String host;
    @Option(names = "--port", defaultValue = "8000", description = "port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--served-model-name", paramLabel = "NAME", description = "model id clients send (default: the checkpoint folder name)")
    String servedName;
    @Option(names = "--default-max-tokens", defaultValue = "512", description = "max_tokens when a request has none (default: ${DEFAULT-VALUE})")
    int defaultMaxTokens;

    /** The checkpoint, with the PEFT adapter loaded as "serve" when one is given. */
    private Qwen3Model loadModel() {
        Qwen3Model m = Qwen3Model.load(model.model, model.options());
        if (adapter != null) {
            try {
                PeftAdapters.load(m, "serve", adapter);
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
        return m;
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %5$s%6$s%n");
        String name = servedName != null ? servedName : model.model.toAbsolutePath().normalize().getFileName().toString();
        try (Qwen3Model m = loadModel();
             QwenTokenizer tok = QwenTokenizer.fromDirectory(model.model);
             OpenAiServer server = OpenAiServer.start(adapter == null ? m.base() : m.with("serve"), tok, new OpenAiServer.Options(host, port, name, defaultMaxTokens, 8 << 20))) {
            Thread hook = new Thread(server::close, "repo-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine().getOut().println("repo serve: model '" + name + "' listening on " + server.baseUrl()
                    + " (Ctrl-C to stop)");
            spec.commandLine().getOut().flush();
            try {
                server.awaitStop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // an embedding caller stopped us: close and return normally
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down and the hook is running
                }
            }
        }
        return 0;
    }
}
