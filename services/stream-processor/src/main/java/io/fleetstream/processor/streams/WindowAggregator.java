package io.fleetstream.processor.streams;

import io.fleetstream.processor.domain.ClosedMetricWindow;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tumbling-window statistics per device, metric and window size, without a repartition (the key stays the device id).
 *
 * <p>A window is final, and published exactly once, when either
 *
 * <ol>
 *   <li>the task's stream time (the highest reading timestamp this processor has seen in this task, kept in a store so
 *       that it survives restarts) reaches windowEnd + grace, or
 *   <li>the task has received no reading for the idle-close period and the wall clock has reached windowEnd + grace.
 * </ol>
 *
 * Windows are closed in windowEnd order. A reading for a window that is already closed, by either rule, is late: it has
 * been published on the enriched topic already but does not change the published aggregate.
 */
final class WindowAggregator implements Processor<String, EnrichedReading, Object, Object> {

    private static final Logger LOG = Logger.getLogger(WindowAggregator.class);
    private static final String STREAM_TIME_KEY = "stream-time";
    private static final long NO_TIME = Long.MIN_VALUE;

    private final ProcessorSettings settings;
    private final ProcessorMetrics metrics;
    private final long graceMillis;
    private final long idleMillis;
    private final long[] sizes;
    private final Map<Long, Duration> sizeByMillis = new HashMap<>();
    private final Map<Long, String> sinkByMillis = new HashMap<>();
    /** Every window end is a multiple of this (the greatest common divisor of the sizes). */
    private final long endStep;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Bytes, byte[]> windows;
    private KeyValueStore<String, Long> streamTimeStore;
    private KeyValueStore<String, Long> closedStore;
    private long streamTime;
    private long lastReadingWallClock;
    /** Every window ending at or before this has been closed by stream time. */
    private long streamClosedThrough = NO_TIME;

    WindowAggregator(ProcessorSettings settings, ProcessorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.graceMillis = settings.grace().toMillis();
        this.idleMillis = settings.idleCloseAfter().toMillis();
        this.sizes =
                settings.windowSizes().stream().mapToLong(Duration::toMillis).toArray();
        BigInteger step = BigInteger.ZERO;
        for (Duration size : settings.windowSizes()) {
            sizeByMillis.put(size.toMillis(), size);
            sinkByMillis.put(size.toMillis(), TelemetryTopology.aggregateSink(size));
            step = step.gcd(BigInteger.valueOf(size.toMillis()));
        }
        this.endStep = step.longValueExact();
        metrics.windowSizes(settings.windowSizes());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.windows = context.getStateStore(StoreNames.WINDOWS);
        this.streamTimeStore = context.getStateStore(StoreNames.STREAM_TIME);
        this.closedStore = context.getStateStore(StoreNames.CLOSED_WINDOWS);
        Long stored = streamTimeStore.get(STREAM_TIME_KEY);
        this.streamTime = stored == null ? NO_TIME : stored;
        this.lastReadingWallClock = context.currentSystemTimeMs();
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeIfIdle);
    }

    @Override
    public void process(Record<String, EnrichedReading> record) {
        lastReadingWallClock = context.currentSystemTimeMs();
        EnrichedReading reading = record.value();
        String deviceId = reading.getDeviceId();
        long ts = reading.getTs().toEpochMilli();
        for (long size : sizes) {
            long windowEnd = Math.floorDiv(ts, size) * size + size;
            if (isClosed(deviceId, size, windowEnd)) {
                metrics.lateReading(sizeByMillis.get(size));
                LOG.debugf(
                        "late reading of device [%s] at %s for closed %s window ending %s",
                        deviceId, reading.getTs(), sizeByMillis.get(size), Instant.ofEpochMilli(windowEnd));
                continue;
            }
            Bytes key = new WindowKey(windowEnd, size, deviceId).toBytes();
            byte[] stored = windows.get(key);
            WindowAccumulator window = stored == null ? WindowAccumulator.empty() : WindowAccumulator.decode(stored);
            window.add(reading.getMetrics(), reading.getDeviceType(), reading.getLabels());
            windows.put(key, window.encode());
        }
        if (ts > streamTime) {
            streamTime = ts;
            streamTimeStore.put(STREAM_TIME_KEY, ts);
            closeByStreamTime();
        }
    }

    private boolean isClosed(String deviceId, long size, long windowEnd) {
        if (streamTime != NO_TIME && windowEnd + graceMillis <= streamTime) {
            return true;
        }
        Long closedThrough = closedStore.get(closedKey(size, deviceId));
        return closedThrough != null && windowEnd <= closedThrough;
    }

    private void closeByStreamTime() {
        long boundary = Math.floorDiv(streamTime - graceMillis, endStep) * endStep;
        if (boundary > streamClosedThrough) {
            closeThrough(boundary, "stream time");
            streamClosedThrough = boundary;
        }
    }

    private void closeIfIdle(long now) {
        if (now - lastReadingWallClock >= idleMillis) {
            closeThrough(now - graceMillis, "idle wall clock");
        }
    }

    /** Closes and publishes every open window ending at or before {@code limit}, in windowEnd order. */
    private void closeThrough(long limit, String trigger) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = windows.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> entry = all.next();
                if (WindowKey.fromBytes(entry.key).windowEndMillis() > limit) {
                    break;
                }
                due.add(entry);
            }
        }
        for (KeyValue<Bytes, byte[]> entry : due) {
            WindowKey key = WindowKey.fromBytes(entry.key);
            windows.delete(entry.key);
            String closedKey = closedKey(key.sizeMillis(), key.deviceId());
            Long closedThrough = closedStore.get(closedKey);
            if (closedThrough == null || closedThrough < key.windowEndMillis()) {
                closedStore.put(closedKey, key.windowEndMillis());
            }
            publish(key, WindowAccumulator.decode(entry.value), trigger);
        }
    }

    private void publish(WindowKey key, WindowAccumulator window, String trigger) {
        String sink = sinkByMillis.get(key.sizeMillis());
        if (sink == null) {
            LOG.warnf(
                    "dropping open window of device [%s] ending %s: its size of %d ms is no longer configured in"
                            + " fleetstream.aggregation.window-sizes",
                    key.deviceId(), Instant.ofEpochMilli(key.windowEndMillis()), key.sizeMillis());
            return;
        }
        Instant start = Instant.ofEpochMilli(key.windowStartMillis());
        Instant end = Instant.ofEpochMilli(key.windowEndMillis());
        window.metrics().forEach((metric, stats) -> {
            MetricWindowAggregate aggregate = MetricWindowAggregate.newBuilder()
                    .setDeviceId(key.deviceId())
                    .setDeviceType(window.deviceType())
                    .setMetric(metric)
                    .setWindowSizeMillis(key.sizeMillis())
                    .setWindowStart(start)
                    .setWindowEnd(end)
                    .setCount(stats.count())
                    .setMin(stats.min())
                    .setMax(stats.max())
                    .setSum(stats.sum())
                    .setAvg(stats.sum() / stats.count())
                    .build();
            context.forward(new Record<Object, Object>(key.deviceId(), aggregate, key.windowStartMillis()), sink);
            context.forward(
                    new Record<Object, Object>(
                            key.deviceId(), new ClosedMetricWindow(aggregate, window.labels()), key.windowEndMillis()),
                    TelemetryTopology.ALERT_EVALUATOR);
        });
        metrics.windowClosed(sizeByMillis.get(key.sizeMillis()));
        LOG.debugf(
                "closed %s window [%s, %s) of device [%s] by %s",
                sizeByMillis.get(key.sizeMillis()), start, end, key.deviceId(), trigger);
    }

    private static String closedKey(long size, String deviceId) {
        return size + "/" + deviceId;
    }
}
