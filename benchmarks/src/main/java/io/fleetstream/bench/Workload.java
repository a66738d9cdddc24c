package io.fleetstream.bench;

import io.fleetstream.schema.TelemetryReading;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongToDoubleFunction;

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
    private static final byte[] TS_FIELD = ascii("{\"ts\":");
    private static final byte[] TEMPERATURE_FIELD = ascii(",\"metrics\":{\"temperature\":");
    private static final byte[] HUMIDITY_FIELD = ascii(",\"humidity\":");
    private static final byte[] MESSAGE_ID_FIELD = ascii(",\"pressure\":1013.25},\"messageId\":\"");
    private static final byte[] ATTRIBUTES_FIELD = ascii("\",\"attributes\":{\"firmware\":\"" + FIRMWARE + "\"}}");
    // temperature(ts) and humidity(ts) depend on ts modulo the array length; rendered once.
    private static final byte[][] TEMPERATURES = rendered(200, Workload::temperature);
    private static final byte[][] HUMIDITIES = rendered(300, Workload::humidity);
    // Upper bound of a reading's bytes besides the device id: fragments, two 19-digit numbers, values, '-' and ','.
    private static final int READING_BYTES = TS_FIELD.length
            + TEMPERATURE_FIELD.length
            + HUMIDITY_FIELD.length
            + MESSAGE_ID_FIELD.length
            + ATTRIBUTES_FIELD.length
            + 2 * 19
            + longest(TEMPERATURES)
            + longest(HUMIDITIES)
            + 2;

    private final List<Device> devices;
    private final byte[][] deviceIdBytes;
    private final AtomicLongArray nextTs;
    private final AtomicLong nextDevice = new AtomicLong();

    private Workload(List<Device> devices, long firstTs) {
        this.devices = List.copyOf(devices);
        this.deviceIdBytes =
                devices.stream().map(device -> ascii(device.deviceId())).toArray(byte[][]::new);
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

    /**
     * A JSON body of one reading (when {@code readings} is 1) or an array of {@code readings} readings, as UTF-8 bytes.
     * It is put together from fragments rendered once, so that the load generator costs little CPU per reading on a
     * machine whose cores it shares with the gateway and the broker.
     */
    byte[] body(int deviceIndex, int readings) {
        long first = nextTs.getAndAdd(deviceIndex, readings);
        byte[] deviceId = deviceIdBytes[deviceIndex];
        JsonBytes json = new JsonBytes(readings * (READING_BYTES + deviceId.length) + 2);
        if (readings == 1) {
            appendReading(json, deviceId, first);
            return json.toByteArray();
        }
        json.put((byte) '[');
        for (int i = 0; i < readings; i++) {
            if (i > 0) {
                json.put((byte) ',');
            }
            appendReading(json, deviceId, first + i);
        }
        json.put((byte) ']');
        return json.toByteArray();
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

    private static void appendReading(JsonBytes json, byte[] deviceId, long ts) {
        json.put(TS_FIELD).putDigits(ts).put(TEMPERATURE_FIELD).put(TEMPERATURES[(int) (ts % TEMPERATURES.length)]);
        json.put(HUMIDITY_FIELD).put(HUMIDITIES[(int) (ts % HUMIDITIES.length)]).put(MESSAGE_ID_FIELD);
        json.put(deviceId).put((byte) '-').putDigits(ts).put(ATTRIBUTES_FIELD);
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

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] rendered(int count, LongToDoubleFunction value) {
        byte[][] rendered = new byte[count][];
        for (int i = 0; i < count; i++) {
            rendered[i] = ascii(Double.toString(value.applyAsDouble(i)));
        }
        return rendered;
    }

    private static int longest(byte[][] fragments) {
        return Arrays.stream(fragments)
                .mapToInt(fragment -> fragment.length)
                .max()
                .orElse(0);
    }

    /** A fixed byte buffer for one body, sized by an upper bound before it is written. */
    private static final class JsonBytes {
        private final byte[] bytes;
        private int size;

        JsonBytes(int capacity) {
            this.bytes = new byte[capacity];
        }

        JsonBytes put(byte b) {
            bytes[size++] = b;
            return this;
        }

        JsonBytes put(byte[] fragment) {
            System.arraycopy(fragment, 0, bytes, size, fragment.length);
            size += fragment.length;
            return this;
        }

        /** The decimal digits of a value >= 0. */
        JsonBytes putDigits(long value) {
            int digits = 1;
            for (long rest = value / 10; rest > 0; rest /= 10) {
                digits++;
            }
            for (int i = size + digits - 1; i >= size; i--) {
                bytes[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            size += digits;
            return this;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
    }
}
