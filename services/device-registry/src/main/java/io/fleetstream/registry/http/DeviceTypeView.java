package io.fleetstream.registry.http;

import io.fleetstream.registry.persistence.DeviceTypeEntity;

import java.time.Instant;

/** Device type JSON of the registry API. */
public record DeviceTypeView(String type, String description, Instant createdAt, Instant updatedAt) {

    static DeviceTypeView of(DeviceTypeEntity type) {
        return new DeviceTypeView(type.type, type.description, type.createdAt, type.updatedAt);
    }
}
