package io.fleetstream.schema;

import java.time.Duration;

/** Short labels for window sizes, as used in topic names, APIs and metric tags: {@code 30s}, {@code 1m}, {@code 1h}. */
public final class WindowSizes {

    private WindowSizes() {}

    /** The shortest exact label of a whole number of seconds, minutes, hours or days. */
    public static String label(Duration size) {
        long seconds = size.getSeconds();
        if (seconds <= 0 || size.getNano() != 0) {
            throw new IllegalArgumentException("window size must be a positive whole number of seconds: " + size);
        }
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    /** Parses a label made by {@link #label(Duration)}. */
    public static Duration parse(String label) {
        if (label == null || !label.matches("[1-9][0-9]{0,6}[smhd]")) {
            throw new IllegalArgumentException(
                    "window size must be a number followed by s, m, h or d (for example 1m or 1h), got: " + label);
        }
        long amount = Long.parseLong(label.substring(0, label.length() - 1));
        return switch (label.charAt(label.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
