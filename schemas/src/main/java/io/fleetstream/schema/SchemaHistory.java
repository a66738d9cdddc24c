package io.fleetstream.schema;

import org.apache.avro.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every released version of a record schema, kept as full JSON under {@code schema-history/<Name>/v<n>.avsc} on the
 * classpath. Readers register all of them, so a record written by an older producer is still decoded; the build checks
 * that the current schema can read each of them.
 */
public final class SchemaHistory {

    /** Classpath folder of the released versions. */
    public static final String ROOT = "schema-history/";

    private SchemaHistory() {}

    /** Released versions of a record type, oldest first; v1, v2, ... without gaps. */
    public static List<Schema> versions(String recordName) {
        List<Schema> versions = new ArrayList<>();
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        for (int version = 1; ; version++) {
            String path = ROOT + recordName + "/v" + version + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + path, e);
            }
        }
    }
}
