package io.fleetstream.bench;

import io.fleetstream.schema.TelemetryReading;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The devices of a run and the readings they send, as a device would write them: three metrics, one attribute and a
 * message id. Every reading of a device has its own timestamp (one millisecond after the previous one), so that no two
 * readings share an identity (device, metric, ts) and a deduplicating gateway would store them all.
 */
final class Workload {

    /** One provisioned device with its bearer token. */
    record Device(String deviceId, String credentialId, String token) {

        String authorization() {
            return "Bearer " + token;
        }
    }

    private static final String FIRMWARE = "1.4.2";

    private final List<Device> devices;
    private final AtomicLongArray nextTs;
    private final AtomicLong nextDevice = new AtomicLong();

    private Workload(List<Device> devices, long firstTs) {
        this.devices = List.copyOf(devices);
        this.nextTs = new AtomicLongArray(devices.size());
        for (int i = 0; i < devices.size(); i++) {
            nextTs.set(i, firstTs);
        }
    }

    /**
     * {@code count} devices with random 256-bit tokens. Readings start at {@code firstTs} (a little before the gateway
     * clock, so that they are neither in the future nor too old) and move on one millisecond per reading.
     */
    static Workload create(int count, Instant firstTs) {
        SecureRandom random = new SecureRandom();
        List<Device> devices = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] token = new byte[32];
            random.nextBytes(token);
            String id = "bench-%05d".formatted(i);
            devices.add(new Device(id, id + "-cred", HexFormat.of().formatHex(token)));
        }
        return new Workload(devices, firstTs.toEpochMilli());
    }

    List<Device> devices() {
        return devices;
    }

    /** The index of the device the next request comes from; devices take turns. */
    int nextDeviceIndex() {
        return (int) (nextDevice.getAndIncrement() % devices.size());
    }

    Device device(int index) {
        return devices.get(index);
    }

    /** Reserves the timestamp of the next reading of a device. */
    long nextTs(int deviceIndex) {
        return nextTs.getAndIncrement(deviceIndex);
    }

    /** A JSON body of one reading (when {@code readings} is 1) or an array of {@code readings} readings. */
    String body(int deviceIndex, int readings) {
        long first = nextTs.getAndAdd(deviceIndex, readings);
        String deviceId = devices.get(deviceIndex).deviceId();
        if (readings == 1) {
            return appendReading(new StringBuilder(160), deviceId, first).toString();
        }
        StringBuilder json = new StringBuilder(readings * 150 + 2).append('[');
        for (int i = 0; i < readings; i++) {
            if (i > 0) {
                json.append(',');
            }
            appendReading(json, deviceId, first + i);
        }
        return json.append(']').toString();
    }

    /**
     * The record the gateway writes for a reading of {@link #body}: same device id, metrics, attribute and message id
     * lengths, so its Avro encoding has the same size.
     */
    TelemetryReading record(int deviceIndex, long ts, Instant receivedAt) {
        String deviceId = devices.get(deviceIndex).deviceId();
        return TelemetryReading.newBuilder()
                .setDeviceId(deviceId)
                .setTs(Instant.ofEpochMilli(ts))
                .setReceivedAt(receivedAt)
                .setMessageId(messageId(deviceId, ts))
                .setMetrics(Map.of("temperature", temperature(ts), "humidity", humidity(ts), "pressure", 1013.25))
                .setAttributes(Map.of("firmware", FIRMWARE))
                .build();
    }

    private static StringBuilder appendReading(StringBuilder json, String deviceId, long ts) {
        return json.append("{\"ts\":")
                .append(ts)
                .append(",\"metrics\":{\"temperature\":")
                .append(temperature(ts))
                .append(",\"humidity\":")
                .append(humidity(ts))
                .append(",\"pressure\":1013.25},\"messageId\":\"")
                .append(messageId(deviceId, ts))
                .append("\",\"attributes\":{\"firmware\":\"" + FIRMWARE + "\"}}");
    }

    private static String messageId(String deviceId, long ts) {
        return deviceId + "-" + ts;
    }

    private static double temperature(long ts) {
        return 15.0 + (ts % 200) / 10.0;
    }

    private static double humidity(long ts) {
        return 40.0 + (ts % 300) / 10.0;
    }
}
