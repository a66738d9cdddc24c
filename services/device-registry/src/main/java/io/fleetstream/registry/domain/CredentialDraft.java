package io.fleetstream.registry.domain;

/**
 * Body of {@code POST /v1/devices/{deviceId}/credentials}.
 *
 * @param expiresAt epoch milliseconds (a JSON integer) or an RFC 3339 string with offset; null for no expiry. Kept as
 *     the raw JSON value so that {@link Times} can say exactly what is wrong with it.
 */
public record CredentialDraft(Object expiresAt) {

    public static final CredentialDraft EMPTY = new CredentialDraft(null);
}
