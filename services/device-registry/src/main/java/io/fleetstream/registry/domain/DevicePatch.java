package io.fleetstream.registry.domain;

import java.util.Map;

/** What of a device can be changed by {@code PATCH /v1/devices/{deviceId}}: the device after the patch. */
public record DevicePatch(String name, String type, Map<String, String> labels) {}
