package io.fleetstream.gateway.http;

import io.fleetstream.schema.TokenHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class TokenHasherTest {

    @ParameterizedTest
    @ValueSource(
            strings = {"a", "tok-0001-secret", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM", "ünïcødé ✓", " "})
    void hashesEveryTokenExactlyAsTheRegistryDoes(String token) {
        assertThat(TokenHasher.of(token)).isEqualTo(TokenHash.of(token));
        assertThat(TokenHasher.of(token))
                .as("second use of the thread's digest")
                .isEqualTo(TokenHash.of(token));
    }

    @Test
    void givesDifferentTokensDifferentHashesOnTheSameThread() {
        assertThat(TokenHasher.of("first")).isNotEqualTo(TokenHasher.of("second"));
        assertThat(TokenHasher.of("second")).isEqualTo(TokenHash.of("second"));
    }
}
