package io.fleetstream.registry.http;

import io.fleetstream.registry.persistence.DeviceEntity;
import io.fleetstream.schema.DeviceState;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Device JSON of the registry API. */
public record DeviceView(
        String deviceId,
        String name,
        String type,
        Map<String, String> labels,
        DeviceState state,
        Instant createdAt,
        Instant updatedAt) {

    static DeviceView of(DeviceEntity device) {
        return new DeviceView(
                device.deviceId,
                device.name,
                device.type,
                new TreeMap<>(device.labels),
                device.state,
                device.createdAt,
                device.updatedAt);
    }
}
