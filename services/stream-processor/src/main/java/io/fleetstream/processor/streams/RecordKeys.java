package io.fleetstream.processor.streams;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Record keys are read as raw bytes so that a dead-lettered record keeps its exact original key. */
final class RecordKeys {

    private RecordKeys() {}

    /** The key as strict UTF-8 text, or null when it is absent or not valid UTF-8. */
    static String text(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
