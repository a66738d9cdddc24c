package io.fleetstream.schema;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenHashTest {

    @Test
    void isTheLowerCaseHexSha256OfTheUtf8Bytes() {
        // sha256("abc"), FIPS 180-2 test vector
        assertThat(TokenHash.of("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void reusingTheThreadsDigestDoesNotMixInputs() {
        String first = TokenHash.of("fst_first");
        assertThat(TokenHash.of("fst_second")).isNotEqualTo(first);
        assertThat(TokenHash.of("fst_first")).isEqualTo(first);
    }
}
