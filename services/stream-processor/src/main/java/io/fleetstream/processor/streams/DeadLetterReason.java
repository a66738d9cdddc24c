package io.fleetstream.processor.streams;

/** Why a record was dead-lettered; the tag is the low-cardinality metric tag, the header carries the detail. */
public enum DeadLetterReason {
    /** The value is not our Avro single-object encoding, has an unknown writer fingerprint, or the key is not text. */
    UNDECODABLE("undecodable"),
    /** The record key is missing or differs from the device id inside the value. */
    KEY_MISMATCH("key-mismatch"),
    /** A reading carries a value that cannot be aggregated (NaN or infinite), or a reading record has no value. */
    INVALID_READING("invalid-reading"),
    /** No device record arrived for the reading within the pending timeout. */
    UNKNOWN_DEVICE("unknown-device");

    private final String tag;

    DeadLetterReason(String tag) {
        this.tag = tag;
    }

    /** Value of the {@code reason} tag of the dead-letter counter. */
    public String tag() {
        return tag;
    }
}
