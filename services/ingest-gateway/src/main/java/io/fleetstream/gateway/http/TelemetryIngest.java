package io.fleetstream.gateway.http;

import io.fleetstream.gateway.config.IngestConfig;
import io.fleetstream.gateway.domain.Durations;
import io.fleetstream.gateway.domain.MessageIds;
import io.fleetstream.gateway.domain.ParseOutcome;
import io.fleetstream.gateway.domain.RateLimiter;
import io.fleetstream.gateway.domain.Reading;
import io.fleetstream.gateway.domain.RequestRejection;
import io.fleetstream.gateway.kafka.CredentialCache;
import io.fleetstream.gateway.kafka.DeviceDirectory;
import io.fleetstream.gateway.kafka.KafkaReachability;
import io.fleetstream.gateway.kafka.TelemetryPublisher;
import io.fleetstream.gateway.metrics.GatewayMetrics;
import io.fleetstream.gateway.metrics.GatewayMetrics.PathKind;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The pipeline both telemetry endpoints share, in the order a request meets it: registry views loaded, credential
 * and device state, media type, size, validation of every reading, Kafka reachable, the device's rate limit, then
 * {@code messageId} deduplication and the write. Every refusal happens before anything is written, and 202 is
 * answered only once Kafka has acknowledged every reading that was written.
 */
@ApplicationScoped
public class TelemetryIngest {

    private static final TelemetryPublisher.RecordOutcomes IGNORED = new TelemetryPublisher.RecordOutcomes() {
        @Override
        public void written(int index) {}

        @Override
        public void failed(int index) {}
    };

    private final ProblemResponses problems;
    private final TelemetryPublisher publisher;
    private final KafkaReachability kafka;
    private final CredentialCache credentials;
    private final DeviceDirectory devices;
    private final RateLimiter rateLimiter;
    private final MessageIds messageIds;
    private final GatewayMetrics metrics;
    private final IngestConfig config;

    public TelemetryIngest(
            ProblemResponses problems,
            TelemetryPublisher publisher,
            KafkaReachability kafka,
            CredentialCache credentials,
            DeviceDirectory devices,
            RateLimiter rateLimiter,
            MessageIds messageIds,
            GatewayMetrics metrics,
            IngestConfig config) {
        this.problems = problems;
        this.publisher = publisher;
        this.kafka = kafka;
        this.credentials = credentials;
        this.devices = devices;
        this.rateLimiter = rateLimiter;
        this.messageIds = messageIds;
        this.metrics = metrics;
        this.config = config;
    }

    /** How a request is answered: 202 with its counts, or refused with a problem response. */
    public sealed interface Answer permits Accepted, Refused {

        /** The HTTP status of the answer. */
        int status();
    }

    /** The answer to a request whose readings were all written or found to be duplicates: 202. */
    public record Accepted(int accepted, int duplicates) implements Answer {

        @Override
        public int status() {
            return 202;
        }
    }

    /** The answer to a request that was refused, or whose readings Kafka did not all acknowledge. */
    public record Refused(Response response) implements Answer {

        @Override
        public int status() {
            return response.getStatus();
        }
    }

    /**
     * Handles one request.
     *
     * @param authenticate resolves the request's credential at the receipt time
     * @param parse turns the body into readings, by the path's body format
     */
    public CompletionStage<Answer> ingest(
            PathKind path,
            Function<Instant, AuthOutcome> authenticate,
            String contentType,
            byte[] body,
            Instant receivedAt,
            BiFunction<byte[], Instant, ParseOutcome> parse) {
        long started = System.nanoTime();
        CompletionStage<Answer> response;
        try {
            response = handle(path, authenticate, contentType, body, receivedAt, parse);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        return response.whenComplete(
                (answer, error) -> metrics.requestTimer(path, answer == null ? 500 : answer.status())
                        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    }

    private CompletionStage<Answer> handle(
            PathKind path,
            Function<Instant, AuthOutcome> authenticate,
            String contentType,
            byte[] body,
            Instant receivedAt,
            BiFunction<byte[], Instant, ParseOutcome> parse) {
        // Before both registry views have read what they held at startup, a revocation or suspension may still be
        // unread behind an older record of the same key, so no request is decided on them yet.
        if (!credentials.caughtUp() || !devices.caughtUp()) {
            return refuse(
                    path,
                    RequestRejection.UNAVAILABLE,
                    problems.unavailable(
                            "the gateway is still loading device credentials and states from the registry; nothing "
                                    + "was written. Send the request again shortly",
                            config.retryAfter()));
        }
        AuthOutcome auth = authenticate.apply(receivedAt);
        if (auth instanceof AuthOutcome.Rejected rejected) {
            return refuse(
                    path,
                    RequestRejection.UNAUTHENTICATED,
                    problems.unauthorized(rejected.detail(), rejected.tokenPresented()));
        }
        if (auth instanceof AuthOutcome.Forbidden forbidden) {
            return refuse(path, RequestRejection.FORBIDDEN, problems.of(ProblemType.FORBIDDEN, forbidden.detail()));
        }
        if (auth instanceof AuthOutcome.NotReady notReady) {
            return refuse(
                    path,
                    RequestRejection.UNAVAILABLE,
                    problems.unavailable(
                            notReady.detail() + "; nothing was written. Send the request again shortly",
                            config.retryAfter()));
        }
        String deviceId = ((AuthOutcome.Authenticated) auth).deviceId();
        return accept(path, deviceId, contentType, body, receivedAt, parse);
    }

    private CompletionStage<Answer> accept(
            PathKind path,
            String deviceId,
            String contentType,
            byte[] body,
            Instant receivedAt,
            BiFunction<byte[], Instant, ParseOutcome> parse) {
        String mediaProblem = mediaTypeProblem(contentType);
        if (mediaProblem == null) {
            mediaProblem = encodingProblem(body);
        }
        if (mediaProblem != null) {
            return refuse(
                    path,
                    RequestRejection.UNSUPPORTED_MEDIA_TYPE,
                    problems.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, mediaProblem));
        }
        if (body.length > config.maxBodyBytes()) {
            return refuse(
                    path,
                    RequestRejection.TOO_LARGE,
                    problems.of(
                            ProblemType.PAYLOAD_TOO_LARGE,
                            "the body has " + body.length + " bytes but at most " + config.maxBodyBytes()
                                    + " bytes are accepted per request; split the readings across several "
                                    + "requests"));
        }

        ParseOutcome outcome = parse.apply(body, receivedAt);
        if (outcome instanceof ParseOutcome.Malformed malformed) {
            metrics.malformed();
            return refuse(path, RequestRejection.INVALID, problems.of(ProblemType.MALFORMED_JSON, malformed.detail()));
        }
        if (outcome instanceof ParseOutcome.TooManyReadings tooMany) {
            return refuse(
                    path,
                    RequestRejection.TOO_LARGE,
                    problems.of(
                            ProblemType.PAYLOAD_TOO_LARGE,
                            "the request has more than " + tooMany.limit() + " readings but at most "
                                    + tooMany.limit() + " are accepted per request; split the readings across "
                                    + "several requests"));
        }
        if (outcome instanceof ParseOutcome.Invalid invalid) {
            metrics.invalidReadings(invalid.errors(), invalid.readingCount());
            Log.debugf(
                    "device [%s]: request with %d readings refused, %d errors",
                    deviceId, invalid.readingCount(), invalid.errors().size());
            return refuse(
                    path,
                    RequestRejection.INVALID,
                    problems.invalid(
                            invalid.errors().size() + " error(s) in the request; nothing was written. Fix every "
                                    + "listed error and send the request again",
                            invalid.errors()));
        }
        return admit(path, deviceId, ((ParseOutcome.Valid) outcome).readings(), receivedAt);
    }

    private CompletionStage<Answer> admit(PathKind path, String deviceId, List<Reading> readings, Instant receivedAt) {
        if (kafka.knownDown()) {
            Log.debugf("device [%s]: Kafka unreachable, %d readings refused with 503", deviceId, readings.size());
            return refuse(
                    path,
                    RequestRejection.UNAVAILABLE,
                    problems.unavailable(
                            "Kafka is unreachable; nothing was written. Send the request again later",
                            config.retryAfter()));
        }
        long wait = rateLimiter.tryAcquire(deviceId, readings.size(), System.nanoTime());
        if (wait == Long.MAX_VALUE) {
            return refuse(
                    path,
                    RequestRejection.TOO_LARGE,
                    problems.of(
                            ProblemType.PAYLOAD_TOO_LARGE,
                            "the request has " + readings.size() + " readings but a device may send at most "
                                    + rateLimiter.burst() + " at once (its rate-limit burst); split the readings "
                                    + "across several requests"));
        }
        if (wait > 0) {
            Duration retryAfter = Duration.ofNanos(wait);
            Log.debugf("device [%s]: over its rate limit, %d readings refused with 429", deviceId, readings.size());
            return refuse(
                    path,
                    RequestRejection.RATE_LIMITED,
                    problems.rateLimited(
                            "device [" + deviceId + "] may send " + rateLimiter.readingsPerSecond() + " readings per "
                                    + "second with bursts of up to " + rateLimiter.burst() + "; this request of "
                                    + readings.size() + " readings needs " + Durations.human(retryAfter)
                                    + " more of allowance. Nothing was written; send it again after Retry-After "
                                    + "seconds, or send less often",
                            retryAfter));
        }
        Context context = Vertx.currentContext();
        Executor continuation =
                context == null ? ForkJoinPool.commonPool() : task -> context.runOnContext(v -> task.run());
        return write(deviceId, receivedAt, readings, continuation).<Answer>handle((done, error) -> {
            if (error == null) {
                metrics.accepted(done.accepted(), done.duplicates());
                Log.debugf(
                        "device [%s]: %d readings written, %d duplicates",
                        deviceId, done.accepted(), done.duplicates());
                return done;
            }
            metrics.rejected(path, RequestRejection.UNAVAILABLE);
            Log.warnf(
                    "device [%s]: %d readings not acknowledged by Kafka (%s); answered 503",
                    deviceId, readings.size(), error.getMessage());
            return new Refused(problems.unavailable(
                    "Kafka did not acknowledge every reading in time; send the whole request again later. Some of its "
                            + "readings may already have been written; those with a messageId will then be counted "
                            + "as duplicates",
                    config.retryAfter()));
        });
    }

    /**
     * Writes the readings whose {@code messageId} this request can claim, counts those already acknowledged as
     * duplicates, and for ids another request is writing right now waits for its outcome: a duplicate if it was
     * written, claimed again if it failed. The wait comes only after this request's own send, so no request ever
     * waits while it holds ids another one waits for.
     */
    private CompletionStage<Accepted> write(
            String deviceId, Instant receivedAt, List<Reading> readings, Executor continuation) {
        List<Reading> toSend = new ArrayList<>(readings.size());
        List<MessageIds.Ticket> tickets = null;
        List<Reading> waiting = null;
        List<CompletableFuture<Boolean>> waits = null;
        Set<String> seen = null;
        int duplicates = 0;
        long now = System.nanoTime();
        for (Reading reading : readings) {
            String id = reading.messageId();
            if (id == null) {
                toSend.add(reading);
                if (tickets != null) {
                    tickets.add(null);
                }
                continue;
            }
            if (seen == null) {
                seen = new HashSet<>(readings.size() * 4 / 3 + 1); // sized for every id: no rehashing
                tickets = new ArrayList<>(readings.size());
                for (int i = 0; i < toSend.size(); i++) {
                    tickets.add(null);
                }
            }
            if (!seen.add(id)) {
                duplicates++; // the same id twice in one request: the first one stands for both
                continue;
            }
            MessageIds.Claim claim = messageIds.claim(deviceId, id, now);
            if (claim instanceof MessageIds.Owned owned) {
                toSend.add(reading);
                tickets.add(owned.ticket());
            } else if (claim instanceof MessageIds.Duplicate) {
                duplicates++;
            } else if (claim instanceof MessageIds.InFlight inFlight) {
                if (waiting == null) {
                    waiting = new ArrayList<>();
                    waits = new ArrayList<>();
                }
                waiting.add(reading);
                waits.add(inFlight.outcome().toCompletableFuture());
            } else {
                metrics.untracked();
                toSend.add(reading);
                tickets.add(null);
            }
        }
        CompletionStage<Integer> sent = publisher.publish(deviceId, receivedAt, toSend, outcomesOf(tickets));
        int duplicatesHere = duplicates;
        if (waiting == null) {
            return sent.thenApply(written -> new Accepted(written, duplicatesHere));
        }
        List<Reading> waitingFor = waiting;
        List<CompletableFuture<Boolean>> outcomes = waits;
        CompletableFuture<Void> settled = CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new));
        return sent.thenCompose(written -> settled.thenComposeAsync(
                ignored -> {
                    List<Reading> again = new ArrayList<>();
                    int alreadyWritten = 0;
                    for (int i = 0; i < waitingFor.size(); i++) {
                        if (outcomes.get(i).join()) {
                            alreadyWritten++;
                        } else {
                            again.add(waitingFor.get(i));
                        }
                    }
                    int known = duplicatesHere + alreadyWritten;
                    if (again.isEmpty()) {
                        return CompletableFuture.completedFuture(new Accepted(written, known));
                    }
                    return write(deviceId, receivedAt, again, continuation)
                            .thenApply(more -> new Accepted(written + more.accepted(), known + more.duplicates()));
                },
                continuation));
    }

    private TelemetryPublisher.RecordOutcomes outcomesOf(List<MessageIds.Ticket> tickets) {
        if (tickets == null) {
            return IGNORED;
        }
        return new TelemetryPublisher.RecordOutcomes() {
            @Override
            public void written(int index) {
                MessageIds.Ticket ticket = tickets.get(index);
                if (ticket != null) {
                    messageIds.written(ticket, System.nanoTime());
                }
            }

            @Override
            public void failed(int index) {
                MessageIds.Ticket ticket = tickets.get(index);
                if (ticket != null) {
                    messageIds.failed(ticket);
                }
            }
        };
    }

    private CompletionStage<Answer> refuse(PathKind path, RequestRejection reason, Response response) {
        metrics.rejected(path, reason);
        return CompletableFuture.completedFuture(new Refused(response));
    }

    /**
     * JSON must be UTF-8 (RFC 8259). The JSON parser would also read UTF-16 and UTF-32, recognised by a byte order mark
     * or by zero bytes among the first four (a UTF-8 JSON text has none there), so such bodies are refused here.
     */
    private static String encodingProblem(byte[] body) {
        boolean bom = body.length >= 2
                && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
                        || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE));
        boolean zeroByte = false;
        for (int i = 0; i < Math.min(4, body.length) && body.length >= 2; i++) {
            zeroByte |= body[i] == 0;
        }
        if (bom || zeroByte) {
            return "the body looks like UTF-16 or UTF-32 text; JSON must be UTF-8: encode the body as UTF-8 and send "
                    + "Content-Type: application/json";
        }
        return null;
    }

    private static String mediaTypeProblem(String contentType) {
        if ("application/json".equalsIgnoreCase(contentType)) {
            return null; // what nearly every request sends; spares parsing it
        }
        String hint = "send the body as JSON with Content-Type: application/json";
        if (contentType == null || contentType.isBlank()) {
            return "the request has no Content-Type; " + hint;
        }
        MediaType type;
        try {
            type = MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            return "the Content-Type is not a valid media type; " + hint;
        }
        if (!"application".equalsIgnoreCase(type.getType()) || !"json".equalsIgnoreCase(type.getSubtype())) {
            return "the Content-Type is " + type.getType() + "/" + type.getSubtype() + "; " + hint;
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null
                && !charset.toLowerCase(Locale.ROOT).replace("-", "").equals("utf8")) {
            return "the charset is " + charset + "; JSON must be UTF-8: send Content-Type: application/json";
        }
        return null;
    }
}
