package io.fleetstream.bench;

import io.fleetstream.infra.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.TimeUnit;

/**
 * A load generator on a Vert.x HTTP client, the default before {@link NioLoadClient}: few event-loop threads and a
 * fixed pool of keep-alive connections. It drives hundreds of connections from one thread, but needs about twice the
 * CPU per request of the NIO client, which the gateway then lacks when both share the machine's cores.
 */
final class VertxLoadClient implements LoadClient {

    private final Vertx vertx;
    private final HttpClient client;
    private final int threads;
    private final int connections;

    VertxLoadClient(int port, int connections, int threads) {
        this.threads = threads;
        this.connections = connections;
        // Native transport is not on the classpath; saying so keeps Vert.x from probing for it.
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(threads)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(false));
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setDefaultHost(Ports.LOOPBACK_HOST)
                .setDefaultPort(port)
                .setKeepAlive(true)
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setConnectTimeout(5_000)
                .setIdleTimeout(0);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connections));
    }

    @Override
    public void post(String authorization, byte[] body, Answer answer) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI("/v1/telemetry")
                .putHeader(HttpHeaders.AUTHORIZATION, authorization)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        client.request(request)
                .compose(req -> req.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(bytes -> {
                    answer.response(response.statusCode(), bytes.toString());
                    return null;
                }))
                .onFailure(answer::failure);
    }

    @Override
    public String describe() {
        return "vertx HttpClient, " + threads + " event loop(s), up to " + connections + " connections";
    }

    @Override
    public void close() {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println("Could not close the Vert.x client cleanly: " + e.getMessage());
        }
    }
}
