package io.fleetstream.systemtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * What the system test expects, computed straight from the CSV files with a parser of its own, so that a mistake in
 * the demo's reader cannot hide the same mistake in the platform.
 *
 * <p>The time zone is taken from the tz database (Asia/Shanghai, which had no daylight saving time in these years)
 * rather than from a fixed offset, and columns are found by their header name.
 */
final class CsvSlice {

    /** One stored metric value is identified by device, metric and timestamp. */
    record Key(String deviceId, String metric, Instant ts) {}

    /** One alert episode: raised at the end of the hour that crossed the raise threshold, cleared likewise. */
    record Episode(String deviceId, Instant raisedAt, double raiseValue, Instant clearedAt, Double clearValue) {}

    private static final List<String> METRIC_COLUMNS =
            List.of("PM2.5", "PM10", "SO2", "NO2", "CO", "O3", "TEMP", "PRES", "DEWP", "RAIN", "WSPM");
    private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");

    final Map<Key, Double> values = new HashMap<>();
    final Map<String, Map<Instant, String>> windDirection = new HashMap<>();
    final Map<String, TreeMap<Instant, Double>> pm25 = new HashMap<>();

    /** Reads the rows of the given stations whose hour lies in [from, to). */
    static CsvSlice read(Path dataDir, List<String> stations, Instant from, Instant to) throws IOException {
        CsvSlice slice = new CsvSlice();
        for (String station : stations) {
            Path file = dataDir.resolve("PRSA_Data_" + station + "_20130301-20170228.csv.gz");
            String deviceId = station.toLowerCase();
            slice.pm25.put(deviceId, new TreeMap<>());
            slice.windDirection.put(deviceId, new HashMap<>());
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                Map<String, Integer> column = new HashMap<>();
                String[] header = unquote(reader.readLine());
                for (int i = 0; i < header.length; i++) {
                    column.put(header[i], i);
                }
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String[] f = unquote(line);
                    Instant hour = ZonedDateTime.of(
                                    Integer.parseInt(f[column.get("year")]),
                                    Integer.parseInt(f[column.get("month")]),
                                    Integer.parseInt(f[column.get("day")]),
                                    Integer.parseInt(f[column.get("hour")]),
                                    0,
                                    0,
                                    0,
                                    BEIJING)
                            .toInstant();
                    if (hour.isBefore(from) || !hour.isBefore(to)) {
                        continue;
                    }
                    for (String metric : METRIC_COLUMNS) {
                        String text = f[column.get(metric)];
                        if (!text.equals("NA")) {
                            slice.values.put(new Key(deviceId, metric, hour), Double.valueOf(text));
                        }
                    }
                    String wd = f[column.get("wd")];
                    if (!wd.equals("NA")) {
                        slice.windDirection.get(deviceId).put(hour, wd);
                    }
                    String pm = f[column.get("PM2.5")];
                    if (!pm.equals("NA")) {
                        slice.pm25.get(deviceId).put(hour, Double.valueOf(pm));
                    }
                }
            }
        }
        return slice;
    }

    /** Stored values per metric. */
    Map<String, Long> countsByMetric() {
        Map<String, Long> counts = new TreeMap<>();
        values.keySet().forEach(key -> counts.merge(key.metric(), 1L, Long::sum));
        return counts;
    }

    /**
     * Hysteresis over the hourly PM2.5 values of one device, in time order: while no episode is open, an hour above
     * {@code raise} opens one; while one is open, an hour below {@code clear} closes it. Each hour is its own
     * one-hour window, so the hourly average is the value itself, and the event time is the window end.
     */
    List<Episode> episodes(String deviceId, double raise, double clear) {
        List<Episode> episodes = new ArrayList<>();
        Instant raisedAt = null;
        double raiseValue = 0;
        for (Map.Entry<Instant, Double> hour : pm25.get(deviceId).entrySet()) {
            double value = hour.getValue();
            Instant windowEnd = hour.getKey().plus(Duration.ofHours(1));
            if (raisedAt == null && value > raise) {
                raisedAt = windowEnd;
                raiseValue = value;
            } else if (raisedAt != null && value < clear) {
                episodes.add(new Episode(deviceId, raisedAt, raiseValue, windowEnd, value));
                raisedAt = null;
            }
        }
        if (raisedAt != null) {
            episodes.add(new Episode(deviceId, raisedAt, raiseValue, null, null));
        }
        return episodes;
    }

    private static String[] unquote(String line) {
        String[] fields = line.split(",", -1);
        for (int i = 0; i < fields.length; i++) {
            fields[i] = fields[i].replace("\"", "").trim();
        }
        return fields;
    }
}
