package io.fleetstream.processor.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running statistics of one device over one open window: count, min, max and sum per metric, plus the device type and
 * labels of the newest reading added (the alert engine matches rule scopes against them when the window closes), and
 * the revision last published (-1 while the window is open, 0 once published at close, then one more per correction).
 */
final class WindowAccumulator {

    private static final byte FORMAT = 2;
    private static final int UNPUBLISHED = -1;

    private String deviceType;
    private Map<String, String> labels;
    private final TreeMap<String, Stats> metrics;
    private int revision;

    private WindowAccumulator(
            String deviceType, Map<String, String> labels, TreeMap<String, Stats> metrics, int revision) {
        this.deviceType = deviceType;
        this.labels = labels;
        this.metrics = metrics;
        this.revision = revision;
    }

    static WindowAccumulator empty() {
        return new WindowAccumulator("", Map.of(), new TreeMap<>(), UNPUBLISHED);
    }

    /** The revision last published, -1 if never published. */
    int revision() {
        return revision;
    }

    /** Marks the next revision as published and returns it: 0 at close, then 1, 2, ... for corrections. */
    int nextRevision() {
        revision++;
        return revision;
    }

    /** Adds every metric value of one reading and takes over the device's type and labels. */
    void add(Map<String, Double> values, String type, Map<String, String> deviceLabels) {
        this.deviceType = type;
        this.labels = Map.copyOf(deviceLabels);
        values.forEach((metric, value) ->
                metrics.computeIfAbsent(metric, name -> new Stats()).add(value));
    }

    String deviceType() {
        return deviceType;
    }

    Map<String, String> labels() {
        return labels;
    }

    /** Statistics per metric, in metric name order. */
    Map<String, Stats> metrics() {
        return metrics;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + metrics.size() * 48);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(revision);
            BinaryStrings.write(out, deviceType);
            out.writeInt(labels.size());
            for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
                BinaryStrings.write(out, label.getKey());
                BinaryStrings.write(out, label.getValue());
            }
            out.writeInt(metrics.size());
            for (Map.Entry<String, Stats> metric : metrics.entrySet()) {
                Stats stats = metric.getValue();
                BinaryStrings.write(out, metric.getKey());
                out.writeLong(stats.count);
                out.writeDouble(stats.min);
                out.writeDouble(stats.max);
                out.writeDouble(stats.sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static WindowAccumulator decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown window accumulator format " + format);
            }
            int revision = in.readInt();
            String type = BinaryStrings.read(in);
            int labelCount = in.readInt();
            Map<String, String> labels = new TreeMap<>();
            for (int i = 0; i < labelCount; i++) {
                labels.put(BinaryStrings.read(in), BinaryStrings.read(in));
            }
            int metricCount = in.readInt();
            TreeMap<String, Stats> metrics = new TreeMap<>();
            for (int i = 0; i < metricCount; i++) {
                String name = BinaryStrings.read(in);
                Stats stats = new Stats();
                stats.count = in.readLong();
                stats.min = in.readDouble();
                stats.max = in.readDouble();
                stats.sum = in.readDouble();
                metrics.put(name, stats);
            }
            return new WindowAccumulator(type, Map.copyOf(labels), metrics, revision);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Count, min, max and sum of one metric; min and max are seeded by the first value, never by a sentinel. */
    static final class Stats {
        private long count;
        private double min;
        private double max;
        private double sum;

        void add(double value) {
            if (count == 0) {
                min = value;
                max = value;
            } else {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
            sum += value;
            count++;
        }

        long count() {
            return count;
        }

        double min() {
            return min;
        }

        double max() {
            return max;
        }

        double sum() {
            return sum;
        }
    }
}
