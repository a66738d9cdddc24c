package io.fleetstream.bench;

import io.fleetstream.infra.Ports;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The alternative load generator: {@code java.net.http.HttpClient} over HTTP/1.1. It opens one connection per request
 * in flight and keeps it for the next, so the number of loops sets the number of connections.
 */
final class JdkLoadClient implements LoadClient {

    private final ExecutorService executor;
    private final HttpClient client;
    private final URI uri;
    private final int threads;

    JdkLoadClient(int port, int threads) {
        this.threads = threads;
        this.executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "bench-jdk-client");
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
        this.uri = URI.create("http://" + Ports.LOOPBACK_HOST + ":" + port + "/v1/telemetry");
    }

    @Override
    public void post(String authorization, byte[] body, Answer answer) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (error != null) {
                answer.failure(error);
            } else {
                answer.response(response.statusCode(), response.body());
            }
        });
    }

    @Override
    public String describe() {
        return "java.net.http HttpClient, " + threads + " executor thread(s), one connection per request in flight";
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
