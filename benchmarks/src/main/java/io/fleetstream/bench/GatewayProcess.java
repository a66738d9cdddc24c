package io.fleetstream.bench;

import io.fleetstream.infra.OrphanGuard;
import io.fleetstream.infra.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway in a JVM of its own, as {@code java <jvm args> -D<config> -jar quarkus-run.jar}.
 *
 * <p>The local stack's {@code ServiceProcess} does the same for the whole platform but takes no JVM options besides the
 * heap, and the benchmark needs some (Flight Recorder, pass-through flags), so this is a small launcher of its own. It
 * keeps the local stack's habits: output to a log file, a shell guard that stops the gateway if this JVM is killed,
 * readiness through {@code /q/health/ready} plus Quarkus' own "Listening on" line.
 */
final class GatewayProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Process guard;
    private final int port;
    private final Path logFile;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private GatewayProcess(Process process, Process guard, int port, Path logFile) {
        this.process = process;
        this.guard = guard;
        this.port = port;
        this.logFile = logFile;
    }

    /** Starts the gateway and waits until it is ready; stops it again if it does not become ready. */
    static GatewayProcess start(
            Path jar, int port, String heap, List<String> jvmArgs, Map<String, String> config, Path workDir) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The packaged gateway " + jar + " is missing; build it with"
                    + " ./mvnw -B -ntp -pl services/ingest-gateway,benchmarks -am package -DskipTests");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.addAll(jvmArgs);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        Path logFile = workDir.resolve("ingest-gateway.log");
        Process process;
        try {
            Files.createDirectories(workDir);
            Files.writeString(logFile, String.join(" ", command) + System.lineSeparator());
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the gateway from " + jar, e);
        }
        GatewayProcess gateway =
                new GatewayProcess(process, OrphanGuard.watch(process.pid(), "TERM", STOP_TIMEOUT), port, logFile);
        try {
            gateway.awaitReady();
            return gateway;
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    int port() {
        return port;
    }

    Path logFile() {
        return logFile;
    }

    /** Polls the gateway's metrics until it knows at least {@code count} credentials. */
    void awaitCredentials(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        double known = -1;
        while (System.nanoTime() < deadline) {
            known = metric(get("/q/metrics"), "fleetstream_gateway_credentials");
            if (known >= count) {
                return;
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException("The gateway knew " + known + " of " + count + " credentials after "
                + timeout.toSeconds() + " s; see " + logFile);
    }

    /**
     * Schedules a Flight Recorder recording with the {@code profile} settings (an execution sample per running thread
     * every 10 ms) that starts after {@code delay} and writes {@code file} when {@code duration} is over.
     *
     * <p>Scheduled in advance because jcmd needs a second or more to attach to a busy JVM: started at the moment the
     * measurement begins, the recording would miss its first seconds.
     */
    void scheduleRecording(Path file, Duration delay, Duration duration) {
        jcmd(
                "JFR.start",
                "name=bench",
                "settings=profile",
                "delay=" + Math.max(1, delay.toSeconds()) + "s",
                "duration=" + duration.toSeconds() + "s",
                "filename=" + file);
    }

    /** Waits until the recording scheduled with {@link #scheduleRecording} has been written completely. */
    boolean awaitRecording(Path file, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long previousSize = -1;
        while (System.nanoTime() < deadline) {
            try {
                long size = Files.isRegularFile(file) ? Files.size(file) : 0;
                // The file is copied out of the recorder's repository when the recording ends; a size that stays the
                // same for half a second means the copy is done.
                if (size > 0 && size == previousSize) {
                    return true;
                }
                previousSize = size;
            } catch (IOException e) {
                previousSize = -1;
            }
            sleep(Duration.ofMillis(500));
        }
        return false;
    }

    /** Stops the gateway with SIGTERM, and with SIGKILL if it has not exited after 20 s. */
    @Override
    public void close() {
        OrphanGuard.stop(guard);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "The gateway exited with code " + process.exitValue() + " before it was ready; see " + logFile);
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(uri("/q/health/ready"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                // Another process answering on a port handed out twice must not count: Quarkus logs its own address.
                if (response.statusCode() == 200 && logContains("Listening on: http://127.0.0.1:" + port)) {
                    return;
                }
                last = "status " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the gateway", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The gateway was not ready within " + READY_TIMEOUT.toSeconds()
                        + " s (last answer: " + last + "); see " + logFile);
            }
            sleep(Duration.ofMillis(250));
        }
    }

    private String get(String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(uri(path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the gateway's metrics", e);
        }
    }

    /** The sum of every sample of a metric in Prometheus text, or -1 if there is none. */
    static double metric(String exposition, String name) {
        double sum = -1;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                String[] parts = line.trim().split("\\s+");
                try {
                    sum = Math.max(sum, 0) + Double.parseDouble(parts[parts.length - 1]);
                } catch (NumberFormatException e) {
                    // A sample with a timestamp or an odd value is not one we count.
                }
            }
        }
        return sum;
    }

    private boolean logContains(String text) {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private URI uri(String path) {
        return URI.create("http://" + Ports.LOOPBACK_HOST + ":" + port + path);
    }

    private void jcmd(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        command.add(Long.toString(process.pid()));
        command.addAll(List.of(args));
        try {
            Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
            }
            if (jcmd.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running jcmd", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
