package repo.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import repo.core.model.ModelOptions;

/** --model, --device, --precision, shared by every command that loads a checkpoint. */
final class ModelOptionsMixin {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face Qwen3 checkpoint folder")
    Path model;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEV", description = "cpu, gpu or gpu:N, or a list gpu:0,gpu:1 to spread the layers over (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--precision", defaultValue = "FP32", paramLabel = "P",
            description = "weight storage: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); maths is fp32 either way")
    ModelOptions.Precision precision;

    ModelOptions options() {
        return ModelOptions.parse(device, precision);
    }
}
