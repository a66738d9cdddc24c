package io.fleetstream.processor.streams;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Length-prefixed UTF-8 strings for the binary state-store formats (no 64 KiB limit, unlike writeUTF). */
final class BinaryStrings {

    private BinaryStrings() {}

    static void write(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String read(DataInputStream in) throws IOException {
        int length = in.readInt();
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("truncated string in state store value");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
