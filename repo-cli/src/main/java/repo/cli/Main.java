package repo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar repo.jar <command>}: a thin layer that maps flags to library calls.
 * Exit codes: 0 success, 2 usage error, 1 failure (one-line reason on stderr).
 */
@Command(name = "repo", mixinStandardHelpOptions = true, version = "repo 0.1.0",
        description = "Reward-Enhanced Policy Optimization (REPO) for Qwen3 on the JVM.",
        subcommands = {InitModelCommand.class, GenerateCommand.class, LogitsCommand.class, ChatFormatCommand.class,
                TokenizeCommand.class, TrainCommand.class, MergeAdapterCommand.class, ScoreCommand.class,
                ServeCommand.class, BenchCommand.class, DataCommand.class, EvalCommand.class, PipelineCommand.class, RewardsEvalCommand.class, PlanCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        System.setProperty("ai.djl.offline", "true"); // nothing is ever downloaded at run time
        repo.core.model.HugePages.enable();             // before libtorch's first allocation
        return commandLine().execute(args);
    }

    /**
     * The engine's own message when it finds no libtorch (e.g. "Failed to save pytorch index file" from its offline
     * download attempt) says nothing useful: a jar built with -Pcuda carries no libtorch and needs the launcher.
     */
    static String withLibtorchHint(Exception e, String msg, boolean bundledLibtorch, boolean libraryPathSet) {
        if (e instanceof ai.djl.engine.EngineException && !bundledLibtorch && !libraryPathSet) {
            return "no libtorch to load: this jar carries none (built with -Pcuda); run it through scripts/repo-cuda with "
                    + "PYTORCH_LIBRARY_PATH set to a CUDA libtorch 2.7.1 (README, \"Devices and GPUs\"); the engine said: " + msg;
        }
        return msg;
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionStrategy(parsed -> { // flag ranges and --device are usage errors (exit 2), checked before any work
                    Flags.validate(parsed);
                    return new CommandLine.RunLast().execute(parsed);
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    if (e instanceof java.nio.file.FileSystemException) {
                        msg = e.getClass().getSimpleName() + ": " + msg; // its message is only the path
                    }
                    msg = withLibtorchHint(e, msg, Main.class.getResource("/native/lib/pytorch.properties") != null,
                            System.getenv("PYTORCH_LIBRARY_PATH") != null || System.getProperty("PYTORCH_LIBRARY_PATH") != null);
                    cmd.getErr().println("repo " + cmd.getCommandName() + ": " + msg.lines().findFirst().orElse(msg));
                    if (System.getenv("REPO_DEBUG") != null) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }
}
