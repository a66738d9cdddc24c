package io.fleetstream.schema;

import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Kafka serde for Avro single-object encoding (marker {@code C3 01}, 8-byte little-endian CRC-64-AVRO fingerprint of
 * the writer schema, then the binary body). It needs no registry server: the reader knows the current schema and every
 * released version from {@link SchemaHistory}, and resolves a record written with any of them. A record with another
 * marker or an unknown fingerprint fails with a {@link SerializationException} that says which, so that the caller can
 * dead-letter it. Null is a tombstone in both directions.
 *
 * @param <T> generated Avro record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /** Creates a serde for one generated record class. */
    public AvroSerde(Class<T> type) {
        this.type = type;
        // A model bound to the record's own class loader: the generated MODEL$ may resolve nested record classes
        // through another loader (as in Quarkus tests), which ends in a ClassCastException between two copies.
        SpecificData model = new SpecificData(type.getClassLoader());
        SpecificData.getForClass(type).getConversions().forEach(model::addLogicalTypeConversion);
        Schema current = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, current);
        this.decoder = new BinaryMessageDecoder<>(model, current);
        for (Schema released : SchemaHistory.versions(current.getName())) {
            decoder.addSchema(released);
        }
    }

    /** Shorthand for {@code new AvroSerde<>(type)}. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type);
    }

    /** Encodes one record; null stays null (a tombstone). */
    public byte[] encode(T record) {
        if (record == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends the encoding of one record (the same bytes as {@link #encode(SpecificRecord)}) to {@code out}, for a
     * caller that reuses its buffer instead of taking a new array and buffer per record.
     */
    public void encode(T record, OutputStream out) {
        try {
            encoder.encode(record, out);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes one record; null stays null (a tombstone). */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder.decode(bytes);
        } catch (BadHeaderException e) {
            throw new SerializationException(
                    "not Avro single-object encoding (expected marker C3 01) for " + type.getSimpleName(), e);
        } catch (MissingSchemaException e) {
            throw new SerializationException(
                    "unknown writer schema fingerprint for " + type.getSimpleName() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("corrupt " + type.getSimpleName() + " record: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return decode(data);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the schema comes from the generated class.
    }

    @Override
    public void close() {
        // Holds no resources; Kafka calls close on serializers and deserializers alike.
    }
}
