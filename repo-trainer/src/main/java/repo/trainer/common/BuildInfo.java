package repo.trainer.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The library version and the git commit it was built from ({@code unknown} when the build was not given
 * {@code -Dgit.commit=...}), recorded in every checkpoint's {@code trainer_state.json}.
 */
public final class BuildInfo {
    public static final String VERSION, COMMIT;

    static {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/repo/trainer/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        VERSION = known(p.getProperty("version"));
        COMMIT = known(p.getProperty("git.commit"));
    }

    private BuildInfo() {
    }

    private static String known(String s) {
        return s == null || s.isBlank() || s.startsWith("${") ? "unknown" : s.trim();
    }
}
