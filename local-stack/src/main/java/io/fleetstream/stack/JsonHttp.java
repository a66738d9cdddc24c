package io.fleetstream.stack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The demo's HTTP client for the Fleetstream APIs: JSON in and out, a 503 retried after its {@code Retry-After} (a
 * bounded number of times), and any other unexpected status turned into a {@link DemoFailure} that quotes the problem
 * document the service sent.
 */
final class JsonHttp {

    /** How often one request is retried after a 503 or a broken connection before the demo gives up. */
    static final int MAX_ATTEMPTS = 20;

    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final ObjectMapper mapper;

    JsonHttp(ObjectMapper mapper) {
        this.mapper = mapper;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** A JSON request; {@code body} is serialised with Jackson, or sent as is when it is already bytes. */
    HttpRequest jsonRequest(String method, URI uri, Object body, Optional<String> bearerToken) {
        byte[] bytes;
        try {
            bytes = body instanceof byte[] raw ? raw : mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Could not serialise the request to " + uri, e);
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        bearerToken.ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        return builder.build();
    }

    /** Sends a request and returns the JSON body of the expected status; retries 503. */
    JsonNode exchange(HttpRequest request, int expectedStatus) {
        try {
            return sendAsync(request, expectedStatus).join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    /** {@code GET} of a JSON resource that must answer 200, as the holder of {@code bearerToken} if present. */
    JsonNode getJson(URI uri, Optional<String> bearerToken) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .GET();
        bearerToken.ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        return exchange(builder.build(), 200);
    }

    /** {@code GET} of a text resource such as {@code /q/metrics}; any status other than 200 is a failure. */
    String getText(URI uri) {
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new DemoFailure("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new DemoFailure("GET " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("Interrupted during GET " + uri, e);
        }
    }

    /**
     * Sends a request without blocking. Completes with the JSON body of the expected status; completes exceptionally
     * with a {@link DemoFailure} for any other status, after retrying a 503 (and a broken connection) up to
     * {@value #MAX_ATTEMPTS} times in all.
     */
    CompletableFuture<JsonNode> sendAsync(HttpRequest request, int expectedStatus) {
        return attempt(request, expectedStatus, 1);
    }

    private CompletableFuture<JsonNode> attempt(HttpRequest request, int expectedStatus, int attempt) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause()
                                : error;
                        if (cause instanceof IOException && attempt < MAX_ATTEMPTS) {
                            return retryAfter(request, expectedStatus, attempt, DEFAULT_RETRY_AFTER);
                        }
                        return CompletableFuture.<JsonNode>failedFuture(new DemoFailure(
                                describe(request) + " failed after " + attempt + " attempt(s): " + cause, cause));
                    }
                    int status = response.statusCode();
                    if (status == expectedStatus) {
                        return CompletableFuture.completedFuture(parse(request, response.body()));
                    }
                    if (status == 503 && attempt < MAX_ATTEMPTS) {
                        return retryAfter(request, expectedStatus, attempt, retryAfter(response));
                    }
                    return CompletableFuture.<JsonNode>failedFuture(unexpected(request, response, attempt));
                })
                .thenCompose(future -> future);
    }

    private CompletableFuture<JsonNode> retryAfter(
            HttpRequest request, int expectedStatus, int attempt, Duration delay) {
        Executor delayed = CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> null, delayed)
                .thenCompose(ignored -> attempt(request, expectedStatus, attempt + 1));
    }

    private static Duration retryAfter(HttpResponse<String> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return DEFAULT_RETRY_AFTER;
        }
        try {
            long seconds = Long.parseLong(header.get().trim());
            Duration delay = Duration.ofSeconds(Math.max(0, seconds));
            return delay.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : delay;
        } catch (NumberFormatException e) {
            // An HTTP-date is allowed too; the demo's services send seconds, so a date just means "a moment".
            return DEFAULT_RETRY_AFTER;
        }
    }

    private JsonNode parse(HttpRequest request, String body) {
        if (body == null || body.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new DemoFailure(describe(request) + " answered with a body that is not JSON: " + body, e);
        }
    }

    private DemoFailure unexpected(HttpRequest request, HttpResponse<String> response, int attempt) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        String document;
        try {
            document = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(body));
        } catch (JsonProcessingException e) {
            document = body;
        }
        String what = status == 503
                ? " still answered 503 after " + attempt + " attempts"
                : status >= 400 && status < 500
                        ? " was refused with " + status + " (a request the demo should never send)"
                        : " answered " + status;
        return new DemoFailure(describe(request) + what + ":" + System.lineSeparator() + document);
    }

    private static String describe(HttpRequest request) {
        return request.method() + " " + request.uri();
    }

    static RuntimeException unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new DemoFailure(cause.toString(), cause);
    }
}
