package repo.eval.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Loads a page in real headless Chromium (Debian package "chromium"): the rendered DOM and the console log lines. */
final class Chromium {
    private Chromium() {
    }

    record Page(String dom, List<String> consoleLines, String stderr) {
        boolean consoleErrors() {
            return !consoleLines.isEmpty();
        }
    }

    static Path binary() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        throw new IllegalStateException("headless Chromium is required for the report test: apt-get install -y chromium");
    }

    static Page load(Path html, Path profile) throws IOException, InterruptedException {
        Path out = Files.createTempFile(profile.getParent(), "dom", ".html");
        Path err = Files.createTempFile(profile.getParent(), "err", ".txt");
        Process p = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000",
                "--dump-dom", html.toUri().toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within 120 s");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        List<String> console = stderr.lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")).toList();
        return new Page(Files.readString(out, StandardCharsets.UTF_8), console, stderr);
    }
}
