package repo.trainer.config;

/**
 * A configuration value that is wrong, named by its YAML key path: {@code key.path: what is wrong; expected …}.
 * {@link TrainConfig#parse} prefixes the file name.
 */
public final class ConfigError extends IllegalArgumentException {
    private final String key;

    public ConfigError(String key, String problem, String expected) {
        super(key + ": " + problem + "; expected " + expected);
        this.key = key;
    }

    /** The YAML key path, e.g. {@code optim.warmup_steps}. */
    public String key() {
        return key;
    }
}
