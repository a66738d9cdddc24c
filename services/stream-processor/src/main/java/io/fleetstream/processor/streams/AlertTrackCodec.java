package io.fleetstream.processor.streams;

import io.fleetstream.processor.domain.AlertTrack;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Binary form of {@link AlertTrack} in {@link StoreNames#ALERT_TRACKS}. */
final class AlertTrackCodec {

    private static final byte FORMAT = 1;

    private AlertTrackCodec() {}

    static byte[] encode(AlertTrack track) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeBoolean(track.open());
            BinaryStrings.write(out, track.alertId() == null ? "" : track.alertId());
            out.writeLong(track.raisedAtMillis());
            out.writeInt(track.streak());
            out.writeLong(track.lastWindowEndMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static AlertTrack decode(byte[] encoded) {
        if (encoded == null) {
            return AlertTrack.INITIAL;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown alert track format " + format);
            }
            boolean open = in.readBoolean();
            String alertId = BinaryStrings.read(in);
            long raisedAt = in.readLong();
            int streak = in.readInt();
            long lastWindowEnd = in.readLong();
            return new AlertTrack(open, open ? alertId : null, raisedAt, streak, lastWindowEnd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
