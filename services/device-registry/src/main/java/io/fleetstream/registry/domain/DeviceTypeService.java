package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.DeviceEntity;
import io.fleetstream.registry.persistence.DeviceTypeEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Manages device types. Types live in the registry only (no changelog): devices carry their type name, and the
 * foreign key from devices to types keeps a type from disappearing while a device names it.
 */
@ApplicationScoped
public class DeviceTypeService {

    static final int MAX_DESCRIPTION_LENGTH = 1000;

    private static final Logger LOG = Logger.getLogger(DeviceTypeService.class);

    private final Audit audit;
    private final Clock clock;

    public DeviceTypeService(Audit audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @throws InvalidRequestException if a field is invalid
     * @throws ConflictException if the type exists
     */
    @Transactional
    public DeviceTypeEntity create(Actor actor, DeviceTypeDraft draft) {
        Checks checks = new Checks();
        checks.identifier("type", draft.type());
        description(checks, draft.description());
        checks.throwIfAny();
        if (DeviceTypeEntity.findById(draft.type()) != null) {
            throw duplicate(draft.type());
        }
        Instant now = now();
        DeviceTypeEntity type = new DeviceTypeEntity();
        type.type = draft.type();
        type.description = draft.description() == null ? "" : draft.description();
        type.createdAt = now;
        type.updatedAt = now;
        try {
            type.persistAndFlush();
        } catch (ConstraintViolationException e) {
            throw duplicate(draft.type());
        }
        audit.record(actor, "device-type.created", Audit.DEVICE_TYPE, type.type, Audit.after(Audit.type(type)), now);
        LOG.infof("device type [%s] created", type.type);
        return type;
    }

    /**
     * @throws UnknownResourceException if there is no such type
     */
    public DeviceTypeEntity get(String type) {
        return DeviceTypeEntity.<DeviceTypeEntity>findByIdOptional(type)
                .orElseThrow(() -> new UnknownResourceException("device type", type));
    }

    public Page<DeviceTypeEntity> list(String limit, String cursor) {
        Checks checks = new Checks();
        Integer size = checks.collect(() -> Cursor.limit(limit));
        String after = checks.collect(() -> Cursor.lastId(cursor));
        checks.throwIfAny();
        return Page.of(DeviceTypeEntity.page(after, size + 1), size, type -> type.type);
    }

    /** Replaces the description, the only thing of a type that can change (devices refer to it by name). */
    @Transactional
    public DeviceTypeEntity updateDescription(Actor actor, String typeName, String description) {
        Checks checks = new Checks();
        if (description == null) {
            checks.add("description", "is required; give the new description (it may be empty)");
        }
        description(checks, description);
        checks.throwIfAny();
        DeviceTypeEntity type = DeviceTypeEntity.findById(typeName, LockModeType.PESSIMISTIC_WRITE);
        if (type == null) {
            throw new UnknownResourceException("device type", typeName);
        }
        var before = Audit.type(type);
        type.description = description;
        type.updatedAt = now();
        audit.record(
                actor,
                "device-type.updated",
                Audit.DEVICE_TYPE,
                type.type,
                Audit.change(before, Audit.type(type)),
                type.updatedAt);
        return type;
    }

    /**
     * @throws ConflictException while devices name the type
     */
    @Transactional
    public void delete(Actor actor, String typeName) {
        DeviceTypeEntity type = DeviceTypeEntity.findById(typeName, LockModeType.PESSIMISTIC_WRITE);
        if (type == null) {
            throw new UnknownResourceException("device type", typeName);
        }
        long devices = DeviceEntity.countOfType(typeName);
        if (devices > 0) {
            throw inUse(typeName, devices);
        }
        Instant now = now();
        type.delete();
        try {
            DeviceTypeEntity.flush();
        } catch (ConstraintViolationException e) {
            // A device of this type was registered after our count.
            throw inUse(typeName, 1);
        }
        audit.record(actor, "device-type.deleted", Audit.DEVICE_TYPE, typeName, Audit.after(Audit.type(type)), now);
        LOG.infof("device type [%s] deleted", typeName);
    }

    private static void description(Checks checks, String description) {
        if (description == null) {
            return;
        }
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            checks.add(
                    "description",
                    "has " + description.length() + " characters; shorten it to at most " + MAX_DESCRIPTION_LENGTH);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static ConflictException duplicate(String type) {
        return new ConflictException("device type [" + type + "] already exists; use it, or choose another name");
    }

    private static ConflictException inUse(String type, long devices) {
        return new ConflictException("device type [" + type + "] is used by " + devices + " device(s); change their"
                + " type (PATCH /v1/devices/{deviceId}) or delete them before deleting the type");
    }
}
