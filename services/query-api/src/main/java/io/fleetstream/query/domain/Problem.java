package io.fleetstream.query.domain;

import java.util.List;

/**
 * An RFC 9457 problem document; {@code errors} lists each bad parameter and how to fix it. {@code type} is
 * {@code urn:fleetstream:problem:<slug>}, the same slugs the registry and the gateway use for the same meaning, so a
 * client can branch on the kind of problem across services.
 */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** One rejected parameter. */
    public record FieldError(Integer index, String field, String message) {}

    /** The kinds of problem this service answers with. */
    public enum Kind {
        INVALID_REQUEST("invalid-request"),
        MALFORMED_JSON("malformed-json"),
        UNAUTHENTICATED("unauthenticated"),
        FORBIDDEN("forbidden"),
        NOT_FOUND("not-found"),
        METHOD_NOT_ALLOWED("method-not-allowed"),
        NOT_ACCEPTABLE("not-acceptable"),
        UNSUPPORTED_MEDIA_TYPE("unsupported-media-type"),
        /** Any other 4xx the HTTP layer answers, such as 413 for a body over the server's limit. */
        CLIENT_ERROR("client-error"),
        INTERNAL_ERROR("internal-error"),
        UNAVAILABLE("unavailable");

        private static final String PREFIX = "urn:fleetstream:problem:";

        private final String type;

        Kind(String slug) {
            this.type = PREFIX + slug;
        }

        /** The problem type URI of this kind. */
        public String type() {
            return type;
        }

        /** The kind of a refusal the HTTP layer made by status alone (unknown path, wrong method, ...). */
        public static Kind ofStatus(int status) {
            return switch (status) {
                case 400 -> INVALID_REQUEST;
                case 401 -> UNAUTHENTICATED;
                case 403 -> FORBIDDEN;
                case 404 -> NOT_FOUND;
                case 405 -> METHOD_NOT_ALLOWED;
                case 406 -> NOT_ACCEPTABLE;
                case 415 -> UNSUPPORTED_MEDIA_TYPE;
                case 503 -> UNAVAILABLE;
                default -> status >= 500 ? INTERNAL_ERROR : CLIENT_ERROR;
            };
        }
    }
}
