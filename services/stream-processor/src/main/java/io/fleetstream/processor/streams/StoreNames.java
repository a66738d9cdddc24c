package io.fleetstream.processor.streams;

/** Names of the state stores; their changelog topics are named after them by Kafka Streams. */
public final class StoreNames {

    /** deviceId -> Device, fed by the device changelog; a tombstone deletes the entry. */
    public static final String DEVICES = "devices";

    /** Readings waiting for their device record; key = deviceId, 0x00, 8-byte big-endian source offset. */
    public static final String PENDING_READINGS = "pending-readings";

    /** Seen message ids and (device, ts) metric names, with their expiry order; keys as in Deduplication. */
    public static final String DEDUP_SEEN = "dedup-seen";

    /** Open windows; key = deviceId, 0x00, 8-byte order-preserving windowEnd, 8-byte size (see WindowKey). */
    public static final String OPEN_WINDOWS = "aggregation-open-windows";

    /** Closed windows kept for late corrections, with their last published revision; keys as {@link #OPEN_WINDOWS}. */
    public static final String CORRECTABLE_WINDOWS = "aggregation-correctable-windows";

    /** Per window size and device, the newest window end closed and the newest evicted; key = size + "/" + deviceId. */
    public static final String WINDOW_MARKS = "aggregation-window-marks";

    /** Per device, its highest reading ts and the wall-clock time that ts was seen (the device's event clock). */
    public static final String DEVICE_CLOCKS = "aggregation-device-clocks";

    /** Alert state per (deviceId, ruleId); key = deviceId + "\n" + ruleId. */
    public static final String ALERT_STATE = "alert-state";

    /** Global store ruleId -> AlertRule, fed by the rule changelog. */
    public static final String ALERT_RULES = "alert-rules";

    /** Global store of rule records that could not be used, waiting to be dead-lettered; key = partition/offset. */
    public static final String REJECTED_RULES = "alert-rules-rejected";

    /** Rule records already dead-lettered (by the task of partition 0); key as {@link #REJECTED_RULES}. */
    public static final String RULE_DEAD_LETTERS = "alert-rules-dead-lettered";

    private StoreNames() {}
}
