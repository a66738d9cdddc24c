package io.fleetstream.processor.streams;

/** Names of the state stores; their changelog topics are named after them by Kafka Streams. */
public final class StoreNames {

    /** deviceId -> Device, fed by the device changelog. */
    public static final String DEVICES = "devices";

    /** Readings waiting for their device record; key = deviceId, 0x00, 8-byte big-endian source offset. */
    public static final String PENDING_READINGS = "pending-readings";

    /** Open windows; key = 8-byte order-preserving windowEnd, 8-byte size, deviceId. */
    public static final String WINDOWS = "aggregation-windows";

    /** Highest reading timestamp seen by the aggregator of a task, under one key. */
    public static final String STREAM_TIME = "aggregation-stream-time";

    /** Per window size and device, the end of the newest window already closed; key = size + "/" + deviceId. */
    public static final String CLOSED_WINDOWS = "aggregation-closed";

    /** Alert state per (deviceId, ruleId); key = deviceId + "\n" + ruleId. */
    public static final String ALERT_TRACKS = "alert-tracks";

    /** Global store ruleId -> AlertRule, fed by the rule changelog. */
    public static final String ALERT_RULES = "alert-rules";

    private StoreNames() {}
}
