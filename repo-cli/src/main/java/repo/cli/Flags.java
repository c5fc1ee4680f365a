package repo.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import repo.core.model.ModelOptions;

/**
 * Usage checks every command shares, run after parsing and before a command starts: every numeric flag lies in its
 * range and {@code --device} names a device. A violation is a usage error (exit 2) naming the flag.
 */
final class Flags {
    /** The allowed closed range of every numeric flag, by name (a flag means the same in every command). */
    static final Map<String, double[]> RANGES = Map.ofEntries(
            Map.entry("--seed", new double[] {0, Long.MAX_VALUE}),
            Map.entry("--max-new-tokens", new double[] {1, 1 << 20}),
            Map.entry("--temperature", new double[] {1e-6, 100}),
            Map.entry("--top-p", new double[] {1e-6, 1}),
            Map.entry("--top-k", new double[] {0, 1 << 20}),
            Map.entry("--port", new double[] {0, 65535}),
            Map.entry("--default-max-tokens", new double[] {1, 1 << 20}),
            Map.entry("--batch", new double[] {1, 4096}),
            Map.entry("--prompt-tokens", new double[] {1, 1 << 20}),
            Map.entry("--decode-steps", new double[] {0, 1 << 20}),
            Map.entry("--reps", new double[] {1, 1000}),
            Map.entry("--train-batch", new double[] {1, 4096}),
            Map.entry("--train-tokens", new double[] {2, 1 << 20}),
            Map.entry("--kv-new-tokens", new double[] {1, 1 << 20}),
            Map.entry("--rl-steps", new double[] {2, 1000}),
            Map.entry("--threads", new double[] {1, 1024}),
            Map.entry("--init-std", new double[] {1e-9, 10}),
            Map.entry("--vocab-size", new double[] {1, 1 << 24}),
            Map.entry("--hidden-size", new double[] {1, 1 << 16}),
            Map.entry("--intermediate-size", new double[] {1, 1 << 20}),
            Map.entry("--num-hidden-layers", new double[] {1, 1024}),
            Map.entry("--num-attention-heads", new double[] {1, 1024}),
            Map.entry("--num-key-value-heads", new double[] {1, 1024}),
            Map.entry("--head-dim", new double[] {1, 4096}),
            Map.entry("--token-ids", new double[] {0, 1 << 24}),
            Map.entry("--sft", new double[] {0, 10_000_000}),
            Map.entry("--pairs", new double[] {0, 10_000_000}),
            Map.entry("--prompts", new double[] {0, 10_000_000}),
            Map.entry("--online", new double[] {0, 100_000}),
            Map.entry("--bad-cases", new double[] {0, 100_000}),
            Map.entry("--cases-per-dialogue", new double[] {1, 100}),
            Map.entry("--zh-share", new double[] {0, 1}),
            Map.entry("--typo-rate", new double[] {0, 1}),
            Map.entry("--sim-dialogues", new double[] {0, 100_000}),
            Map.entry("--sim-turns", new double[] {1, 1000}),
            Map.entry("--worst", new double[] {0, 1_000_000}),
            Map.entry("--gpus", new double[] {1, 1024}),
            Map.entry("--gpu-mem", new double[] {0.001, 1_000_000}),
            Map.entry("--micro-batch", new double[] {1, 1 << 20}),
            Map.entry("--rollout-chunk", new double[] {1, 1 << 20}),
            Map.entry("--logits-chunk", new double[] {0, 1 << 24}),
            Map.entry("--max-failure-share", new double[] {0, 1}),
            Map.entry("--max-queue", new double[] {1, 1 << 20}),
            Map.entry("--max-connections", new double[] {1, 1 << 20}),
            Map.entry("--max-body-bytes", new double[] {1, Integer.MAX_VALUE}),
            Map.entry("--header-timeout-ms", new double[] {1, 3_600_000}),
            Map.entry("--body-timeout-ms", new double[] {1, 3_600_000}));

    private Flags() {
    }

    /** Whether an option takes numbers (int, long, float, double, boxed, or arrays/lists of them). */
    static boolean numeric(OptionSpec o) {
        Class<?> t = o.type().isArray() ? o.type().getComponentType() : o.type();
        if (List.class.isAssignableFrom(o.type()) && o.auxiliaryTypes().length > 0) {
            t = o.auxiliaryTypes()[0];
        }
        return Number.class.isAssignableFrom(t) || t == int.class || t == long.class || t == float.class || t == double.class;
    }

    static void validate(ParseResult parsed) {
        for (ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
            CommandLine cmd = pr.commandSpec().commandLine();
            for (OptionSpec o : pr.commandSpec().options()) {
                Object v = o.getValue();
                if (v == null) {
                    continue;
                }
                if (numeric(o)) {
                    double[] r = RANGES.get(o.longestName());
                    if (r == null) {
                        throw new IllegalStateException("no range for numeric flag " + o.longestName());
                    }
                    for (Object x : v instanceof long[] a ? java.util.Arrays.stream(a).boxed().toList()
                            : v instanceof List<?> l ? l : List.of(v)) {
                        double d = ((Number) x).doubleValue();
                        if (!(d >= r[0] && d <= r[1])) {
                            throw new ParameterException(cmd, String.format(Locale.ROOT, "%s: %s is out of range; expected a value in [%s, %s]",
                                    o.longestName(), x, fmt(r[0]), fmt(r[1])));
                        }
                    }
                } else if (o.longestName().equals("--device")) {
                    try {
                        ModelOptions.parse(v.toString(), ModelOptions.Precision.FP32);
                    } catch (IllegalArgumentException e) {
                        throw new ParameterException(cmd, "--device: '" + v + "' is not a device; expected cpu, gpu or gpu:N"
                                + ", or a list such as gpu:0,gpu:1 to spread the layers over");
                    }
                }
            }
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
