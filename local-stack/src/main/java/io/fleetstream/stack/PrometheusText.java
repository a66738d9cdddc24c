package io.fleetstream.stack;

import java.util.OptionalDouble;

/** Reads single values out of a Prometheus text exposition, as served on {@code /q/metrics}. */
final class PrometheusText {

    private PrometheusText() {}

    /**
     * The sum over all series of the metric {@code name} (whatever their labels), or empty if it has no series.
     *
     * <p>Summing lets a gauge be split by a tag later without the caller noticing.
     */
    static OptionalDouble sum(String exposition, String name) {
        double total = 0;
        boolean found = false;
        for (String raw : exposition.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            if (rest.startsWith("{")) {
                int end = closingBrace(rest);
                if (end < 0) {
                    continue;
                }
                rest = rest.substring(end + 1);
            } else if (!rest.startsWith(" ") && !rest.startsWith("\t")) {
                continue; // another metric whose name merely starts with this one
            }
            String[] parts = rest.strip().split("\\s+");
            if (parts.length == 0 || parts[0].isEmpty()) {
                continue;
            }
            try {
                total += Double.parseDouble(parts[0]);
                found = true;
            } catch (NumberFormatException e) {
                // Not a sample line of this metric; the exposition format allows nothing else here.
            }
        }
        return found ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    /** The index of the brace closing the label set at index 0, skipping quoted label values. */
    private static int closingBrace(String text) {
        boolean quoted = false;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '}') {
                return i;
            }
        }
        return -1;
    }
}
