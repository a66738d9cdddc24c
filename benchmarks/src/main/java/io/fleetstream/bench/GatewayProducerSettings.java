package io.fleetstream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The producer tuning the gateway under test runs with (linger, batch size, compression), so that the raw producer
 * phase uses exactly the same: the gateway's packaged {@code application.properties}, overridden by any
 * {@code -Dfleetstream.ingest.producer.*} in {@code bench.gateway.args}, as the gateway itself would see them.
 *
 * @param lingerMs {@code fleetstream.ingest.producer.linger} in milliseconds
 * @param batchSize {@code fleetstream.ingest.producer.batch-size} in bytes
 * @param compression {@code fleetstream.ingest.producer.compression}
 */
record GatewayProducerSettings(int lingerMs, int batchSize, String compression) {

    private static final String PREFIX = "fleetstream.ingest.producer.";

    /** Reads the settings of the packaged gateway at {@code runnerJar} started with {@code gatewayArgs}. */
    static GatewayProducerSettings of(Path runnerJar, List<String> gatewayArgs) {
        Properties properties = packagedProperties(runnerJar);
        for (String arg : gatewayArgs) {
            int equals = arg.indexOf('=');
            if (arg.startsWith("-D" + PREFIX) && equals > 0) {
                properties.setProperty(arg.substring(2, equals), arg.substring(equals + 1));
            }
        }
        return new GatewayProducerSettings(
                (int) lingerMillis(required(properties, "linger")),
                Integer.parseInt(required(properties, "batch-size")),
                required(properties, "compression"));
    }

    /** Quarkus reads a bare number as seconds. */
    private static long lingerMillis(String text) {
        return text.chars().allMatch(Character::isDigit)
                ? Long.parseLong(text) * 1000
                : BenchOptions.parseDuration(text).toMillis();
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(PREFIX + key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("the gateway's application.properties sets no " + PREFIX + key
                    + "; the raw producer phase cannot mirror its producer");
        }
        return value.strip();
    }

    /** {@code application.properties} of the gateway's application jar ({@code quarkus-app/app/*.jar}). */
    private static Properties packagedProperties(Path runnerJar) {
        Path appDir = runnerJar.toAbsolutePath().getParent().resolve("app");
        try (Stream<Path> jars = Files.list(appDir)) {
            Path appJar = jars.filter(p -> p.toString().endsWith(".jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no application jar in " + appDir));
            try (JarFile jar = new JarFile(appJar.toFile());
                    InputStream in = jar.getInputStream(jar.getEntry("application.properties"))) {
                Properties properties = new Properties();
                properties.load(in);
                return properties;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the gateway's application.properties in " + appDir, e);
        }
    }

    /** As printed in the header of a run. */
    String describe() {
        return "linger " + lingerMs + " ms, batch.size " + batchSize + " bytes, " + compression + " compression";
    }
}
