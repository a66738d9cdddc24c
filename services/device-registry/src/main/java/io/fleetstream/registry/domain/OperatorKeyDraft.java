package io.fleetstream.registry.domain;

/**
 * Body of {@code POST /v1/api-keys}.
 *
 * @param role VIEWER, OPERATOR or ADMIN
 * @param expiresAt optional expiry, epoch milliseconds or RFC 3339
 */
public record OperatorKeyDraft(String name, String role, Object expiresAt) {}
