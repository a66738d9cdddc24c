package io.fleetstream.registry.domain;

/** Body of {@code POST /v1/device-types}; {@code description} is optional. */
public record DeviceTypeDraft(String type, String description) {}
