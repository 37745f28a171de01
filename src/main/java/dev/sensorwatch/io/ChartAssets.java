package dev.sensorwatch.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * uPlot (MIT), the charting library of the HTML report and the fleet view, read from its WebJar on
 * the class path; its version is the one the build resolved (the WebJar's own
 * {@code pom.properties}).
 */
public final class ChartAssets {

    private static final String WEBJAR = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    private ChartAssets() {
    }

    /** The uPlot version on the class path. */
    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = resource(WEBJAR)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    /** uPlot's script (the IIFE build, defining {@code uPlot}). */
    public static byte[] script() {
        return read("dist/uPlot.iife.min.js");
    }

    /** uPlot's style sheet. */
    public static byte[] styles() {
        return read("dist/uPlot.min.css");
    }

    /** uPlot's licence text. */
    public static byte[] license() {
        return read("LICENSE");
    }

    private static byte[] read(String file) {
        String path = "META-INF/resources/webjars/uplot/" + version() + "/" + file;
        try (InputStream in = resource(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = ChartAssets.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException(path + " is missing from the class path (the uPlot WebJar)");
        }
        return in;
    }
}
