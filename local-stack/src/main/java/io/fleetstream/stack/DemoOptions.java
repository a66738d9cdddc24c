package io.fleetstream.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * What the demo replays and how.
 *
 * @param stations station names as spelled in {@link BeijingDataset#STATIONS}
 * @param from first day replayed (Beijing time, inclusive), or empty for the start of the data
 * @param to first day not replayed (Beijing time, exclusive), or empty for the end of the data
 * @param batchHours hours of readings each station sends per round (and per request)
 * @param workDir the stack's work directory, or empty for the default
 * @param exit whether to stop the stack and exit once the summary is printed
 * @param freePorts whether the services get free ports instead of 8080 to 8084
 */
public record DemoOptions(
        List<String> stations,
        Optional<LocalDate> from,
        Optional<LocalDate> to,
        int batchHours,
        Optional<Path> workDir,
        boolean exit,
        boolean freePorts) {

    public static final int DEFAULT_BATCH_HOURS = 24;

    static final String USAGE = String.join(
            System.lineSeparator(),
            "Usage: demo.sh [--exit] [--stations a,b] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--batch-hours N]",
            "               [--work-dir DIR] [--free-ports] [--no-build]",
            "  --exit          stop everything and exit once the summary is printed (default: run until Ctrl-C)",
            "  --stations      comma-separated station names (default: all 12): "
                    + String.join(",", BeijingDataset.STATIONS),
            "  --from, --to    replay the days from (inclusive) to (exclusive), Beijing time (default: all of",
            "                  2013-03-01 to 2017-03-01)",
            "  --batch-hours   hours of readings per station and request, one round at a time (default 24)",
            "  --work-dir      data, state and logs of the stack (default .fleetstream in the checkout)",
            "  --free-ports    run the services on free ports instead of 8080-8084",
            "  --no-build      (demo.sh only) skip the Maven build when nothing changed since the last one");

    public DemoOptions {
        stations = List.copyOf(stations);
        if (stations.isEmpty()) {
            throw new IllegalArgumentException("--stations names no station");
        }
        if (batchHours < 1) {
            throw new IllegalArgumentException("--batch-hours must be at least 1, got " + batchHours);
        }
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("--from " + from.get() + " must be before --to " + to.get());
        }
    }

    /** All stations, all data, 24-hour rounds, default work directory, running until Ctrl-C. */
    public static DemoOptions defaults() {
        return new DemoOptions(
                BeijingDataset.STATIONS,
                Optional.empty(),
                Optional.empty(),
                DEFAULT_BATCH_HOURS,
                Optional.empty(),
                false,
                false);
    }

    /** Parses the command line of {@link Demo}; throws IllegalArgumentException with a readable message. */
    public static DemoOptions parse(String... args) {
        List<String> stations = BeijingDataset.STATIONS;
        Optional<LocalDate> from = Optional.empty();
        Optional<LocalDate> to = Optional.empty();
        int batchHours = DEFAULT_BATCH_HOURS;
        Optional<Path> workDir = Optional.empty();
        boolean exit = false;
        boolean freePorts = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (option) {
                case "--exit" -> exit = true;
                case "--free-ports" -> freePorts = true;
                case "--stations", "--from", "--to", "--batch-hours", "--work-dir" -> {
                    String value;
                    if (arg.contains("=")) {
                        value = arg.substring(arg.indexOf('=') + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new IllegalArgumentException(option + " needs a value");
                    }
                    switch (option) {
                        case "--stations" -> stations = parseStations(value);
                        case "--from" -> from = Optional.of(parseDate(option, value));
                        case "--to" -> to = Optional.of(parseDate(option, value));
                        case "--batch-hours" -> batchHours = parseHours(value);
                        default -> workDir = Optional.of(Path.of(value));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new DemoOptions(stations, from, to, batchHours, workDir, exit, freePorts);
    }

    /** The first instant replayed, or empty for the start of the data. */
    public Optional<Instant> fromInstant() {
        return from.map(day -> day.atStartOfDay().toInstant(BeijingDataset.BEIJING));
    }

    /** The first instant not replayed, or empty for the end of the data. */
    public Optional<Instant> toInstant() {
        return to.map(day -> day.atStartOfDay().toInstant(BeijingDataset.BEIJING));
    }

    /** The length of one round. */
    public Duration batch() {
        return Duration.ofHours(batchHours);
    }

    private static List<String> parseStations(String value) {
        List<String> stations = new ArrayList<>();
        for (String name : value.split(",")) {
            if (!name.isBlank()) {
                stations.add(BeijingDataset.station(name));
            }
        }
        return List.copyOf(new LinkedHashSet<>(stations));
    }

    private static LocalDate parseDate(String option, String value) {
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " takes a date like 2015-12-01, got '" + value + "'");
        }
    }

    private static int parseHours(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--batch-hours takes a whole number of hours, got '" + value + "'");
        }
    }
}
