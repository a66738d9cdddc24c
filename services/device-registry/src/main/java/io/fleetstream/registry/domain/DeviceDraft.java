package io.fleetstream.registry.domain;

import java.util.Map;

/** Body of {@code POST /v1/devices}; every field is checked by {@link DeviceService}. */
public record DeviceDraft(String deviceId, String name, String type, Map<String, String> labels) {}
