package io.fleetstream.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load on the gateway: a fixed number of loops, each sending its next request as soon as the previous
 * one is answered, so that exactly {@code concurrency} requests are in flight. Requests take turns over the devices;
 * each carries {@code readingsPerRequest} readings.
 */
final class EdgeLoad {

    /** How long requests still in flight at the end of a phase may take to be answered. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final LoadClient client;
    private final Workload workload;
    private final int readingsPerRequest;
    private final int concurrency;
    private final long maxRequests;

    private final AtomicLong sent = new AtomicLong();
    private final LongAdder operations = new LongAdder();
    private final LongAdder items = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final Histogram latency = new ConcurrentHistogram(3_600_000_000L, 3);
    private final Map<String, LongAdder> unexpected = new ConcurrentHashMap<>();
    private final Map<String, String> firstUnexpectedBody = new ConcurrentHashMap<>();
    private CountDownLatch loopsDone;
    private PhaseTimer timer;
    private volatile boolean stopping;
    private volatile boolean boundReached;

    EdgeLoad(LoadClient client, Workload workload, int readingsPerRequest, int concurrency, long maxRequests) {
        this.client = client;
        this.workload = workload;
        this.readingsPerRequest = readingsPerRequest;
        this.concurrency = concurrency;
        this.maxRequests = maxRequests;
    }

    /** Runs warm-up and measurement, then waits for the requests still in flight. */
    PhaseResult run(String name, Duration warmUp, Duration measure, CpuMeter meter) {
        timer = new PhaseTimer(warmUp, measure);
        loopsDone = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            next();
        }
        timer.awaitMeasureStart();
        CpuMeter.Snapshot before = meter.snapshot();
        timer.awaitMeasureEnd();
        CpuMeter.Snapshot after = meter.snapshot();
        stopping = true;
        try {
            if (!loopsDone.await(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                unexpected
                        .computeIfAbsent(
                                "still unanswered " + DRAIN_TIMEOUT.toSeconds() + " s after the phase",
                                k -> new LongAdder())
                        .add(loopsDone.getCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the last answers", e);
        }
        Map<String, Long> problems = new TreeMap<>();
        unexpected.forEach((key, count) -> problems.put(describe(key), count.sum()));
        return new PhaseResult(
                name,
                operations.sum(),
                items.sum(),
                timer.measured(),
                latency,
                sent.get(),
                accepted.sum(),
                problems,
                CpuMeter.between(before, after),
                boundReached);
    }

    private void next() {
        if (stopping || timer.over(System.nanoTime())) {
            loopsDone.countDown();
            return;
        }
        if (sent.incrementAndGet() > maxRequests) {
            sent.decrementAndGet();
            boundReached = true;
            loopsDone.countDown();
            return;
        }
        int device = workload.nextDeviceIndex();
        byte[] body = workload.body(device, readingsPerRequest);
        long started = System.nanoTime();
        client.post(workload.device(device).authorization(), body, new LoadClient.Answer() {
            @Override
            public void response(int status, String answer) {
                long finished = System.nanoTime();
                if (status == 202) {
                    long count = acceptedCount(answer);
                    accepted.add(count);
                    if (timer.inWindow(finished)) {
                        operations.increment();
                        items.add(count);
                        latency.recordValue((finished - started) / 1_000);
                    }
                } else {
                    count("HTTP " + status, answer);
                }
                next();
            }

            @Override
            public void failure(Throwable error) {
                count(error.getClass().getSimpleName() + ": " + error.getMessage(), null);
                next();
            }
        });
    }

    private void count(String key, String body) {
        unexpected.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (body != null) {
            firstUnexpectedBody.putIfAbsent(key, body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }

    private String describe(String key) {
        String body = firstUnexpectedBody.get(key);
        return body == null ? key : key + " (first body: " + body.replaceAll("\\s+", " ") + ")";
    }

    /** The {@code accepted} count of a 202 body such as {@code {"accepted":100,"duplicates":0}}. */
    static long acceptedCount(String body) {
        int key = body.indexOf("\"accepted\"");
        if (key < 0) {
            return 0;
        }
        int i = body.indexOf(':', key) + 1;
        while (i < body.length() && Character.isWhitespace(body.charAt(i))) {
            i++;
        }
        long value = 0;
        while (i < body.length() && Character.isDigit(body.charAt(i))) {
            value = value * 10 + (body.charAt(i++) - '0');
        }
        return value;
    }
}
