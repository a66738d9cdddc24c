package io.fleetstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * CPU time used by the benchmark JVM (the load generator), the gateway and the broker, and by the whole machine, so
 * that a report can say who used the shared cores and whether something else was running at the same time.
 */
final class CpuMeter {

    /** Clock ticks per second of {@code /proc/stat}; USER_HZ is 100 on every Linux architecture Java runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** CPU time used, in cores (CPU seconds per second of wall time), during one window. */
    record Usage(double client, double gateway, double gatewaySystem, double broker, double machine, int cores) {

        /** Whatever else ran on the machine: other builds, the kernel's own work not charged to a process. */
        double other() {
            return Math.max(0, machine - client - gateway - broker);
        }
    }

    /** CPU times at one instant. */
    record Snapshot(
            long wallNanos,
            Duration client,
            Duration gateway,
            long gatewaySystemTicks,
            Duration broker,
            long machineBusyTicks) {}

    private final ProcessHandle gateway;
    private final ProcessHandle broker;

    CpuMeter(ProcessHandle gateway, ProcessHandle broker) {
        this.gateway = gateway;
        this.broker = broker;
    }

    Snapshot snapshot() {
        return new Snapshot(
                System.nanoTime(),
                cpu(ProcessHandle.current()),
                cpu(gateway),
                gateway == null ? 0 : systemTicks(gateway.pid()),
                cpu(broker),
                machineBusyTicks());
    }

    static Usage between(Snapshot start, Snapshot end) {
        double seconds = (end.wallNanos() - start.wallNanos()) / 1e9;
        return new Usage(
                cores(start.client(), end.client(), seconds),
                cores(start.gateway(), end.gateway(), seconds),
                (end.gatewaySystemTicks() - start.gatewaySystemTicks()) / TICKS_PER_SECOND / seconds,
                cores(start.broker(), end.broker(), seconds),
                (end.machineBusyTicks() - start.machineBusyTicks()) / TICKS_PER_SECOND / seconds,
                Runtime.getRuntime().availableProcessors());
    }

    private static double cores(Duration start, Duration end, double seconds) {
        return end.minus(start).toNanos() / 1e9 / seconds;
    }

    private static Duration cpu(ProcessHandle process) {
        if (process == null) {
            return Duration.ZERO;
        }
        Optional<Duration> total = process.info().totalCpuDuration();
        return total.orElse(Duration.ZERO);
    }

    /**
     * The kernel time of a process (field 15, stime, of {@code /proc/<pid>/stat}): for the gateway mostly socket
     * reads and writes, which Flight Recorder's execution samples do not see.
     */
    private static long systemTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in field 2 may contain spaces; the fields after its closing parenthesis do not.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
            return Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The busy ticks of all CPUs since boot: everything in the first line of /proc/stat except idle and iowait. */
    private static long machineBusyTicks() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] fields = first.trim().split("\\s+");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal ...; guest time is already part of user.
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
