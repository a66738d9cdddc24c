package io.fleetstream.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs the stack with {@link FakeService} in place of the five Quarkus services (real PostgreSQL and Kafka), to check
 * how the stack starts, configures, kills, restarts and stops service processes.
 */
class LocalStackTest {

    @TempDir
    Path dir;

    @Test
    void startsEveryServiceInOrderWithItsConfigurationAndStopsThemAll() throws Exception {
        Path repo = fakeRepo();
        List<Long> pids = new ArrayList<>();
        Map<ServiceName, Map<String, String>> configs = new HashMap<>();
        try (LocalStack stack = LocalStack.builder()
                .repoRoot(repo)
                .workDir(dir.resolve("work"))
                .freePorts(true)
                .override(ServiceName.INGEST_GATEWAY, "fleetstream.ingest.max-age", "20000d")
                .start()) {
            for (ServiceName name : ServiceName.START_ORDER) {
                configs.put(name, config(stack.baseUri(name)));
                pids.add(stack.service(name).pid());
            }
            String bootstrap = stack.kafka().bootstrapServers();

            for (ServiceName name : ServiceName.START_ORDER) {
                Map<String, String> config = configs.get(name);
                assertThat(config)
                        .containsEntry("quarkus.http.host", "127.0.0.1")
                        .containsEntry(
                                "quarkus.http.port",
                                Integer.toString(stack.baseUri(name).getPort()))
                        .containsEntry("kafka.bootstrap.servers", bootstrap);
                if (name.usesDatabase()) {
                    assertThat(config)
                            .containsEntry("quarkus.datasource.jdbc.url", stack.jdbcUrl())
                            .containsEntry(
                                    "quarkus.datasource.username",
                                    stack.postgres().username());
                } else {
                    assertThat(config).doesNotContainKey("quarkus.datasource.jdbc.url");
                }
                assertThat(stack.service(name).logFile())
                        .isEqualTo(stack.workDir().resolve("logs").resolve(name.moduleName() + ".log"))
                        .content()
                        .contains("fake service Listening on: http://127.0.0.1:");
            }
            assertThat(configs.get(ServiceName.STREAM_PROCESSOR))
                    .containsEntry("quarkus.kafka-streams.bootstrap-servers", bootstrap)
                    .containsEntry(
                            "kafka-streams.state.dir",
                            stack.workDir().resolve("state/stream-processor").toString());
            assertThat(configs.get(ServiceName.INGEST_GATEWAY))
                    .containsEntry("fleetstream.ingest.max-age", "20000d")
                    .doesNotContainKey("kafka-streams.state.dir");
            for (int i = 1; i < ServiceName.START_ORDER.size(); i++) {
                long previous = startedAt(configs.get(ServiceName.START_ORDER.get(i - 1)));
                long current = startedAt(configs.get(ServiceName.START_ORDER.get(i)));
                assertThat(current).isGreaterThanOrEqualTo(previous);
            }

            ServiceProcess gateway = stack.service(ServiceName.INGEST_GATEWAY);
            long killed = gateway.pid();
            gateway.kill();
            assertThat(gateway.isAlive()).isFalse();
            assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            gateway.restart();
            assertThat(gateway.pid()).isNotEqualTo(killed);
            assertThat(config(gateway.baseUri())).containsEntry("fleetstream.ingest.max-age", "20000d");
            pids.add(gateway.pid());
        }

        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                    .as("process %d after close", pid)
                    .isNotEqualTo(java.util.Optional.of(true));
        }
    }

    @Test
    void showsTheLogOfAServiceThatDiesDuringStartup() throws Exception {
        Path repo = fakeRepo();
        LocalStack.Builder builder = LocalStack.builder()
                .repoRoot(repo)
                .workDir(dir.resolve("work"))
                .freePorts(true)
                .override(ServiceName.DEVICE_REGISTRY, "fake.exit-code", "3");

        assertThatThrownBy(builder::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device-registry exited with code 3")
                .hasMessageContaining("fake service refusing to start");
    }

    @Test
    void asksForTheBuildWhenAServiceJarIsMissing() throws Exception {
        Path repo = fakeRepo();
        Files.delete(ServiceName.QUERY_API.runnerJar(repo));

        assertThatThrownBy(() -> LocalStack.builder()
                        .repoRoot(repo)
                        .workDir(dir.resolve("work"))
                        .freePorts(true)
                        .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("services/query-api/target/quarkus-app/quarkus-run.jar")
                .hasMessageContaining("./mvnw -DskipTests install");
    }

    /** A checkout whose five service jars start {@link FakeService} from this module's test classes. */
    private Path fakeRepo() throws IOException, URISyntaxException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("pom.xml"), "<project><artifactId>fleetstream-parent</artifactId></project>");
        Path classes = Path.of(FakeService.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        manifest.getMainAttributes()
                .put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        for (ServiceName name : ServiceName.values()) {
            Path jar = name.runnerJar(repo);
            Files.createDirectories(jar.getParent());
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream ignored = new JarOutputStream(out, manifest)) {
                // The manifest is the whole jar.
            }
        }
        return repo;
    }

    private static Map<String, String> config(URI base) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(base.resolve("/config")).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> config = new HashMap<>();
        for (String line : response.body().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                config.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return config;
    }

    private static long startedAt(Map<String, String> config) {
        return Long.parseLong(config.get("fake.started-at"));
    }
}
