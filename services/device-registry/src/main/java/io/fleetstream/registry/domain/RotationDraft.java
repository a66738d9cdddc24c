package io.fleetstream.registry.domain;

/**
 * Body of {@code POST /v1/devices/{deviceId}/credentials/rotate}.
 *
 * @param overlap how long the credentials valid now keep working: ISO 8601 ({@code "PT1H"}) or whole seconds
 * @param expiresAt optional expiry of the new credential, as for {@link CredentialDraft}
 */
public record RotationDraft(Object overlap, Object expiresAt) {}
