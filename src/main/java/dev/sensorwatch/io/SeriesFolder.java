package dev.sensorwatch.io;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the series files of an input and names each by its path relative to the input root, for
 * {@link SeriesReader}.
 */
final class SeriesFolder {

    private SeriesFolder() {}

    /** See {@link SeriesReader#listSeriesFiles(Path)}. */
    static List<Path> listSeriesFiles(Path input) throws IOException {
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        if (!Files.isDirectory(input)) {
            throw new NoSuchFileException(input.toString(), null, "no such file or folder");
        }
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(input, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return !dir.equals(input) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = file.getFileName().toString();
                if (!isHidden(file) && name.toLowerCase(Locale.ROOT).endsWith(".csv") && Files.isRegularFile(file)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        Map<Path, String> keys = new HashMap<>();
        for (Path file : found) {
            keys.put(file, relativePath(input, file));
        }
        found.sort(Comparator.comparing(keys::get));
        return List.copyOf(found);
    }

    /** See {@link SeriesReader#relativePath(Path, Path)}. */
    static String relativePath(Path root, Path file) {
        Path base = root.toAbsolutePath().normalize();
        Path target = file.toAbsolutePath().normalize();
        if (base.equals(target)) {
            Path name = target.getFileName();
            if (name == null) {
                throw new IllegalArgumentException(file + " is not a file");
            }
            return name.toString();
        }
        if (!target.startsWith(base)) {
            throw new IllegalArgumentException(file + " is not inside the input root " + root);
        }
        Path relative = base.relativize(target);
        StringBuilder path = new StringBuilder();
        for (Path part : relative) {
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(part);
        }
        return path.toString();
    }

    /** Tells whether a file or folder is hidden, by the Unix convention of a leading '.'. */
    private static boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }
}
