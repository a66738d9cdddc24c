package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.OperatorKeyEntity;

/** An operator key just created, with the key in clear; returned to the caller once and never stored. */
public record IssuedKey(OperatorKeyEntity entity, String key) {}
