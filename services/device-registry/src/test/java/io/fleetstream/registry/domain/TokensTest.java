package io.fleetstream.registry.domain;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TokensTest {

    @Test
    void generatesPrefixedBase64UrlOf32RandomBytes() {
        String token = Tokens.generate();

        assertThat(token).startsWith("fst_").matches("fst_[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(token.substring(4))).hasSize(32);
    }

    @Test
    void neverRepeatsATokenInPractice() {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            tokens.add(Tokens.generate());
        }
        assertThat(tokens).hasSize(1000);
    }
}
