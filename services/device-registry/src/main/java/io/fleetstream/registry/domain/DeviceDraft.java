package io.fleetstream.registry.domain;

import java.util.Map;

/**
 * Body of {@code POST /v1/devices} and one item of a bulk registration; every field is checked by
 * {@link DeviceService}.
 *
 * @param state initial state, PROVISIONED or ACTIVE (default ACTIVE)
 */
public record DeviceDraft(String deviceId, String name, String type, Map<String, String> labels, String state) {}
