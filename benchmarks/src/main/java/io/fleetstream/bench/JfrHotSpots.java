package io.fleetstream.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A first reading of a Flight Recorder recording of the gateway: where its threads spent their CPU samples, what it
 * allocated and how much it collected. Enough to see the hot spots; open the file in JDK Mission Control for more.
 *
 * <p>Run on its own: {@code java -cp <benchmark classpath> io.fleetstream.bench.JfrHotSpots file.jfr}.
 */
final class JfrHotSpots {

    /**
     * Frames whose inclusive share is worth listing: application code and the libraries the request path goes through,
     * not the JDK's or Netty's thread plumbing, which would top the list with the entry point of every sample.
     */
    private static final List<String> INCLUSIVE_PREFIXES = List.of(
            "io.fleetstream.",
            "org.apache.kafka.",
            "org.apache.avro.",
            "com.fasterxml.jackson.",
            "io.micrometer.",
            "io.quarkus.",
            "org.jboss.resteasy.",
            "io.vertx.ext.web.",
            "io.smallrye.");

    /**
     * Stages of the gateway's request path, each recognised by a method on the sample's stack; the first that matches
     * (in this order) gets the sample. Names of gateway and library classes, so they need updating when those move.
     */
    private static final List<Stage> STAGES = List.of(
            new Stage(
                    "Kafka send (TelemetryPublisher.publish: Avro encode, KafkaProducer.send)",
                    "TelemetryPublisher.publish"),
            new Stage("JSON parse and validation (ReadingParser.parse)", "ReadingParser.parse"),
            new Stage(
                    "authentication (DeviceAuthenticator: SHA-256, credential lookup)",
                    "DeviceAuthenticator.authenticate"),
            new Stage("metrics (Micrometer timers and counters)", "io.micrometer.", "io.quarkus.micrometer."),
            new Stage(
                    "response (RESTEasy writer lookup, Jackson, output stream, ending the response)",
                    "ServerSerialisers.invokeWriter",
                    "ResponseWriterHandler"),
            new Stage("RESTEasy Reactive request handling (other handlers)", "AbstractResteasyReactiveContext.run"),
            new Stage("Vert.x Web router and Quarkus HTTP handlers", "io.vertx.ext.web.", "io.quarkus.vertx.http."),
            new Stage(
                    "Vert.x and Netty HTTP server (decode, encode, socket I/O in Java)",
                    "io.netty.",
                    "io.vertx.core."));

    private record Stage(String name, String... markers) {}

    private final Map<String, Integer> stages = new HashMap<>();
    private final Map<String, Integer> self = new HashMap<>();
    private final Map<String, Integer> inclusive = new HashMap<>();
    private final Map<String, Integer> packages = new HashMap<>();
    private final Map<String, Integer> threads = new HashMap<>();
    private final Map<String, Long> allocations = new HashMap<>();
    private final Map<String, Long> allocationSites = new HashMap<>();
    private int samples;
    private long allocated;
    private int collections;
    private Duration collectionTime = Duration.ZERO;

    private JfrHotSpots() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("Usage: JfrHotSpots <recording.jfr>");
            System.exit(2);
        }
        read(Path.of(args[0])).print(System.out, 20);
    }

    static JfrHotSpots read(Path recording) {
        JfrHotSpots spots = new JfrHotSpots();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                spots.add(file.readEvent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the recording " + recording, e);
        }
        return spots;
    }

    private void add(RecordedEvent event) {
        switch (event.getEventType().getName()) {
            case "jdk.ExecutionSample" -> addSample(event);
            case "jdk.ObjectAllocationSample" -> {
                long weight = event.getLong("weight");
                allocated += weight;
                allocations.merge(event.getClass("objectClass").getName(), weight, Long::sum);
                allocationSites.merge(allocationSite(event.getStackTrace()), weight, Long::sum);
            }
            case "jdk.GarbageCollection" -> {
                collections++;
                collectionTime = collectionTime.plus(event.getDuration());
            }
            default -> {
                // Other events of the profile settings are not summarised here.
            }
        }
    }

    private void addSample(RecordedEvent event) {
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            return;
        }
        samples++;
        RecordedThread thread = event.getThread("sampledThread");
        threads.merge(threadGroup(thread == null ? "?" : thread.getJavaName()), 1, Integer::sum);
        List<RecordedFrame> frames = stack.getFrames();
        String top = name(frames.get(0).getMethod());
        self.merge(top, 1, Integer::sum);
        packages.merge(packageGroup(frames.get(0).getMethod()), 1, Integer::sum);
        stages.merge(stage(thread == null ? "?" : thread.getJavaName(), frames), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame frame : frames) {
            String name = name(frame.getMethod());
            if (INCLUSIVE_PREFIXES.stream().anyMatch(name::startsWith) && seen.add(name)) {
                inclusive.merge(name, 1, Integer::sum);
            }
        }
    }

    void print(PrintStream out, int limit) {
        out.printf("  %,d execution samples of running Java code%n", samples);
        out.println("  CPU samples by thread:");
        top(threads, 8).forEach(e -> line(out, e.getValue(), samples, e.getKey()));
        out.println("  CPU samples by stage of the request path:");
        top(stages, STAGES.size() + 3).forEach(e -> line(out, e.getValue(), samples, e.getKey()));
        out.println("  CPU samples by package of the running method (self time):");
        top(packages, 12).forEach(e -> line(out, e.getValue(), samples, e.getKey()));
        out.println("  hottest methods (self time):");
        top(self, limit).forEach(e -> line(out, e.getValue(), samples, e.getKey()));
        out.println("  methods on the stack (inclusive time; application and request-path libraries only):");
        top(inclusive, limit).forEach(e -> line(out, e.getValue(), samples, e.getKey()));
        out.printf(
                "  %d garbage collections, %d ms in total; allocation samples weighted by bytes:%n",
                collections, collectionTime.toMillis());
        out.println("  allocations by class:");
        topBytes(out, allocations, 8);
        out.println("  allocations by first frame outside java.*, jdk.*, sun.* (the allocating library code):");
        topBytes(out, allocationSites, 12);
    }

    private void topBytes(PrintStream out, Map<String, Long> bytes, int limit) {
        bytes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> out.printf(
                        "    %5.1f%%  %s%n", allocated == 0 ? 0 : 100.0 * e.getValue() / allocated, e.getKey()));
    }

    private static String allocationSite(RecordedStackTrace stack) {
        if (stack == null) {
            return "?";
        }
        for (RecordedFrame frame : stack.getFrames()) {
            String name = name(frame.getMethod());
            if (!name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")) {
                return name;
            }
        }
        return stack.getFrames().isEmpty() ? "?" : name(stack.getFrames().get(0).getMethod());
    }

    private static String stage(String thread, List<RecordedFrame> frames) {
        if (thread.startsWith("kafka-producer-network-thread")) {
            return "Kafka producer I/O thread";
        }
        if (!thread.startsWith("vert.x-eventloop")) {
            return "other threads";
        }
        for (Stage stage : STAGES) {
            for (RecordedFrame frame : frames) {
                String name = name(frame.getMethod());
                for (String marker : stage.markers()) {
                    if (name.contains(marker)) {
                        return stage.name();
                    }
                }
            }
        }
        return "other event-loop work";
    }

    private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int limit) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .toList();
    }

    private static void line(PrintStream out, int count, int total, String what) {
        out.printf("    %5.1f%%  %s%n", total == 0 ? 0 : 100.0 * count / total, what);
    }

    private static String name(RecordedMethod method) {
        return method.getType().getName() + "." + method.getName();
    }

    /** The first three segments of the package, e.g. {@code org.apache.kafka}; enough to tell libraries apart. */
    private static String packageGroup(RecordedMethod method) {
        String type = method.getType().getName();
        String[] parts = type.split("\\.");
        int segments = Math.min(3, Math.max(1, parts.length - 1));
        return String.join(".", List.of(parts).subList(0, segments));
    }

    /** Thread names without their trailing number, so that the four event loops count as one group. */
    private static String threadGroup(String name) {
        return name.replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-", "-N-");
    }
}
