package repo.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import repo.core.io.PeftAdapters;
import repo.core.io.SafetensorsWriter;

@Command(name = "merge-adapter", mixinStandardHelpOptions = true,
        description = "Merge a PEFT LoRA adapter into its base model and write a full Hugging Face checkpoint.")
final class MergeAdapterCommand implements Callable<Integer> {
    @Mixin ModelOptionsMixin model;
    @Option(names = "--adapter", required = true, paramLabel = "DIR", description = "PEFT adapter folder") Path adapter;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "new (or empty) output folder") Path out;
    @Option(names = "--dtype", defaultValue = "F32", description = "storage dtype: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    SafetensorsWriter.Storage dtype;

    @Override
    public Integer call() throws Exception {
        PeftAdapters.mergeAndSave(model.model, adapter, out, model.options(), dtype);
        System.out.println("wrote merged checkpoint to " + out);
        return 0;
    }
}
