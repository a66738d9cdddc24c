package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.DeviceEntity;
import io.fleetstream.registry.persistence.OutboxWriter;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Registers devices and publishes each change through the outbox. */
@ApplicationScoped
public class DeviceService {

    /** Outbox event type of a new device. */
    public static final String DEVICE_CREATED = "DeviceCreated";

    private static final Logger LOG = Logger.getLogger(DeviceService.class);

    private final OutboxWriter outbox;
    private final Clock clock;

    public DeviceService(OutboxWriter outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Registers a device, in state ACTIVE.
     *
     * @throws InvalidRequestException if a field is invalid
     * @throws ConflictException if a device with the requested id exists
     */
    @Transactional
    public DeviceEntity create(DeviceDraft draft) {
        Checks checks = new Checks();
        checks.optionalIdentifier("deviceId", draft.deviceId());
        checks.name("name", draft.name());
        checks.identifier("type", draft.type());
        checks.labels("labels", draft.labels());
        checks.throwIfAny();

        String deviceId =
                draft.deviceId() != null ? draft.deviceId() : UUID.randomUUID().toString();
        if (DeviceEntity.findById(deviceId) != null) {
            throw duplicate(deviceId);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        DeviceEntity device = new DeviceEntity();
        device.deviceId = deviceId;
        device.name = draft.name();
        device.type = draft.type();
        device.labels = draft.labels() == null ? Map.of() : new TreeMap<>(draft.labels());
        device.state = DeviceState.ACTIVE;
        device.createdAt = now;
        device.updatedAt = now;
        try {
            device.persistAndFlush();
        } catch (ConstraintViolationException e) {
            // Another request registered the same id between our check and our insert.
            throw duplicate(deviceId);
        }
        outbox.append(
                DEVICE_CREATED, Topics.REGISTRY_DEVICES, deviceId, AvroRecords.encode(AvroRecords.device(device)), now);
        LOG.infof("device [%s] of type [%s] registered", deviceId, device.type);
        return device;
    }

    /**
     * @throws UnknownResourceException if there is no such device
     */
    public DeviceEntity get(String deviceId) {
        return DeviceEntity.<DeviceEntity>findByIdOptional(deviceId)
                .orElseThrow(() -> new UnknownResourceException("device", deviceId));
    }

    /** One page of devices in device id order, optionally of one type. */
    public Page<DeviceEntity> list(String type, String limit, String cursor) {
        Checks checks = new Checks();
        checks.optionalIdentifier("type", type);
        checks.throwIfAny();
        int size = Cursor.limit(limit);
        String after = Cursor.lastId(cursor);
        return Page.of(DeviceEntity.page(type, after, size + 1), size, device -> device.deviceId);
    }

    private static ConflictException duplicate(String deviceId) {
        return new ConflictException("device [" + deviceId + "] already exists; choose another deviceId, or leave"
                + " deviceId out to have one generated");
    }
}
