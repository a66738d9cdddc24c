package io.fleetstream.registry.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Collects every problem of one request, so that a client can fix them all in one round trip. */
final class Checks {

    /** Device ids, device types, rule ids, metric names and label keys. */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    static final String IDENTIFIER_RULE = "use 1 to 64 characters from A-Z, a-z, 0-9 and _ . : -";

    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_LABELS = 64;
    static final int MAX_LABEL_VALUE_LENGTH = 256;

    private final List<FieldError> errors = new ArrayList<>();

    void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    List<FieldError> errors() {
        return List.copyOf(errors);
    }

    boolean ok() {
        return errors.isEmpty();
    }

    /** Throws {@link InvalidRequestException} with every error collected so far, if any. */
    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
    }

    /**
     * Runs a parser that reports a bad value by throwing {@link InvalidRequestException} and keeps its errors with
     * the others, so that a request with several bad parameters learns of all of them at once.
     *
     * @return the parsed value, or null when the parser refused it
     */
    <T> T collect(Supplier<T> parser) {
        try {
            return parser.get();
        } catch (InvalidRequestException e) {
            errors.addAll(e.errors());
            return null;
        }
    }

    /** A required identifier; returns whether it is valid. */
    boolean identifier(String field, String value) {
        if (value == null) {
            add(field, "is required; " + IDENTIFIER_RULE);
            return false;
        }
        return optionalIdentifier(field, value);
    }

    /** An identifier that may be absent; returns whether it is absent or valid. */
    boolean optionalIdentifier(String field, String value) {
        if (value != null && !IDENTIFIER.matcher(value).matches()) {
            add(field, "'" + abbreviate(value) + "' is not allowed; " + IDENTIFIER_RULE);
            return false;
        }
        return true;
    }

    /** A required human-readable name. */
    void name(String field, String value) {
        if (value == null || value.isBlank()) {
            add(field, "is required; give a non-blank name of at most " + MAX_NAME_LENGTH + " characters");
        } else if (value.length() > MAX_NAME_LENGTH) {
            add(field, "has " + value.length() + " characters; shorten it to at most " + MAX_NAME_LENGTH);
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            add(field, "contains control characters such as line breaks or tabs; remove them");
        }
    }

    /** Labels: identifier keys and short non-null string values. */
    void labels(String field, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        if (labels.size() > MAX_LABELS) {
            add(field, "has " + labels.size() + " labels; at most " + MAX_LABELS + " are allowed");
        }
        labels.forEach((key, value) -> {
            String path = field + "." + key;
            if (!IDENTIFIER.matcher(key).matches()) {
                add(path, "label key '" + abbreviate(key) + "' is not allowed; " + IDENTIFIER_RULE);
            }
            if (value == null) {
                add(path, "label value is null; give a string (it may be empty) or leave the label out");
            } else if (value.length() > MAX_LABEL_VALUE_LENGTH) {
                add(path, "label value has " + value.length() + " characters; at most " + MAX_LABEL_VALUE_LENGTH);
            }
        });
    }

    /** A required enum constant given as its name; returns null (and records an error) when absent or unknown. */
    <E extends Enum<E>> E oneOf(String field, String value, Class<E> type) {
        String allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        if (value == null) {
            add(field, "is required; use one of " + allowed);
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        String hint = "";
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value.toUpperCase(Locale.ROOT))) {
                hint = " (values are upper case)";
            }
        }
        add(field, "'" + abbreviate(value) + "' is not one of " + allowed + hint);
        return null;
    }

    /** Shortens a client-supplied value before it is echoed back in an error message. */
    static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
