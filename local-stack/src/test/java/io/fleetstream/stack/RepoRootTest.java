package io.fleetstream.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepoRootTest {

    @TempDir
    Path dir;

    @Test
    void walksUpPastModulePomsToTheParentPom() throws IOException {
        Files.writeString(dir.resolve("pom.xml"), "<project><artifactId>fleetstream-parent</artifactId></project>");
        Path module = Files.createDirectories(dir.resolve("services/query-api/src"));
        Files.writeString(
                dir.resolve("services/query-api/pom.xml"),
                "<project><parent><artifactId>fleetstream-parent</artifactId></parent>"
                        + "<artifactId>query-api</artifactId></project>");

        assertThat(RepoRoot.locateFrom(module)).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void failsWithAHintOutsideTheCheckout() {
        assertThatThrownBy(() -> RepoRoot.locateFrom(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fleetstream-parent");
    }

    @Test
    void findsThisCheckout() {
        Path root = RepoRoot.locate();

        assertThat(root.resolve("local-stack/pom.xml")).isRegularFile();
    }
}
