package io.fleetstream.schema;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeTest {

    private final AvroSerde<TelemetryReading> serde = AvroSerde.of(TelemetryReading.class);

    private static TelemetryReading reading() {
        return TelemetryReading.newBuilder()
                .setDeviceId("station-1")
                .setTs(Instant.parse("2013-03-01T00:00:00Z"))
                .setReceivedAt(Instant.parse("2026-12-04T10:00:00Z"))
                .setMessageId("m-1")
                .setMetrics(Map.of("PM2.5", 4.0, "TEMP", -0.7))
                .setAttributes(Map.of("wd", "NNW"))
                .build();
    }

    @Test
    void roundTripsSingleObjectEncoding() {
        byte[] bytes = serde.serialize(Topics.TELEMETRY_RAW, reading());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(serde.deserialize(Topics.TELEMETRY_RAW, bytes)).isEqualTo(reading());
    }

    @Test
    void encodesIntoAReusedStreamTheSameBytesAsIntoANewArray() {
        TelemetryReading other = TelemetryReading.newBuilder(reading())
                .setMessageId(null)
                .setMetrics(Map.of("TEMP", 21.5))
                .build();
        ByteArrayOutputStream reused = new ByteArrayOutputStream();

        serde.encode(reading(), reused);
        byte[] first = reused.toByteArray();
        reused.reset();
        serde.encode(other, reused);

        assertThat(first).isEqualTo(serde.encode(reading()));
        assertThat(reused.toByteArray()).isEqualTo(serde.encode(other));
        assertThat(serde.decode(reused.toByteArray())).isEqualTo(other);
    }

    @Test
    void keepsTombstonesAsNull() {
        assertThat(serde.serialize(Topics.TELEMETRY_RAW, null)).isNull();
        assertThat(serde.deserialize(Topics.TELEMETRY_RAW, null)).isNull();
    }

    @Test
    void rejectsBytesThatAreNotSingleObjectEncoded() {
        assertThatThrownBy(() -> serde.deserialize(Topics.TELEMETRY_RAW, "{\"ts\":1}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not Avro single-object encoding");
    }

    @Test
    void rejectsUnknownWriterSchema() {
        byte[] bytes = serde.serialize(Topics.TELEMETRY_RAW, reading());
        bytes[5] ^= 0x55;

        assertThatThrownBy(() -> serde.deserialize(Topics.TELEMETRY_RAW, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown writer schema fingerprint");
    }

    @Test
    void readsRecordWrittenWithAnOlderReleasedSchema() throws IOException {
        // An older writer that did not know the attributes field yet; registered like a released version.
        Schema older = new Schema.Parser().parse("""
                {"type":"record","name":"TelemetryReading","namespace":"io.fleetstream.schema","fields":[
                 {"name":"deviceId","type":"string"},
                 {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
                 {"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},
                 {"name":"messageId","type":["null","string"],"default":null},
                 {"name":"metrics","type":{"type":"map","values":"double"}}]}""");
        GenericRecord record = new GenericData.Record(older);
        record.put("deviceId", "station-1");
        record.put("ts", 1_362_096_000_000L);
        record.put("receivedAt", 1_362_096_000_000L);
        record.put("messageId", null);
        record.put("metrics", Map.of("PM10", 8.0));
        byte[] bytes = singleObject(older, record);
        var decoder = new org.apache.avro.message.BinaryMessageDecoder<TelemetryReading>(
                org.apache.avro.specific.SpecificData.getForClass(TelemetryReading.class),
                TelemetryReading.getClassSchema());
        decoder.addSchema(older);

        TelemetryReading decoded = decoder.decode(bytes);

        assertThat(decoded.getMetrics()).containsEntry("PM10", 8.0);
        assertThat(decoded.getAttributes()).isEmpty();
    }

    private static byte[] singleObject(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fingerprint >>> (8 * i)) & 0xFF);
        }
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
