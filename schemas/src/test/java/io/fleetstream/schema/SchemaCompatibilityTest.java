package io.fleetstream.schema;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build's schema gate. Every released version of a record schema is kept under
 * {@code src/main/resources/schema-history}; the current schema must be one of them (so a change cannot ship
 * without being recorded) and must be able to read every one of them (backward compatibility).
 */
class SchemaCompatibilityTest {

    static List<Class<? extends SpecificRecord>> recordTypes() {
        return Contract.RECORD_TYPES;
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void currentSchemaIsReleased(Class<? extends SpecificRecord> type) throws IOException {
        Schema current = SpecificData.getForClass(type).getSchema(type);
        List<Schema> released = SchemaHistory.versions(current.getName());
        long fingerprint = SchemaNormalization.parsingFingerprint64(current);
        boolean recorded =
                released.stream().anyMatch(schema -> SchemaNormalization.parsingFingerprint64(schema) == fingerprint);
        if (!recorded) {
            Path candidate = Path.of(
                    "target", "schema-history-candidates", current.getName(), "v" + (released.size() + 1) + ".avsc");
            Files.createDirectories(candidate.getParent());
            Files.writeString(candidate, current.toString(true) + "\n");
            assertThat(recorded)
                    .as(
                            "schema %s changed without a new released version; if the change is intended, copy %s to"
                                    + " src/main/resources/%s%s/",
                            current.getName(), candidate, SchemaHistory.ROOT, current.getName())
                    .isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void currentSchemaReadsEveryReleasedVersion(Class<? extends SpecificRecord> type) {
        Schema current = SpecificData.getForClass(type).getSchema(type);
        for (Schema released : SchemaHistory.versions(current.getName())) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
            assertThat(result.getType())
                    .as("%s cannot read a released version: %s", current.getName(), result.getDescription())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }
}
