package repo.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import repo.core.io.PeftAdapters;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;
import repo.rewards.judge.ApiKeys;
import repo.rewards.judge.server.OpenAiServer;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a checkpoint over an OpenAI-compatible HTTP API: GET /v1/models, POST /v1/chat/completions, "
                + "POST /v1/completions (a text or token-id prompt); with --allow-lora-loading also POST /v1/load_lora_adapter and "
                + "/v1/unload_lora_adapter. Thinking is off unless a request sets chat_template_kwargs.enable_thinking. "
                + "Requests are generated one at a time behind a bounded queue (429 when full); GET /health never waits. "
                + "Stop with Ctrl-C."})
final class ServeCommand implements Callable<Integer> {
    @Mixin ModelOptionsMixin model;
    @Spec CommandSpec spec;

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT LoRA adapter folder to apply")
    Path adapter;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE}; "
            + "0.0.0.0 exposes the server to the network: set --api-key-env too)")
    String host;
    @Option(names = "--api-key-env", paramLabel = "NAME", description = "require Authorization: Bearer <key> on /v1/ "
            + "requests, the key read from this environment variable (never from a flag)")
    String apiKeyEnv;
    @Option(names = "--allow-lora-loading", description = "serve POST /v1/load_lora_adapter {lora_name, lora_path} and "
            + "/v1/unload_lora_adapter: PEFT folders on this machine become adapters over the base weights, requested as "
            + "model=lora_name (off by default; as vLLM's VLLM_ALLOW_RUNTIME_LORA_UPDATING; pair with --api-key-env)")
    boolean allowLoraLoading;
    @Option(names = "--max-queue", defaultValue = "64", paramLabel = "N", description = "generations that may wait; "
            + "more get 429 (default: ${DEFAULT-VALUE})")
    int maxQueue;
    @Option(names = "--max-connections", defaultValue = "256", paramLabel = "N", description = "connections handled at "
            + "once; more get 503 (default: ${DEFAULT-VALUE})")
    int maxConnections;
    @Option(names = "--max-body-bytes", defaultValue = "8388608", paramLabel = "N", description = "larger request bodies "
            + "get 413 before they are read (default: ${DEFAULT-VALUE})")
    int maxBodyBytes;
    @Option(names = "--header-timeout-ms", defaultValue = "10000", paramLabel = "MS", description = "request line and "
            + "headers must arrive within this, else 408 (default: ${DEFAULT-VALUE})")
    long headerTimeoutMs;
    @Option(names = "--body-timeout-ms", defaultValue = "30000", paramLabel = "MS", description = "the body must arrive "
            + "within this after the headers, else 408 (default: ${DEFAULT-VALUE})")
    long bodyTimeoutMs;
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
        String key = apiKeyEnv == null ? null : ApiKeys.read(apiKeyEnv, null, System::getenv, "--api-key-env");
        OpenAiServer.Options opts = new OpenAiServer.Options(host, port, name, defaultMaxTokens, maxBodyBytes, maxQueue,
                maxConnections, Duration.ofMillis(headerTimeoutMs), Duration.ofMillis(bodyTimeoutMs), key, allowLoraLoading); // checked before the model loads
        try (Qwen3Model m = loadModel();
             QwenTokenizer tok = QwenTokenizer.fromDirectory(model.model);
             OpenAiServer server = OpenAiServer.start(adapter == null ? m.base() : m.with("serve"), tok, opts)) {
            Thread hook = new Thread(server::close, "repo-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine().getOut().println("repo serve: model '" + name + "' listening on " + server.baseUrl()
                    + (key == null ? "" : ", API key from $" + apiKeyEnv) + (allowLoraLoading ? ", runtime LoRA loading on" : "")
                    + " (Ctrl-C to stop)");
            if (opts.beyondLoopback() && key == null) {
                spec.commandLine().getErr().println("repo serve: warning: " + host + " is reachable from other machines and "
                        + "no --api-key-env is set: anyone who can reach port " + server.port() + " can use the model");
            }
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
