package io.fleetstream.gateway.domain;

import java.time.Duration;

/** Durations in the short form operators write in configuration ({@code 5m}, {@code 30d}, {@code 2h 15m}). */
public final class Durations {

    private Durations() {}

    /** Formats a duration with the two largest non-zero units, or milliseconds when it is under a second. */
    public static String human(Duration duration) {
        Duration d = duration.abs();
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + "ms";
        }
        long[] amounts = {d.toDays(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart()};
        String[] units = {"d", "h", "m", "s"};
        StringBuilder out = new StringBuilder();
        int parts = 0;
        for (int i = 0; i < amounts.length && parts < 2; i++) {
            if (amounts[i] != 0) {
                if (parts > 0) {
                    out.append(' ');
                }
                out.append(amounts[i]).append(units[i]);
                parts++;
            } else if (parts > 0) {
                break;
            }
        }
        return out.toString();
    }
}
