package repo.rewards.judge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where an API key may come from: an environment variable or a file, both named in the config; never the config
 * itself, a flag or a command line (which show up in shell histories and process lists). Error messages name the
 * variable or file, never any part of its content.
 */
public final class ApiKeys {
    /** A key file larger than this is not a key file. */
    static final int MAX_FILE_BYTES = 16 * 1024;

    private ApiKeys() {
    }

    /**
     * The key, stripped of surrounding white space; null when neither source is named.
     *
     * @param envName the name of an environment variable, or null
     * @param file a file holding only the key (one line), or null
     * @param env looks up environment variables ({@code System::getenv} in production)
     * @throws IllegalArgumentException when both or a missing/empty source is named, or the key has inner white space
     */
    public static String read(String envName, Path file, Function<String, String> env) {
        return read(envName, file, env, "openai.api_key_env");
    }

    /** As {@link #read(String, Path, Function)}, with {@code envLabel} naming the setting in errors (e.g. a flag). */
    public static String read(String envName, Path file, Function<String, String> env, String envLabel) {
        if (envName != null && file != null) {
            throw new IllegalArgumentException("openai: set api_key_env or api_key_file, not both");
        }
        String key;
        String where;
        if (envName != null) {
            key = env.apply(envName);
            where = envLabel + " names " + envName;
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException(where + ", which is not set or empty; export it, or drop " + envLabel
                        + " for a keyless server");
            }
        } else if (file != null) {
            where = "openai.api_key_file " + file;
            try {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException(where + " is not a regular file; it must hold the key on one line");
                }
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new IllegalArgumentException(where + " is larger than " + MAX_FILE_BYTES + " bytes; it must hold "
                            + "only the key");
                }
                key = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException(where + " cannot be read (" + e.getClass().getSimpleName() + ")");
            }
            if (key.isBlank()) {
                throw new IllegalArgumentException(where + " is empty; it must hold the key on one line");
            }
        } else {
            return null;
        }
        key = key.strip();
        if (key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException(where + ": the key holds white space or control characters; it must be "
                    + "one token on one line");
        }
        return key;
    }
}
