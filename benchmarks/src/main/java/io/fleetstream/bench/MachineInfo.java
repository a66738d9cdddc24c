package io.fleetstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A one-line description of the machine for the report: CPU model and count, memory, load when the run began. */
final class MachineInfo {

    private MachineInfo() {}

    static String describe() {
        int cores = Runtime.getRuntime().availableProcessors();
        String model = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
        String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(kb -> Long.parseLong(kb.replaceAll("[^0-9]", "")) / (1024 * 1024) + " GiB")
                .orElse("? GiB");
        String load = read(Path.of("/proc/loadavg"))
                .map(text -> {
                    String[] parts = text.trim().split("\\s+");
                    return parts[0] + " " + parts[1] + " " + parts[2];
                })
                .orElse("?");
        return cores + " CPUs (" + model + "), " + memory + " RAM, load average at start " + load;
    }

    private static Optional<String> firstValue(Path file, String key) {
        return read(file).flatMap(text -> text.lines()
                .filter(line -> line.startsWith(key))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst());
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
