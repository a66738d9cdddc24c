package io.fleetstream.registry.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.registry.persistence.AuditWriter;
import io.fleetstream.registry.persistence.DeviceCredentialEntity;
import io.fleetstream.registry.persistence.DeviceEntity;
import io.fleetstream.registry.persistence.DeviceTypeEntity;
import io.fleetstream.registry.persistence.OutboxWriter;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/** Registers devices, moves them through their lifecycle and publishes each change through the outbox. */
@ApplicationScoped
public class DeviceService {

    /** Outbox event types. */
    public static final String DEVICE_CREATED = "DeviceCreated";

    public static final String DEVICE_UPDATED = "DeviceUpdated";
    public static final String DEVICE_STATE_CHANGED = "DeviceStateChanged";
    public static final String DEVICE_DELETED = "DeviceDeleted";

    /** Most devices one bulk registration may carry. */
    public static final int MAX_BULK = 1000;

    static final int MAX_REASON_LENGTH = 500;

    private static final Logger LOG = Logger.getLogger(DeviceService.class);

    private final OutboxWriter outbox;
    private final Audit audit;
    private final CredentialService credentials;
    private final ObjectMapper json;
    private final Clock clock;

    public DeviceService(
            OutboxWriter outbox, Audit audit, CredentialService credentials, ObjectMapper json, Clock clock) {
        this.outbox = outbox;
        this.audit = audit;
        this.credentials = credentials;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Registers a device, in state ACTIVE unless the draft asks for PROVISIONED.
     *
     * @throws InvalidRequestException if a field is invalid or the type does not exist
     * @throws ConflictException if a device with the requested id exists
     */
    @Transactional
    public DeviceEntity create(Actor actor, DeviceDraft draft) {
        Checks checks = new Checks();
        DeviceState state = check(checks, draft);
        checks.throwIfAny();
        requireType("type", draft.type());

        String deviceId =
                draft.deviceId() != null ? draft.deviceId() : UUID.randomUUID().toString();
        if (DeviceEntity.findById(deviceId) != null) {
            throw duplicate(deviceId);
        }
        Instant now = now();
        DeviceEntity device = newDevice(deviceId, draft, state, now);
        try {
            device.persistAndFlush();
        } catch (ConstraintViolationException e) {
            // Another request registered the same id between our check and our insert.
            throw duplicate(deviceId);
        }
        outbox.append(
                DEVICE_CREATED, Topics.REGISTRY_DEVICES, deviceId, AvroRecords.encode(AvroRecords.device(device)), now);
        audit.record(actor, "device.created", Audit.DEVICE, deviceId, Audit.after(Audit.device(device)), now);
        LOG.infof("device [%s] of type [%s] registered in state %s", deviceId, device.type, device.state);
        return device;
    }

    /**
     * Registers many devices with one credential each, all or nothing: if any item is invalid, nothing is stored and
     * the exception lists every error with the item's index.
     *
     * @param credentialExpiresAt raw expiry of every issued credential (see {@link Times#expiry}), or null
     * @throws TooManyItemsException above {@link #MAX_BULK} items
     */
    @Transactional
    public List<BulkRegistered> createBulk(Actor actor, List<DeviceDraft> drafts, Object credentialExpiresAt) {
        if (drafts == null || drafts.isEmpty()) {
            throw new InvalidRequestException(
                    "devices",
                    "is empty; send 1 to " + MAX_BULK + " devices such as {\"name\": \"Boiler 1\","
                            + " \"type\": \"boiler\"}");
        }
        if (drafts.size() > MAX_BULK) {
            throw new TooManyItemsException(drafts.size() + " devices in one request; send at most " + MAX_BULK
                    + " per request and split the rest into further requests");
        }
        Instant now = now();
        Instant expiresAt = Times.expiry("credentialExpiresAt", credentialExpiresAt, now);

        List<FieldError> errors = new ArrayList<>();
        List<DeviceState> states = new ArrayList<>(drafts.size());
        Set<String> typesNamed = new HashSet<>();
        Map<String, Integer> firstIndexOfId = new HashMap<>();
        for (int index = 0; index < drafts.size(); index++) {
            DeviceDraft draft = drafts.get(index);
            if (draft == null) {
                errors.add(new FieldError(index, "$", "is null; give a device object or remove the item"));
                states.add(null);
                continue;
            }
            Checks checks = new Checks();
            states.add(check(checks, draft));
            for (FieldError error : checks.errors()) {
                errors.add(error.at(index));
            }
            if (draft.type() != null) {
                typesNamed.add(draft.type());
            }
            if (draft.deviceId() != null) {
                Integer first = firstIndexOfId.putIfAbsent(draft.deviceId(), index);
                if (first != null) {
                    errors.add(new FieldError(
                            index,
                            "deviceId",
                            "'" + draft.deviceId() + "' is also given to item " + first + "; give each device its"
                                    + " own id"));
                }
            }
        }
        Set<String> knownTypes =
                new HashSet<>(DeviceTypeEntity.<DeviceTypeEntity>list("type in ?1", typesNamed).stream()
                        .map(type -> type.type)
                        .toList());
        Set<String> takenIds =
                new HashSet<>(DeviceEntity.<DeviceEntity>list("deviceId in ?1", firstIndexOfId.keySet()).stream()
                        .map(device -> device.deviceId)
                        .toList());
        for (int index = 0; index < drafts.size(); index++) {
            DeviceDraft draft = drafts.get(index);
            if (draft == null) {
                continue;
            }
            if (draft.type() != null
                    && Checks.IDENTIFIER.matcher(draft.type()).matches()
                    && !knownTypes.contains(draft.type())) {
                errors.add(new FieldError(index, "type", unknownType(draft.type())));
            }
            if (draft.deviceId() != null && takenIds.contains(draft.deviceId())) {
                errors.add(new FieldError(
                        index,
                        "deviceId",
                        "device [" + draft.deviceId() + "] already exists; choose another id or"
                                + " leave deviceId out to have one generated"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }

        List<BulkRegistered> registered = new ArrayList<>(drafts.size());
        List<OutboxWriter.Event> events = new ArrayList<>(drafts.size() * 2);
        for (int index = 0; index < drafts.size(); index++) {
            DeviceDraft draft = drafts.get(index);
            String deviceId = draft.deviceId() != null
                    ? draft.deviceId()
                    : UUID.randomUUID().toString();
            DeviceEntity device = newDevice(deviceId, draft, states.get(index), now);
            device.persist();
            IssuedCredential issued = credentials.newCredential(deviceId, expiresAt, now);
            issued.credential().persist();
            events.add(new OutboxWriter.Event(
                    DEVICE_CREATED, Topics.REGISTRY_DEVICES, deviceId, AvroRecords.encode(AvroRecords.device(device))));
            events.add(new OutboxWriter.Event(
                    CredentialService.CREDENTIAL_ISSUED,
                    Topics.REGISTRY_CREDENTIALS,
                    issued.credential().credentialId,
                    AvroRecords.encode(AvroRecords.credential(issued.credential()))));
            registered.add(new BulkRegistered(device, issued));
        }
        try {
            outbox.appendAll(events, now);
        } catch (ConstraintViolationException e) {
            throw new ConflictException("a device of this request was registered by another request meanwhile;"
                    + " nothing was stored, send the request again");
        }
        List<AuditWriter.Entry> entries = new ArrayList<>(registered.size());
        for (BulkRegistered item : registered) {
            Map<String, Object> after = new LinkedHashMap<>(Audit.device(item.device()));
            after.put("credentialId", item.issued().credential().credentialId);
            entries.add(new AuditWriter.Entry(
                    "device.created", Audit.DEVICE, item.device().deviceId, Map.of("after", after, "bulk", true)));
        }
        audit.recordAll(actor, entries, now);
        LOG.infof("%d devices registered in one bulk request", registered.size());
        return registered;
    }

    /** A device of a bulk registration with its new credential. */
    public record BulkRegistered(DeviceEntity device, IssuedCredential issued) {}

    /**
     * @throws UnknownResourceException if there is no such device
     */
    public DeviceEntity get(String deviceId) {
        return DeviceEntity.<DeviceEntity>findByIdOptional(deviceId)
                .orElseThrow(() -> new UnknownResourceException("device", deviceId));
    }

    /**
     * One page of devices in device id order.
     *
     * @param labels label selectors {@code key:value} or {@code key=value}; all must match
     */
    public Page<DeviceEntity> list(String type, String state, List<String> labels, String limit, String cursor) {
        Checks checks = new Checks();
        checks.optionalIdentifier("type", type);
        DeviceState wanted = state == null ? null : checks.oneOf("state", state, DeviceState.class);
        Map<String, String> selector = new TreeMap<>();
        for (String label : labels == null ? List.<String>of() : labels) {
            int separator = label.indexOf('=') >= 0 ? label.indexOf('=') : label.indexOf(':');
            if (separator <= 0) {
                checks.add(
                        "label",
                        "'" + Checks.abbreviate(label) + "' is not a label selector; write key:value (or key=value"
                                + " when the key contains ':'), for example label=site:north");
                continue;
            }
            String key = label.substring(0, separator);
            String value = label.substring(separator + 1);
            checks.optionalIdentifier("label", key);
            String previous = selector.put(key, value);
            if (previous != null && !previous.equals(value)) {
                checks.add("label", "label '" + key + "' is given twice with different values; no device can match");
            }
        }
        Integer size = checks.collect(() -> Cursor.limit(limit));
        String after = checks.collect(() -> Cursor.lastId(cursor));
        checks.throwIfAny();
        String labelsJson;
        try {
            labelsJson = selector.isEmpty() ? null : json.writeValueAsString(selector);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
        return Page.of(
                DeviceEntity.page(new DeviceEntity.Filter(type, wanted, labelsJson), after, size + 1),
                size,
                device -> device.deviceId);
    }

    /**
     * Applies a JSON merge patch (RFC 7396) to the name, type and labels of a device.
     *
     * @throws ConflictException if the device is decommissioned
     */
    @Transactional
    public DeviceEntity patch(Actor actor, String deviceId, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new InvalidRequestException(
                    "$", "send a JSON object with the fields to change: name, type and/or labels");
        }
        if (patch.has("state")) {
            throw new InvalidRequestException(
                    "state", "is changed with POST /v1/devices/" + deviceId + "/state {\"state\": ...}, not by PATCH");
        }
        DeviceEntity device = locked(deviceId);
        if (device.state == DeviceState.DECOMMISSIONED) {
            throw new ForbiddenTransitionException("device [" + deviceId + "] is DECOMMISSIONED and cannot be changed;"
                    + " " + Lifecycle.describeAllowed(device.state));
        }
        ObjectNode current = json.createObjectNode();
        current.put("name", device.name);
        current.put("type", device.type);
        current.set("labels", json.valueToTree(device.labels));
        DevicePatch changed = MergePatch.apply(json, current, patch, DevicePatch.class);
        Checks checks = new Checks();
        checks.name("name", changed.name());
        checks.identifier("type", changed.type());
        checks.labels("labels", changed.labels());
        checks.throwIfAny();
        if (!changed.type().equals(device.type)) {
            requireType("type", changed.type());
        }
        Map<String, Object> before = Audit.device(device);
        device.name = changed.name();
        device.type = changed.type();
        device.labels = changed.labels() == null ? Map.of() : new TreeMap<>(changed.labels());
        Map<String, Object> after = Audit.device(device);
        if (after.equals(before)) {
            return device;
        }
        device.updatedAt = now();
        outbox.append(
                DEVICE_UPDATED,
                Topics.REGISTRY_DEVICES,
                deviceId,
                AvroRecords.encode(AvroRecords.device(device)),
                device.updatedAt);
        audit.record(actor, "device.updated", Audit.DEVICE, deviceId, Audit.change(before, after), device.updatedAt);
        LOG.infof("device [%s] updated", deviceId);
        return device;
    }

    /**
     * Moves a device to another state; asking for the current state changes nothing. Decommissioning revokes every
     * credential of the device.
     *
     * @throws ForbiddenTransitionException if the lifecycle does not allow the transition
     */
    @Transactional
    public DeviceEntity changeState(Actor actor, String deviceId, String target, String reason) {
        Checks checks = new Checks();
        DeviceState wanted = checks.oneOf("state", target, DeviceState.class);
        if (reason != null
                && (reason.length() > MAX_REASON_LENGTH || reason.chars().anyMatch(Character::isISOControl))) {
            checks.add("reason", "give at most " + MAX_REASON_LENGTH + " characters without control characters");
        }
        checks.throwIfAny();
        DeviceEntity device = locked(deviceId);
        if (device.state == wanted) {
            return device;
        }
        if (!Lifecycle.allowedFrom(device.state).contains(wanted)) {
            throw new ForbiddenTransitionException("device [" + deviceId + "] is " + device.state + " and cannot move"
                    + " to " + wanted + "; " + Lifecycle.describeAllowed(device.state));
        }
        DeviceState from = device.state;
        Instant now = now();
        device.state = wanted;
        device.updatedAt = now;
        outbox.append(
                DEVICE_STATE_CHANGED,
                Topics.REGISTRY_DEVICES,
                deviceId,
                AvroRecords.encode(AvroRecords.device(device)),
                now);
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("from", from.name());
        change.put("to", wanted.name());
        change.put("reason", reason);
        audit.record(actor, "device.state-changed", Audit.DEVICE, deviceId, change, now);
        if (wanted == DeviceState.DECOMMISSIONED) {
            int revoked = credentials.revokeAllOf(actor, deviceId, now);
            LOG.infof("device [%s] decommissioned; %d credential(s) revoked", deviceId, revoked);
        } else {
            LOG.infof("device [%s] moved from %s to %s", deviceId, from, wanted);
        }
        return device;
    }

    /**
     * Deletes a decommissioned device and its credentials, publishing tombstones for all of them.
     *
     * @throws ForbiddenTransitionException if the device is not decommissioned
     */
    @Transactional
    public void delete(Actor actor, String deviceId) {
        DeviceEntity device = locked(deviceId);
        if (device.state != DeviceState.DECOMMISSIONED) {
            throw new ForbiddenTransitionException("device [" + deviceId + "] is " + device.state + "; only a"
                    + " DECOMMISSIONED device can be deleted. Decommission it first with POST /v1/devices/" + deviceId
                    + "/state {\"state\": \"DECOMMISSIONED\"}");
        }
        Instant now = now();
        List<DeviceCredentialEntity> removed = credentials.deleteAllOf(actor, deviceId, now);
        Map<String, Object> gone = Audit.device(device);
        device.delete();
        outbox.append(DEVICE_DELETED, Topics.REGISTRY_DEVICES, deviceId, null, now);
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("before", gone);
        change.put(
                "credentialsDeleted", removed.stream().map(c -> c.credentialId).toList());
        audit.record(actor, "device.deleted", Audit.DEVICE, deviceId, change, now);
        LOG.infof("device [%s] deleted with %d credential(s)", deviceId, removed.size());
    }

    /** Checks the fields of a new device; returns its initial state (null if invalid). */
    private static DeviceState check(Checks checks, DeviceDraft draft) {
        checks.optionalIdentifier("deviceId", draft.deviceId());
        checks.name("name", draft.name());
        checks.identifier("type", draft.type());
        checks.labels("labels", draft.labels());
        if (draft.state() == null) {
            return DeviceState.ACTIVE;
        }
        DeviceState state = checks.oneOf("state", draft.state(), DeviceState.class);
        if (state != null && !Lifecycle.INITIAL.contains(state)) {
            checks.add("state", "a new device starts PROVISIONED or ACTIVE (default ACTIVE); got " + state);
            return null;
        }
        return state;
    }

    private static DeviceEntity newDevice(String deviceId, DeviceDraft draft, DeviceState state, Instant now) {
        DeviceEntity device = new DeviceEntity();
        device.deviceId = deviceId;
        device.name = draft.name();
        device.type = draft.type();
        device.labels = draft.labels() == null ? Map.of() : new TreeMap<>(draft.labels());
        device.state = state;
        device.createdAt = now;
        device.updatedAt = now;
        return device;
    }

    private static void requireType(String field, String type) {
        if (DeviceTypeEntity.findById(type) == null) {
            throw new InvalidRequestException(field, unknownType(type));
        }
    }

    private static String unknownType(String type) {
        return "device type [" + type + "] does not exist; create it first with POST /v1/device-types {\"type\": \""
                + type + "\"}, or use an existing type (GET /v1/device-types)";
    }

    private static DeviceEntity locked(String deviceId) {
        DeviceEntity device = DeviceEntity.findById(deviceId, LockModeType.PESSIMISTIC_WRITE);
        if (device == null) {
            throw new UnknownResourceException("device", deviceId);
        }
        return device;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static ConflictException duplicate(String deviceId) {
        return new ConflictException("device [" + deviceId + "] already exists; choose another deviceId, or leave"
                + " deviceId out to have one generated");
    }
}
