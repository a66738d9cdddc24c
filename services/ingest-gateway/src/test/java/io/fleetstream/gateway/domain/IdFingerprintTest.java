package io.fleetstream.gateway.domain;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IdFingerprintTest {

    @Test
    void equalIdsAgreeAndTheEmptyIdHasAFingerprint() {
        assertThat(IdFingerprint.of("reading-" + 42)).isEqualTo(IdFingerprint.of("reading-42"));
        assertThat(IdFingerprint.of("")).isEqualTo(IdFingerprint.of(""));
        assertThat(IdFingerprint.of("")).isNotEqualTo(IdFingerprint.of("\\u0000"));
    }

    @Test
    void idsThatDifferInOneUnitOrInLengthDiffer() {
        assertThat(IdFingerprint.of("abcdefgh")).isNotEqualTo(IdFingerprint.of("abcdefgi"));
        assertThat(IdFingerprint.of("abc")).isNotEqualTo(IdFingerprint.of("abc\\u0000"));
        assertThat(IdFingerprint.of("abcdefghijk")).isNotEqualTo(IdFingerprint.of("abcdefghijK"));
        assertThat(IdFingerprint.of("é")).isNotEqualTo(IdFingerprint.of("e\\u0301"));
    }

    @Test
    void aMillionSequentialIdsGiveAMillionFingerprintsAndSpreadOverBuckets() {
        Set<IdFingerprint> seen = new HashSet<>();
        Set<Long> lowHalves = new HashSet<>();
        int[] buckets = new int[1024];
        for (int n = 0; n < 1_000_000; n++) {
            IdFingerprint fingerprint = IdFingerprint.of("bench-00042-" + (1764870000123L + n));
            seen.add(fingerprint);
            lowHalves.add(fingerprint.low());
            buckets[(int) fingerprint.low() & 1023]++;
        }
        assertThat(seen).hasSize(1_000_000);
        assertThat(lowHalves).hasSize(1_000_000);
        for (int bucket : buckets) {
            assertThat(bucket).isBetween(850, 1150); // about 977 each
        }
    }
}
