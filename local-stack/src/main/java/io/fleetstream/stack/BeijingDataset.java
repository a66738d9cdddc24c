package io.fleetstream.stack;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * The UCI "Beijing Multi-Site Air-Quality Data" set under {@code data/beijing-air-quality}: one gzip-compressed CSV per
 * station, one row per hour, read as Fleetstream readings.
 *
 * <p>A row becomes a reading stamped with its hour in Beijing time (UTC+8, no daylight saving). Every numeric column
 * that is not {@code NA} becomes a metric under its column name ({@code PM2.5}, {@code TEMP}, ...), and the wind
 * direction becomes the attribute {@code wd}. A row without a single numeric value cannot be sent, because the edge
 * rejects a reading with empty metrics; the reader reports it as skipped instead.
 */
public final class BeijingDataset {

    /** The twelve monitoring stations, spelled as in the files and the {@code station} column. */
    public static final List<String> STATIONS = List.of(
            "Aotizhongxin",
            "Changping",
            "Dingling",
            "Dongsi",
            "Guanyuan",
            "Gucheng",
            "Huairou",
            "Nongzhanguan",
            "Shunyi",
            "Tiantan",
            "Wanliu",
            "Wanshouxigong");

    /** The numeric columns, in file order; each one is a metric of the same name. */
    public static final List<String> METRICS =
            List.of("PM2.5", "PM10", "SO2", "NO2", "CO", "O3", "TEMP", "PRES", "DEWP", "RAIN", "WSPM");

    /** Beijing local time: UTC+8 all year. */
    public static final ZoneOffset BEIJING = ZoneOffset.ofHours(8);

    /** The device type every station is registered with. */
    public static final String DEVICE_TYPE = "air-quality-station";

    /** How the registry describes that type. */
    public static final String DEVICE_TYPE_DESCRIPTION =
            "Beijing municipal air-quality monitoring station: pollutant concentrations and weather, hourly";

    /** Labels every station is registered with. */
    public static final Map<String, String> DEVICE_LABELS = Map.of("city", "beijing", "source", "uci-prsa");

    /** The attribute that carries the wind direction. */
    public static final String WIND_DIRECTION = "wd";

    static final List<String> HEADER = List.of(
            "No", "year", "month", "day", "hour", "PM2.5", "PM10", "SO2", "NO2", "CO", "O3", "TEMP", "PRES", "DEWP",
            "RAIN", "wd", "WSPM", "station");

    private static final String MISSING = "NA";
    private static final int FIRST_METRIC_COLUMN = 5;
    private static final int WD_COLUMN = HEADER.indexOf("wd");
    private static final int STATION_COLUMN = HEADER.indexOf("station");

    private final Path directory;

    private BeijingDataset(Path directory) {
        this.directory = directory;
    }

    /** The data set shipped in the checkout at {@code data/beijing-air-quality}. */
    public static BeijingDataset inRepo(Path repoRoot) {
        return at(repoRoot.resolve("data").resolve("beijing-air-quality"));
    }

    /** The data set in a directory holding the {@code PRSA_Data_<Station>_*.csv.gz} files. */
    public static BeijingDataset at(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("The Beijing air-quality data is not at " + directory);
        }
        return new BeijingDataset(directory);
    }

    public Path directory() {
        return directory;
    }

    /** The device id of a station: its name in lower case, for example {@code aotizhongxin}. */
    public static String deviceId(String station) {
        return station.toLowerCase(Locale.ROOT);
    }

    /**
     * Resolves a station name given in any case ({@code dongsi}, {@code Dongsi}) to its spelling in {@link #STATIONS}.
     */
    public static String station(String name) {
        for (String station : STATIONS) {
            if (station.equalsIgnoreCase(name.trim())) {
                return station;
            }
        }
        throw new IllegalArgumentException("unknown station '" + name + "', expected one of " + STATIONS);
    }

    /** The compressed CSV of a station. */
    public Path file(String station) {
        String prefix = "PRSA_Data_" + station(station) + "_";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, prefix + "*.csv.gz")) {
            Iterator<Path> found = files.iterator();
            if (found.hasNext()) {
                return found.next();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + directory, e);
        }
        throw new IllegalStateException("No file " + prefix + "*.csv.gz in " + directory);
    }

    /** Opens the rows of a station for reading, in file (and time) order. The caller closes the reader. */
    public StationReader open(String station) {
        return new StationReader(station(station), file(station));
    }

    /**
     * One row of a station file.
     *
     * @param line the line number in the file, the header being line 1
     * @param ts the start of the hour, epoch milliseconds
     * @param metrics the non-missing numeric values by column name, in column order; empty if the row has none
     * @param attributes {@code wd} when the wind direction is known
     */
    public record Row(long line, long ts, Map<String, Double> metrics, Map<String, String> attributes) {

        /** Whether the row can become a reading; the edge refuses a reading without metrics. */
        public boolean sendable() {
            return !metrics.isEmpty();
        }
    }

    /** Reads the rows of one station file lazily; not thread-safe. */
    public static final class StationReader implements Iterator<Row>, Closeable {

        private final String station;
        private final Path file;
        private final BufferedReader reader;
        private long lineNumber;
        private Row next;

        private StationReader(String station, Path file) {
            this.station = station;
            this.file = file;
            try {
                this.reader = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8));
                checkHeader(reader.readLine());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + file, e);
            }
            lineNumber = 1;
        }

        public String station() {
            return station;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = readRow();
            }
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more rows in " + file);
            }
            Row row = next;
            next = null;
            return row;
        }

        /** The next row without consuming it, or {@code null} at the end of the file. */
        public Row peek() {
            return hasNext() ? next : null;
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not close " + file, e);
            }
        }

        private void checkHeader(String line) {
            if (line == null || !split(line).equals(HEADER)) {
                throw new IllegalStateException(file + " does not start with the expected header " + HEADER);
            }
        }

        private Row readRow() {
            String line;
            try {
                line = reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + file + " after line " + lineNumber, e);
            }
            if (line == null) {
                return null;
            }
            lineNumber++;
            if (line.isEmpty()) {
                return readRow();
            }
            List<String> fields = split(line);
            if (fields.size() != HEADER.size()) {
                throw malformed("has " + fields.size() + " fields instead of " + HEADER.size());
            }
            if (!station.equals(fields.get(STATION_COLUMN))) {
                throw malformed("names station " + fields.get(STATION_COLUMN) + " instead of " + station);
            }
            long ts;
            try {
                ts = LocalDateTime.of(
                                Integer.parseInt(fields.get(1)),
                                Integer.parseInt(fields.get(2)),
                                Integer.parseInt(fields.get(3)),
                                Integer.parseInt(fields.get(4)),
                                0)
                        .toInstant(BEIJING)
                        .toEpochMilli();
            } catch (NumberFormatException | DateTimeException e) {
                throw malformed("has no valid date and hour: " + e.getMessage());
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int column = FIRST_METRIC_COLUMN; column < HEADER.size(); column++) {
                String name = HEADER.get(column);
                if (column == WD_COLUMN || column == STATION_COLUMN || MISSING.equals(fields.get(column))) {
                    continue;
                }
                double value;
                try {
                    value = Double.parseDouble(fields.get(column));
                } catch (NumberFormatException e) {
                    throw malformed("has a non-numeric " + name + ": '" + fields.get(column) + "'");
                }
                if (!Double.isFinite(value)) {
                    throw malformed("has a non-finite " + name + ": '" + fields.get(column) + "'");
                }
                metrics.put(name, value);
            }
            String wd = fields.get(WD_COLUMN);
            Map<String, String> attributes = MISSING.equals(wd) || wd.isEmpty() ? Map.of() : Map.of(WIND_DIRECTION, wd);
            return new Row(lineNumber, ts, Collections.unmodifiableMap(metrics), attributes);
        }

        private IllegalStateException malformed(String problem) {
            return new IllegalStateException(file.getFileName() + " line " + lineNumber + " " + problem);
        }

        /** Splits a line of this file: plain comma separation, surrounding double quotes removed, CR dropped. */
        private static List<String> split(String line) {
            String trimmed = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            String[] parts = trimmed.split(",", -1);
            String[] fields = new String[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                fields[i] = part.length() >= 2 && part.startsWith("\"") && part.endsWith("\"")
                        ? part.substring(1, part.length() - 1)
                        : part;
            }
            return List.of(fields);
        }
    }
}
