package io.fleetstream.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reads the kernel's socket tables to tell which local addresses listen on a TCP port. */
final class Listeners {

    private static final String LISTEN_STATE = "0A";

    private Listeners() {}

    /**
     * Returns the addresses with a listening socket on {@code port}, as dotted IPv4 or as raw hex for IPv6. The
     * tables list every socket on the machine, which is what makes this a check that nothing else was bound.
     */
    static Set<String> listeningAddresses(int port) throws IOException {
        Set<String> result = new TreeSet<>();
        collect(Path.of("/proc/net/tcp"), port, result, true);
        collect(Path.of("/proc/net/tcp6"), port, result, false);
        return result;
    }

    private static void collect(Path table, int port, Set<String> result, boolean ipv4) throws IOException {
        if (!Files.isReadable(table)) {
            return;
        }
        List<String> lines = Files.readAllLines(table);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.strip().split("\\s+");
            String[] local = fields[1].split(":");
            if (Integer.parseInt(local[1], 16) == port && LISTEN_STATE.equals(fields[3])) {
                result.add(ipv4 ? ipv4(local[0]) : "[" + local[0] + "]");
            }
        }
    }

    /** /proc/net/tcp prints the address as one little-endian hex word. */
    private static String ipv4(String hex) {
        long value = Long.parseLong(hex, 16);
        return (value & 0xff) + "." + ((value >> 8) & 0xff) + "." + ((value >> 16) & 0xff) + "."
                + ((value >> 24) & 0xff);
    }
}
