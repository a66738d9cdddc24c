package io.fleetstream.processor.streams;

import io.fleetstream.processor.domain.AlertTrack;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AvroSerde;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Binary form of {@link AlertTrack} in {@link StoreNames#ALERT_STATE}; the rule snapshot is Avro single-object. */
final class AlertTrackCodec {

    private static final byte FORMAT = 2;
    private static final AvroSerde<AlertRule> RULES = AvroSerde.of(AlertRule.class);

    private AlertTrackCodec() {}

    static byte[] encode(AlertTrack track) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeBoolean(track.open());
            BinaryStrings.write(out, track.alertId() == null ? "" : track.alertId());
            out.writeLong(track.raisedAtMillis());
            out.writeInt(track.streak());
            out.writeLong(track.lastWindowEndMillis());
            out.writeDouble(track.lastValue());
            out.writeDouble(track.previousAggregate());
            out.writeLong(track.lastActivityMillis());
            BinaryStrings.write(out, track.deviceType());
            byte[] rule = RULES.encode(track.rule());
            out.writeInt(rule.length);
            out.write(rule);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The stored state, or null when there is none. */
    static AlertTrack decode(byte[] encoded) {
        if (encoded == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown alert state format " + format);
            }
            boolean open = in.readBoolean();
            String alertId = BinaryStrings.read(in);
            long raisedAt = in.readLong();
            int streak = in.readInt();
            long lastWindowEnd = in.readLong();
            double lastValue = in.readDouble();
            double previousAggregate = in.readDouble();
            long lastActivity = in.readLong();
            String deviceType = BinaryStrings.read(in);
            AlertRule rule = RULES.decode(in.readNBytes(in.readInt()));
            return new AlertTrack(
                    open,
                    open ? alertId : null,
                    raisedAt,
                    streak,
                    lastWindowEnd,
                    lastValue,
                    previousAggregate,
                    lastActivity,
                    deviceType,
                    rule);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
