package dev.sensorwatch.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Files the commands make for themselves: the NAB sample shipped in the jar, copied out; temporary folders. */
final class LocalFiles {

    /** Where the sample lies among the jar's resources: its files, labels.json, the notice and licence, index.txt. */
    private static final String SAMPLE = "/demo/nab/";

    private LocalFiles() {
    }

    /** Copies the NAB sample in the jar's resources to {@code target}, in NAB's layout, with its labels. */
    static Path extractSample(Path target) throws IOException {
        List<String> files = new ArrayList<>(List.of("labels.json", "NOTICE.md", "LICENSE-NAB.txt"));
        try (InputStream index = LocalFiles.class.getResourceAsStream(SAMPLE + "index.txt")) {
            if (index == null) {
                throw new IllegalStateException("the demo sample is missing from the jar");
            }
            new String(index.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank()).forEach(files::add);
        }
        for (String name : files) {
            Path file = target.resolve(name);
            Files.createDirectories(file.getParent());
            try (InputStream in = LocalFiles.class.getResourceAsStream(SAMPLE + name)) {
                if (in == null) {
                    throw new IllegalStateException("demo sample file " + name + " is missing from the jar");
                }
                Files.copy(in, file);
            }
        }
        return target;
    }

    /** Deletes a directory tree, best effort (a temporary directory). */
    static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp directory
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
