package dev.sensorwatch.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sensorwatch.io.ChartAssets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet view over HTTP, for the whole application whichever instance is asked:
 *
 * <ul>
 *   <li>{@code GET /}: the fleet page, sensors by open event and score, updated live;</li>
 *   <li>{@code GET /sensors/{id}}: one sensor's page, its recent readings, predictions, scores,
 *       flags, channel shares and events, updated live;</li>
 *   <li>{@code GET /api/sensors[?limit=N]}: the fleet list as JSON, gathered from every instance;</li>
 *   <li>{@code GET /api/sensors/{id}}: one sensor as JSON, answered through the instance that holds it;</li>
 *   <li>{@code GET /assets/…}: uPlot, the pages' charting library.</li>
 * </ul>
 *
 * Instances ask each other with {@code ?local=true}, which answers from the asked instance's own
 * stores only. While the stores cannot be queried (starting, rebalancing) the API answers 503.
 */
public final class FleetViewHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FleetViewHandler.class);
    /** Sensors the fleet list returns unless asked for another number. */
    public static final int DEFAULT_LIMIT = 500;
    private static final String JSON = "application/json; charset=utf-8";

    private final FleetView view;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public FleetViewHandler(FleetView view) {
        this.view = view;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                send(exchange, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI());
            boolean local = "true".equals(query.get("local"));
            try {
                if (path.equals("/") || path.equals("/index.html")) {
                    send(exchange, 200, "text/html; charset=utf-8", page("fleet.html"));
                } else if (path.startsWith("/sensors/") && path.length() > "/sensors/".length()) {
                    send(exchange, 200, "text/html; charset=utf-8", page("sensor.html"));
                } else if (path.equals("/api/sensors") || path.equals("/api/sensors/")) {
                    sendJson(exchange, 200, sensors(limit(query.get("limit")), local));
                } else if (path.startsWith("/api/sensors/")) {
                    sensor(exchange, path.substring("/api/sensors/".length()), local);
                } else if (path.equals("/assets/uPlot.iife.min.js")) {
                    send(exchange, 200, "text/javascript; charset=utf-8", ChartAssets.script());
                } else if (path.equals("/assets/uPlot.min.css")) {
                    send(exchange, 200, "text/css; charset=utf-8", ChartAssets.styles());
                } else {
                    sendJson(exchange, 404, Map.of("error", "no such page: " + path));
                }
            } catch (InvalidStateStoreException e) {
                sendJson(exchange, 503, Map.of("error", "the sensors' stores cannot be queried now (starting or"
                        + " rebalancing); retry in a few seconds"));
            } catch (IllegalArgumentException e) {
                sendJson(exchange, 400, Map.of("error", e.getMessage()));
            }
        }
    }

    /** The fleet list: this instance's sensors, and unless {@code local} every other instance's. */
    FleetView.SensorList sensors(int limit, boolean local) {
        List<FleetView.SensorRow> rows = new ArrayList<>(view.localSensors());
        List<String> instances = new ArrayList<>(List.of(address(view.self())));
        List<String> unreachable = new ArrayList<>();
        if (!local) {
            for (HostInfo other : view.otherInstances()) {
                String address = address(other);
                try {
                    HttpResponse<String> response = get(other, "/api/sensors?local=true&limit=" + limit);
                    if (response.statusCode() != 200) {
                        throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
                    }
                    FleetView.SensorList theirs = json.readValue(response.body(), FleetView.SensorList.class);
                    rows.addAll(theirs.sensors());
                    instances.add(address);
                } catch (IOException e) {
                    LOG.warn("Fleet view: instance {} did not answer: {}", address, e.getMessage());
                    unreachable.add(address);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    unreachable.add(address);
                }
            }
        }
        return FleetView.SensorList.of(instances, unreachable, rows, limit);
    }

    private void sensor(HttpExchange exchange, String sensorId, boolean local) throws IOException {
        Optional<HostInfo> host = local ? Optional.of(view.self()) : view.hostOf(sensorId);
        if (host.isEmpty()) {
            sendJson(exchange, 503, Map.of("error", "which instance holds " + sensorId
                    + " is not known now (starting or rebalancing); retry in a few seconds"));
        } else if (host.get().equals(view.self())) {
            Optional<FleetView.SensorDetail> detail = view.localSensor(sensorId);
            if (detail.isPresent()) {
                sendJson(exchange, 200, detail.get());
            } else {
                sendJson(exchange, 404, Map.of("error", "no readings of sensor " + sensorId + " have been scored"));
            }
        } else {
            try {
                HttpResponse<String> response = get(host.get(), "/api/sensors/"
                        + URLEncoder.encode(sensorId, StandardCharsets.UTF_8).replace("+", "%20") + "?local=true");
                send(exchange, response.statusCode(), JSON, response.body().getBytes(StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                sendJson(exchange, 502, Map.of("error", "instance " + address(host.get()) + ", which holds "
                        + sensorId + ", did not answer: " + e.getMessage()));
            }
        }
    }

    private HttpResponse<String> get(HostInfo host, String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address(host) + pathAndQuery))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String address(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("limit must be a positive whole number, got " + value);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.put(key, value);
            }
        }
        return params;
    }

    private static byte[] page(String name) {
        try (InputStream in = FleetViewHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("page " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, JSON, json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
