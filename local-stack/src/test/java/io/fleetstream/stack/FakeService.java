package io.fleetstream.stack;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stands in for a Quarkus service in {@link LocalStackTest}: listens where {@code quarkus.http.host} and
 * {@code quarkus.http.port} say, answers {@code /q/health/ready} with 200 and {@code /config} with the system
 * properties it was started with, one {@code key=value} per line. With {@code -Dfake.exit-code=N} it exits at once.
 */
public final class FakeService {

    private FakeService() {}

    public static void main(String[] args) throws IOException {
        String exitCode = System.getProperty("fake.exit-code");
        if (exitCode != null) {
            System.out.println("fake service refusing to start, as asked");
            System.exit(Integer.parseInt(exitCode));
        }
        long startedAt = System.currentTimeMillis();
        String host = System.getProperty("quarkus.http.host");
        int port = Integer.parseInt(System.getProperty("quarkus.http.port"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
        server.createContext("/q/health/ready", exchange -> answer(exchange, "{\"status\":\"UP\"}"));
        server.createContext("/config", exchange -> {
            Map<String, String> config = new TreeMap<>();
            System.getProperties().forEach((key, value) -> config.put(key.toString(), value.toString()));
            config.put("fake.started-at", Long.toString(startedAt));
            StringBuilder body = new StringBuilder();
            config.forEach(
                    (key, value) -> body.append(key).append('=').append(value).append('\n'));
            answer(exchange, body.toString());
        });
        server.start();
        // The same words Quarkus logs once it has bound its port; LocalStack waits for them.
        System.out.println("fake service Listening on: http://" + host + ":" + port);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
