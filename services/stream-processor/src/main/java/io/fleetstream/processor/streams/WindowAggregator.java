package io.fleetstream.processor.streams;

import io.fleetstream.processor.domain.ClosedMetricWindow;
import io.fleetstream.processor.streams.ProcessorMetrics.LateOutcome;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tumbling-window statistics per device, metric and window size, without a repartition (the key stays the device id).
 *
 * <p>Each device has its own event clock: its highest reading timestamp, advanced by the wall-clock time elapsed since
 * that timestamp was seen. A window of a device is final, published with revision 0 and handed to the alert engine,
 * when
 *
 * <ol>
 *   <li>a reading of that device carries a ts at or after windowEnd + grace (checked when the reading is processed), or
 *   <li>the device's clock reaches windowEnd + grace (checked by a wall-clock punctuator), so that windows close on
 *       time when the device, or its whole partition, goes silent; or
 *   <li>the task has received no reading for the idle-close period and the wall clock has reached windowEnd + grace.
 *       This drains a replay of historical data, whose device clocks lag far behind the wall clock.
 * </ol>
 *
 * A device's clock never moves another device's windows, so one device with a clock running ahead cannot make the
 * readings of its neighbours late. A closed window is kept for the correction horizon: a late reading for it updates it
 * and publishes the whole window again with the next revision. Older windows are forgotten; readings for them are
 * counted as dropped from the aggregates (they are still on the enriched topic).
 */
final class WindowAggregator implements Processor<String, EnrichedReading, Object, Object> {

    private static final Logger LOG = Logger.getLogger(WindowAggregator.class);

    private final ProcessorSettings settings;
    private final ProcessorMetrics metrics;
    private final long graceMillis;
    private final long horizonMillis;
    private final long idleMillis;
    private final long[] sizes;
    private final Map<Long, Duration> sizeByMillis = new HashMap<>();
    private final Map<Long, String> sinkByMillis = new HashMap<>();

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Bytes, byte[]> open;
    private KeyValueStore<Bytes, byte[]> correctable;
    private KeyValueStore<String, byte[]> marks;
    private KeyValueStore<String, byte[]> clocks;
    private long lastReadingWallClock;

    WindowAggregator(ProcessorSettings settings, ProcessorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.graceMillis = settings.grace().toMillis();
        this.horizonMillis = settings.correctionHorizon().toMillis();
        this.idleMillis = settings.idleCloseAfter().toMillis();
        this.sizes =
                settings.windowSizes().stream().mapToLong(Duration::toMillis).toArray();
        for (Duration size : settings.windowSizes()) {
            sizeByMillis.put(size.toMillis(), size);
            sinkByMillis.put(size.toMillis(), TelemetryTopology.aggregateSink(size));
        }
        metrics.windowSizes(settings.windowSizes());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.open = context.getStateStore(StoreNames.OPEN_WINDOWS);
        this.correctable = context.getStateStore(StoreNames.CORRECTABLE_WINDOWS);
        this.marks = context.getStateStore(StoreNames.WINDOW_MARKS);
        this.clocks = context.getStateStore(StoreNames.DEVICE_CLOCKS);
        this.lastReadingWallClock = context.currentSystemTimeMs();
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeOnWallClock);
    }

    @Override
    public void process(Record<String, EnrichedReading> record) {
        long now = context.currentSystemTimeMs();
        lastReadingWallClock = now;
        EnrichedReading reading = record.value();
        String deviceId = reading.getDeviceId();
        long ts = reading.getTs().toEpochMilli();
        DeviceClock clock = DeviceClock.decode(clocks.get(deviceId));
        if (clock == null || ts > clock.maxTs()) {
            clock = new DeviceClock(ts, now);
            clocks.put(deviceId, clock.encode());
        }
        for (long size : sizes) {
            long windowEnd = Math.floorDiv(ts, size) * size + size;
            WindowKey key = new WindowKey(deviceId, windowEnd, size);
            Marks mark = Marks.decode(marks.get(markKey(size, deviceId)));
            if (windowEnd <= mark.evictedThrough() || windowEnd + graceMillis + horizonMillis <= clock.maxTs()) {
                metrics.lateReading(sizeByMillis.get(size), LateOutcome.DROPPED);
                LOG.debugf(
                        "reading of device [%s] at %s is beyond the correction horizon of its %s window ending %s",
                        deviceId, reading.getTs(), sizeByMillis.get(size), Instant.ofEpochMilli(windowEnd));
            } else if (windowEnd <= mark.closedThrough()) {
                correct(key, reading);
                metrics.lateReading(sizeByMillis.get(size), LateOutcome.CORRECTED);
            } else {
                Bytes bytes = key.toBytes();
                byte[] stored = open.get(bytes);
                WindowAccumulator window =
                        stored == null ? WindowAccumulator.empty() : WindowAccumulator.decode(stored);
                window.add(reading.getMetrics(), reading.getDeviceType(), reading.getLabels());
                open.put(bytes, window.encode());
            }
        }
        // Event time alone decides here, so a replay of the same readings closes the same windows.
        closeDue(deviceId, clock.maxTs(), "event time");
    }

    /** Adds a late reading to a closed window and publishes the whole window again with the next revision. */
    private void correct(WindowKey key, EnrichedReading reading) {
        Bytes bytes = key.toBytes();
        byte[] stored = correctable.get(bytes);
        WindowAccumulator window = stored == null ? WindowAccumulator.empty() : WindowAccumulator.decode(stored);
        if (window.revision() < 0) {
            // The window had no readings when it closed, so nothing was published: this is its first correction.
            window.nextRevision();
        }
        window.add(reading.getMetrics(), reading.getDeviceType(), reading.getLabels());
        int revision = window.nextRevision();
        correctable.put(bytes, window.encode());
        publish(key, window, revision);
        LOG.debugf(
                "late reading of device [%s] at %s corrected its %s window ending %s (revision %d)",
                key.deviceId(),
                reading.getTs(),
                sizeByMillis.get(key.sizeMillis()),
                Instant.ofEpochMilli(key.windowEndMillis()),
                revision);
    }

    private void closeOnWallClock(long now) {
        List<KeyValue<String, byte[]>> devices = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = clocks.all()) {
            all.forEachRemaining(devices::add);
        }
        for (KeyValue<String, byte[]> entry : devices) {
            DeviceClock clock = DeviceClock.decode(entry.value);
            long deviceTime = clock.maxTs() + Math.max(0, now - clock.seenAtWallClock());
            closeDue(entry.key, deviceTime, "device clock");
            evictDue(entry.key, deviceTime);
        }
        if (now - lastReadingWallClock >= idleMillis) {
            closeIdle(now);
        }
    }

    /** Closes and publishes the device's open windows with windowEnd + grace at or before {@code deviceTime}. */
    private void closeDue(String deviceId, long deviceTime, String trigger) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> windows =
                open.prefixScan(WindowKey.devicePrefix(deviceId), new BytesSerializer())) {
            while (windows.hasNext()) {
                KeyValue<Bytes, byte[]> entry = windows.next();
                if (WindowKey.fromBytes(entry.key).windowEndMillis() + graceMillis > deviceTime) {
                    break;
                }
                due.add(entry);
            }
        }
        for (KeyValue<Bytes, byte[]> entry : due) {
            close(WindowKey.fromBytes(entry.key), entry.value, trigger);
        }
    }

    /** With the whole task silent, closes every open window whose windowEnd + grace has passed on the wall clock. */
    private void closeIdle(long now) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = open.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> entry = all.next();
                if (WindowKey.fromBytes(entry.key).windowEndMillis() + graceMillis <= now) {
                    due.add(entry);
                }
            }
        }
        for (KeyValue<Bytes, byte[]> entry : due) {
            close(WindowKey.fromBytes(entry.key), entry.value, "idle partition");
        }
    }

    private void close(WindowKey key, byte[] stored, String trigger) {
        open.delete(key.toBytes());
        WindowAccumulator window = WindowAccumulator.decode(stored);
        String markKey = markKey(key.sizeMillis(), key.deviceId());
        Marks mark = Marks.decode(marks.get(markKey));
        int revision = window.nextRevision();
        if (horizonMillis > 0) {
            correctable.put(key.toBytes(), window.encode());
            marks.put(markKey, mark.closed(key.windowEndMillis()).encode());
        } else {
            marks.put(
                    markKey,
                    mark.closed(key.windowEndMillis())
                            .evicted(key.windowEndMillis())
                            .encode());
        }
        publish(key, window, revision);
        metrics.windowClosed(sizeByMillis.getOrDefault(key.sizeMillis(), Duration.ofMillis(key.sizeMillis())));
        LOG.debugf(
                "closed %d ms window ending %s of device [%s] by %s",
                key.sizeMillis(), Instant.ofEpochMilli(key.windowEndMillis()), key.deviceId(), trigger);
    }

    /** Forgets the device's closed windows whose correction horizon has passed on its clock. */
    private void evictDue(String deviceId, long deviceTime) {
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> windows =
                correctable.prefixScan(WindowKey.devicePrefix(deviceId), new BytesSerializer())) {
            while (windows.hasNext()) {
                Bytes key = windows.next().key;
                if (WindowKey.fromBytes(key).windowEndMillis() + graceMillis + horizonMillis > deviceTime) {
                    break;
                }
                due.add(key);
            }
        }
        for (Bytes bytes : due) {
            WindowKey key = WindowKey.fromBytes(bytes);
            correctable.delete(bytes);
            String markKey = markKey(key.sizeMillis(), key.deviceId());
            marks.put(
                    markKey,
                    Marks.decode(marks.get(markKey))
                            .evicted(key.windowEndMillis())
                            .encode());
        }
    }

    private void publish(WindowKey key, WindowAccumulator window, int revision) {
        String sink = sinkByMillis.get(key.sizeMillis());
        if (sink == null) {
            LOG.warnf(
                    "dropping window of device [%s] ending %s: its size of %d ms is no longer configured in"
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
                    .setRevision(revision)
                    .build();
            context.forward(new Record<Object, Object>(key.deviceId(), aggregate, key.windowStartMillis()), sink);
            if (revision == 0) {
                // Alerts are evaluated once, on the result at close; corrections do not re-evaluate them.
                context.forward(
                        new Record<Object, Object>(
                                key.deviceId(),
                                new ClosedMetricWindow(aggregate, window.labels()),
                                key.windowEndMillis()),
                        TelemetryTopology.ALERT_EVALUATOR);
            }
        });
    }

    private static String markKey(long size, String deviceId) {
        return size + "/" + deviceId;
    }

    /**
     * The event clock of one device.
     *
     * @param maxTs highest reading ts of the device
     * @param seenAtWallClock wall-clock time at which that reading was processed
     */
    record DeviceClock(long maxTs, long seenAtWallClock) {

        byte[] encode() {
            return ByteBuffer.allocate(16)
                    .putLong(maxTs)
                    .putLong(seenAtWallClock)
                    .array();
        }

        static DeviceClock decode(byte[] encoded) {
            if (encoded == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(encoded);
            return new DeviceClock(buffer.getLong(), buffer.getLong());
        }
    }

    /**
     * How far the windows of one device and size have moved on.
     *
     * @param closedThrough end of the newest window closed, {@link Long#MIN_VALUE} if none
     * @param evictedThrough end of the newest window forgotten after its correction horizon, {@link Long#MIN_VALUE}
     */
    record Marks(long closedThrough, long evictedThrough) {

        static final Marks NONE = new Marks(Long.MIN_VALUE, Long.MIN_VALUE);

        Marks closed(long windowEnd) {
            return new Marks(Math.max(closedThrough, windowEnd), evictedThrough);
        }

        Marks evicted(long windowEnd) {
            return new Marks(closedThrough, Math.max(evictedThrough, windowEnd));
        }

        byte[] encode() {
            return ByteBuffer.allocate(16)
                    .putLong(closedThrough)
                    .putLong(evictedThrough)
                    .array();
        }

        static Marks decode(byte[] encoded) {
            if (encoded == null) {
                return NONE;
            }
            ByteBuffer buffer = ByteBuffer.wrap(encoded);
            return new Marks(buffer.getLong(), buffer.getLong());
        }
    }
}
