package dev.sensorwatch.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The HTTP endpoints of a running sensorwatch: {@code GET /metrics} in the Prometheus text format,
 * {@code GET /health}, 200 while the application is healthy and 503 otherwise, and the fleet view
 * ({@link dev.sensorwatch.view.FleetViewHandler}) on every other path. Binds 127.0.0.1 unless told
 * otherwise.
 */
final class HttpEndpoints implements AutoCloseable {

    private final HttpServer server;

    private HttpEndpoints(HttpServer server) {
        this.server = server;
    }

    /** Starts serving on {@code host:port} (port 0 picks a free one). */
    static HttpEndpoints start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", body);
        });
        server.createContext("/health", exchange -> {
            boolean ok = healthy.getAsBoolean();
            respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8",
                    (ok ? "UP\n" : "DOWN\n").getBytes(StandardCharsets.UTF_8));
        });
        server.setExecutor(null);
        server.start();
        return new HttpEndpoints(server);
    }

    /**
     * Serves every path not served otherwise with {@code handler} (the fleet view); {@code /metrics}
     * and {@code /health} keep their own handlers.
     */
    void serveRest(HttpHandler handler) {
        server.createContext("/", handler);
    }

    /** The address actually bound. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** The port actually bound. */
    int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
