package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.DeviceCredentialEntity;

/**
 * A credential just created, with the token in clear. This is the only place the token exists: it is returned to
 * the operator once and never stored.
 */
public record IssuedCredential(DeviceCredentialEntity credential, String token) {}
